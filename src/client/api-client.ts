// The typed HTTP client for the Seatdesk API: the console's only way to the server.
import type {
  AdminProfile,
  AuditEntry,
  LicenseView,
  LinkResult,
  MailEntry,
  MailMessage,
  MailDelivery,
  MailQueued,
  PublicSession,
  PublicUser,
  Settings,
  SettingsBody,
  SiteSettings,
  UserProfile,
  UserStatus,
} from '../domain/schemas.js';
import type { z } from 'zod';
import type { BulkResult, BulkUserAction } from '../domain/bulk.js';
import type { ImportResponse } from '../domain/bulk-import.js';
import type { ReclaimPlan, ReclaimRun } from '../domain/reclaim.js';
import type { SeatHistoryEntry } from '../domain/seat-history.js';
import { VERSION } from '../version.js';

export type { LinkResult, MailLink, MailMessage } from '../domain/schemas.js';

/** A change to the site settings (PUT /api/settings): any of them; the reclamation policy field by field. */
export type SettingsChange = z.input<typeof SettingsBody>;

/** How the console (and scripts using this client) appear in the session grid. */
const USER_AGENT = `seatdesk/${VERSION} (${process.platform}; node ${process.versions.node})`;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Page<T> {
  items: T[];
  total: number;
  /** Pass back as `cursor` for the next page; null at the end. */
  nextCursor?: string | null;
}
export interface ListQuery {
  q?: string;
  sort?: string;
  order?: 'asc' | 'desc';
  /** Keyset paging: the page after the row this cursor names (wins over offset). */
  cursor?: string;
  offset?: number;
  limit?: number;
}
export interface LoginResult {
  token: string;
  session: PublicSession;
  user: PublicUser;
}
export interface ServerEvent {
  type: string;
  data: unknown;
}

function qs(q: object): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export class ApiClient {
  token: string | null;
  constructor(
    readonly baseUrl: string,
    opts: { token?: string | null; timeoutMs?: number } = {},
  ) {
    this.token = opts.token ?? null;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
  }
  private readonly timeoutMs: number;

  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': USER_AGENT };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ?? AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new ApiError(0, 'unreachable', `Cannot reach the server at ${this.baseUrl} (${(e as Error).message}).`);
    }
    const text = await res.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      if (!res.ok) throw new ApiError(res.status, 'bad_response', text.slice(0, 200) || res.statusText);
      return text as T;
    }
    if (!res.ok) {
      const err = (data as { error?: { code?: string; message?: string } })?.error;
      const { code, message, ...details } = (err ?? {}) as Record<string, unknown>;
      throw new ApiError(res.status, String(code ?? 'http_' + res.status), String(message ?? res.statusText), details);
    }
    return data as T;
  }

  /** A GET whose answer is not JSON (a download): the Response, or the API's error thrown. */
  private async fetchRaw(path: string): Promise<Response> {
    const headers: Record<string, string> = { 'user-agent': USER_AGENT };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, { headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw new ApiError(0, 'unreachable', `Cannot reach the server at ${this.baseUrl} (${(e as Error).message}).`);
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
      throw new ApiError(res.status, body?.error?.code ?? 'http_' + res.status, body?.error?.message ?? res.statusText);
    }
    return res;
  }

  // ---- auth and setup ----
  health = () => this.request<{ status: string; version: string }>('GET', '/api/health');
  setupStatus = () => this.request<{ needsSetup: boolean; local: boolean }>('GET', '/api/setup');
  setup = (email: string, password: string, names: { firstName?: string; lastName?: string } = {}) =>
    this.request<{ user: PublicUser }>('POST', '/api/setup', { email, password, ...names });
  login = (body: {
    email: string;
    password: string;
    client?: 'web' | 'tui' | 'explorer';
    clientId?: string;
    replaceSessionId?: string;
    terminateOldest?: boolean;
  }) => this.request<LoginResult>('POST', '/api/auth/login', body);
  logout = () => this.request<{ ok: true }>('POST', '/api/auth/logout');
  me = () => this.request<{ user: PublicUser; session: PublicSession }>('GET', '/api/me');
  activate = (body: { token: string; password: string; firstName?: string; lastName?: string }) =>
    this.request<{ user: PublicUser }>('POST', '/api/auth/activate', body);
  resetPasswordWithToken = (body: { token: string; password: string }) =>
    this.request<{ user: PublicUser }>('POST', '/api/auth/reset-password', body);
  listTokens = () =>
    this.request<{ items: { id: string; name: string; createdAt: string; lastUsedAt: string | null }[] }>(
      'GET',
      '/api/tokens',
    );
  createToken = (name: string) =>
    this.request<{ id: string; name: string; token: string; createdAt: string }>('POST', '/api/tokens', { name });
  revokeToken = (id: string) => this.request<{ ok: true }>('DELETE', `/api/tokens/${encodeURIComponent(id)}`);

  // ---- license, settings, catalogues ----
  license = () => this.request<LicenseView>('GET', '/api/license');
  updateLicense = (body: { plan?: 'trial' | 'standard'; seats?: number; expiresAt?: string | null }) =>
    this.request<LicenseView>('PUT', '/api/license', body);
  settings = () => this.request<SiteSettings>('GET', '/api/settings');
  updateSettings = (body: SettingsChange) => this.request<Settings>('PUT', '/api/settings', body);
  profiles = () => this.request<{ userProfiles: UserProfile[]; adminProfiles: AdminProfile[] }>('GET', '/api/profiles');
  projects = () => this.request<{ items: { id: string; name: string; members: number }[] }>('GET', '/api/projects');
  audit = (q: { cursor?: string; offset?: number; limit?: number } = {}) =>
    this.request<Page<AuditEntry>>('GET', `/api/audit${qs(q)}`);

  // ---- users ----
  /** `dormantDays` / `pendingOlderThanDays` narrow the list to dormant users / stale invitations (and compose with the rest). */
  users = (
    q: ListQuery & {
      status?: UserStatus;
      profile?: string;
      admin?: string;
      dormantDays?: number;
      pendingOlderThanDays?: number;
    } = {},
    signal?: AbortSignal,
  ) => this.request<Page<PublicUser>>('GET', `/api/users${qs(q)}`, undefined, signal);
  user = (id: string) => this.request<{ user: PublicUser }>('GET', `/api/users/${encodeURIComponent(id)}`);
  invite = (body: { email: string; userProfile?: UserProfile; adminProfile?: AdminProfile | null }) =>
    this.request<LinkResult>('POST', '/api/users/invite', body);
  patchUser = (
    id: string,
    body: { firstName?: string; lastName?: string; userProfile?: UserProfile; adminProfile?: AdminProfile | null },
  ) => this.request<{ user: PublicUser }>('PATCH', `/api/users/${encodeURIComponent(id)}`, body);
  deactivate = (id: string) =>
    this.request<{ user: PublicUser }>('POST', `/api/users/${encodeURIComponent(id)}/deactivate`);
  reactivate = (id: string) =>
    this.request<{ user: PublicUser; mail: MailQueued }>('POST', `/api/users/${encodeURIComponent(id)}/reactivate`);
  resendActivation = (id: string) =>
    this.request<LinkResult>('POST', `/api/users/${encodeURIComponent(id)}/resend-activation`);
  resetPassword = (id: string) =>
    this.request<LinkResult>('POST', `/api/users/${encodeURIComponent(id)}/reset-password`);
  terminateUserSessions = (id: string) =>
    this.request<{ ended: number }>('POST', `/api/users/${encodeURIComponent(id)}/terminate-sessions`);

  // ---- sessions ----
  sessions = (q: ListQuery & { client?: string; state?: 'live' | 'ended' } = {}, signal?: AbortSignal) =>
    this.request<Page<PublicSession> & { activeCount: number }>('GET', `/api/sessions${qs(q)}`, undefined, signal);
  terminateSession = (id: string) =>
    this.request<{ session: PublicSession }>('DELETE', `/api/sessions/${encodeURIComponent(id)}`);

  // seat reclamation: bulk actions, bulk invite, seat history, the reclamation policy
  bulkUsers = (action: BulkUserAction, ids: string[]) =>
    this.request<BulkResult>('POST', '/api/users/bulk', { action, ids });
  bulkEndSessions = (ids: string[]) =>
    this.request<BulkResult>('POST', '/api/sessions/bulk', { action: 'terminate', ids });
  importUsers = (body: { csv: string; dryRun?: boolean; inviteFirst?: number }) =>
    this.request<ImportResponse>('POST', '/api/users/import', body);
  seatHistory = (q: { days?: number; cursor?: string; limit?: number } = {}) =>
    this.request<{ items: SeatHistoryEntry[]; total: number; nextCursor: string | null }>(
      'GET',
      `/api/license/history${qs(q)}`,
    );
  reclaimPlan = () => this.request<ReclaimPlan>('GET', '/api/policy/plan');
  runReclaim = () => this.request<ReclaimRun>('POST', '/api/policy/run');

  // ---- mail ----
  mails = (q: ListQuery & { to?: string } = {}, signal?: AbortSignal) =>
    this.request<Page<MailEntry>>('GET', `/api/mail${qs(q)}`, undefined, signal);
  latestMail = (q: { to?: string; subject?: string; wait?: number }) =>
    this.request<{ mail: MailEntry }>(
      'GET',
      `/api/mail/latest${qs(q)}`,
      undefined,
      AbortSignal.timeout(((q.wait ?? 0) + 10) * 1000),
    );
  mail = (id: string) => this.request<{ mail: MailMessage }>('GET', `/api/mail/${encodeURIComponent(id)}`);
  rawMail = (id: string) => this.request<string>('GET', `/api/mail/${encodeURIComponent(id)}/raw`);
  /** The n-th attachment (0-based) of a message, decoded. */
  attachment = async (id: string, n: number): Promise<{ content: Buffer; contentType: string }> => {
    const res = await this.fetchRaw(`/api/mail/${encodeURIComponent(id)}/attachments/${n}`);
    return {
      content: Buffer.from(await res.arrayBuffer()),
      contentType: res.headers.get('content-type') ?? 'application/octet-stream',
    };
  };
  deleteMail = (id: string) => this.request<{ ok: true }>('DELETE', `/api/mail/${encodeURIComponent(id)}`);
  /** Delivery of a message Seatdesk sent (the `mail.id` an action answered). */
  outboxMessage = (id: string) =>
    this.request<{ delivery: MailDelivery }>('GET', `/api/mail/outbox/${encodeURIComponent(id)}`);
  /** Deliveries of the messages Seatdesk sent to a user, newest first. */
  userDeliveries = (userId: string) =>
    this.request<{ items: MailDelivery[] }>('GET', `/api/users/${encodeURIComponent(userId)}/mail`);
  deleteAllMail = () => this.request<{ deleted: number }>('DELETE', '/api/mail');

  /**
   * Streams /api/events until the signal aborts or the connection drops (Node 20 has no
   * EventSource, so this reads the SSE stream with fetch). Resolves when the stream ends.
   */
  async events(
    onEvent: (e: ServerEvent) => void,
    outer: AbortSignal,
    onOpen?: () => void,
    silenceMs = 45_000,
  ): Promise<void> {
    // The server sends a heartbeat every 15 s; a stream silent for longer is dead (a dropped
    // network often gives no error), so it is cut and the caller reconnects.
    const ac = new AbortController();
    const stop = () => ac.abort();
    outer.addEventListener('abort', stop);
    let silence = setTimeout(stop, silenceMs);
    const alive = () => {
      clearTimeout(silence);
      silence = setTimeout(stop, silenceMs);
    };
    try {
      await this.readEvents(onEvent, ac.signal, outer, alive, onOpen);
    } finally {
      clearTimeout(silence);
      outer.removeEventListener('abort', stop);
    }
  }

  private async readEvents(
    onEvent: (e: ServerEvent) => void,
    signal: AbortSignal,
    outer: AbortSignal,
    alive: () => void,
    onOpen?: () => void,
  ): Promise<void> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/api/events`, {
        headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream', 'user-agent': USER_AGENT },
        signal,
      });
    } catch (e) {
      throw new ApiError(0, 'unreachable', `Cannot reach the server at ${this.baseUrl} (${(e as Error).message}).`);
    }
    if (!res.ok || !res.body) {
      const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
      throw new ApiError(res.status, body?.error?.code ?? 'http_' + res.status, body?.error?.message ?? res.statusText);
    }
    onOpen?.();
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        alive();
        buf += decoder.decode(chunk, { stream: true });
        let idx: number;
        while ((idx = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, idx);
          buf = buf.slice(idx + 2);
          let type = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) type = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (data.length === 0) continue; // comment or heartbeat
          let parsed: unknown = null;
          try {
            parsed = JSON.parse(data.join('\n'));
          } catch {
            parsed = data.join('\n');
          }
          onEvent({ type, data: parsed });
        }
      }
    } catch (e) {
      if (outer.aborted) return;
      throw new ApiError(
        0,
        'unreachable',
        signal.aborted ? 'The event stream went silent.' : `The event stream was cut (${(e as Error).message}).`,
      );
    }
  }
}
