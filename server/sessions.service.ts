// Login sessions: login and the per-user limit, bearer authentication, activity, idle expiry,
// termination and history, and the caller's own API tokens.
import { AppError } from '../src/domain/errors.js';
import { needsRehash, hashPassword, verifyDummy, verifyPassword } from '../src/domain/passwords.js';
import { contains, sortAndPage, type Page, type PageQuery } from '../src/domain/query.js';
import type { ApiToken, PublicSession, Session, User } from '../src/domain/schemas.js';
import { hashSecret, newId, newSecret, sameHash } from '../src/domain/tokens.js';
import { isIdle, pickOldest, terminationMessage } from '../src/domain/sessions.js';
import { LoginThrottle } from '../src/domain/login-throttle.js';
import { mayManage } from '../src/domain/permissions.js';
import { addAudit } from './audit.js';
import type { Actor, Ctx } from './context.js';
import type { Tx } from './store/store.repository.js';
import { toPublicUser } from './users.service.js';

export const toPublicSession = ({ tokenHash: _t, ...s }: Session): PublicSession => s;

const ACTIVITY_MARK = '@@seatdesk:lastActivityAt@@'; // survives JSON.stringify unchanged
const sessionJsonParts = new WeakMap<Session, [string, string]>();

// At tens of thousands of requests a second many share a millisecond: format it once.
let isoMs = -1;
let isoText = '';
const isoOf = (ms: number): string => (ms === isoMs ? isoText : ((isoMs = ms), (isoText = new Date(ms).toISOString())));
const parsedTimes = new WeakMap<Session, number>();
function parsedActivity(s: Session): number {
  let t = parsedTimes.get(s);
  if (t === undefined) parsedTimes.set(s, (t = Date.parse(s.lastActivityAt)));
  return t;
}

const SORTABLE = ['email', 'client', 'address', 'userAgent', 'startedAt', 'lastActivityAt', 'endedAt', 'endReason'] as const;

export interface SessionQuery extends PageQuery {
  q?: string;
  /** Comma list of clients, or "all"; by default every client but explorer. */
  client?: string;
  state?: 'live' | 'ended';
}

export interface RequestInfo {
  address: string;
  userAgent: string;
}

export interface LoginInput {
  email: string;
  password: string;
  client?: 'web' | 'tui' | 'explorer';
  clientId?: string;
  replaceSessionId?: string;
  terminateOldest?: boolean;
}

export interface Authenticated {
  user: User;
  session: Session;
}

export class SessionsService {
  /** Activity not yet written to the store: session id → epoch ms. */
  private activity = new Map<string, number>();
  /** api token id → its live api session id. */
  private apiSessions = new Map<string, string>();
  readonly throttle: LoginThrottle;

  constructor(private readonly ctx: Ctx) {
    this.throttle = new LoginThrottle(() => this.ctx.now().getTime());
    for (const s of ctx.store.values('sessions')) if (s.apiTokenId && !s.endedAt) this.apiSessions.set(s.apiTokenId, s.id);
  }

  private get store() {
    return this.ctx.store;
  }

  // ---- login ----

  async login(input: LoginInput, req: RequestInfo): Promise<{ token: string; session: PublicSession; user: ReturnType<typeof toPublicUser> }> {
    const found = this.store.findBy('users', input.email);
    // An address the user holds a live session from is theirs: the account-wide limit does not apply to it.
    this.throttle.check(input.email, req.address, () => !!found && this.liveSessionsOf(found.id).some((s) => s.address === req.address));
    const ok = found?.passwordHash ? await verifyPassword(input.password, found.passwordHash) : await verifyDummy(input.password, this.ctx.scrypt);
    if (!found || !ok) {
      this.throttle.fail(input.email, req.address);
      await this.store
        .transact((tx) => addAudit(this.store, tx, this.ctx.now(), null, 'login.failed', found ?? null, { email: input.email, address: req.address }))
        .catch(() => {});
      throw new AppError('invalid_credentials', 'The email or password is not correct.');
    }
    this.throttle.succeed(input.email, req.address);
    if (found.status === 'inactive') throw new AppError('account_inactive', 'This account is deactivated. Ask your administrator to reactivate it.');
    if (found.passwordResetPendingAt) throw resetPending();
    const rehash = needsRehash(found.passwordHash!, this.ctx.scrypt) ? await hashPassword(input.password, this.ctx.scrypt) : null;

    const client = input.client ?? 'web';
    const clientId = input.clientId ?? newId();
    const token = newSecret('sds');
    const now = this.ctx.now();
    const { session, user, ended } = await this.store.transact((tx) => {
      const user = this.store.get('users', found.id)!;
      if (user.status === 'inactive') throw new AppError('account_inactive', 'This account is deactivated. Ask your administrator to reactivate it.');
      if (user.passwordResetPendingAt) throw resetPending();
      const live = this.liveSessionsOf(user.id).filter((s) => s.client !== 'api');
      const ended: Session[] = [];
      const same = live.find((s) => s.client === client && s.clientId === clientId);
      let session: Session;
      if (same) {
        // The same browser or console again: one session, a fresh token for it.
        session = { ...same, tokenHash: hashSecret(token), lastActivityAt: now.toISOString(), address: req.address, userAgent: req.userAgent };
      } else {
        if (live.length >= this.store.settings.maxSessionsPerUser) {
          const victim = input.replaceSessionId
            ? live.find((s) => s.id === input.replaceSessionId)
            : input.terminateOldest
              ? pickOldest(live.map((s) => this.withActivity(s)))
              : undefined;
          if (!victim) {
            throw new AppError(
              'session_limit_reached',
              `You already have ${live.length} active sessions, the most allowed. End one of them (name it in replaceSessionId, or ask terminateOldest) and sign in again.`,
              { maxSessionsPerUser: this.store.settings.maxSessionsPerUser, sessions: live.map((s) => toPublicSession(this.withActivity(s))) },
            );
          }
          ended.push(this.end(tx, victim, 'limit', null, now));
        }
        session = {
          id: newId(),
          userId: user.id,
          email: user.email,
          client,
          clientId,
          apiTokenId: null,
          tokenHash: hashSecret(token),
          address: req.address,
          userAgent: req.userAgent,
          startedAt: now.toISOString(),
          lastActivityAt: now.toISOString(),
          endedAt: null,
          endReason: null,
          endedBy: null,
        };
      }
      tx.put('sessions', session);
      const next: User = { ...user, lastLoginAt: now.toISOString(), ...(rehash ? { passwordHash: rehash } : {}) };
      tx.put('users', next);
      addAudit(this.store, tx, now, user, 'login', user, { client, sessionId: session.id, address: req.address });
      return { session, user: next, ended };
    });
    this.activity.delete(session.id);
    this.emitEnded(ended);
    this.ctx.bus.emit('session.created', { session: toPublicSession(session) });
    return { token, session: toPublicSession(session), user: toPublicUser(user) };
  }

  async logout(session: Session): Promise<void> {
    const now = this.ctx.now();
    const ended = await this.store.transact((tx) => {
      const cur = this.store.get('sessions', session.id);
      return cur && !cur.endedAt ? [this.end(tx, cur, 'logout', null, now)] : [];
    });
    this.emitEnded(ended);
  }

  // ---- authentication ----

  /** The user and session behind a bearer token, or the 401/403 that explains why not. */
  authenticate(token: string, req: () => RequestInfo): Authenticated | Promise<Authenticated> {
    // Synchronous on the hot path (a valid session token): no promise, no extra tick.
    if (!/^sd[sk]_[A-Za-z0-9_-]{20,}$/.test(token)) throw unauthorized();
    const hash = hashSecret(token);
    const nowMs = this.ctx.now().getTime();
    if (token.startsWith('sdk_')) return this.authenticateApiToken(hash, req, nowMs);
    const session = this.store.findBy('sessions', hash);
    if (!session || !sameHash(session.tokenHash!, hash)) throw unauthorized();
    if (session.endedAt) throw terminated(session);
    const user = this.store.get('users', session.userId);
    if (!user || user.status === 'inactive') throw new AppError('account_inactive', 'This account is deactivated.');
    if (isIdle(this.lastActive(session), this.store.settings.idleTimeoutMinutes, nowMs)) {
      return this.expire(session).then(() => {
        throw terminated({ ...session, endReason: 'idle' });
      });
    }
    this.activity.set(session.id, nowMs);
    return { user, session };
  }

  /** The public JSON of a session with its current activity time; the rest is cached per record. */
  publicJson(s: Session): string {
    let parts = sessionJsonParts.get(s);
    if (!parts) {
      const [head, tail] = JSON.stringify({ ...toPublicSession(s), lastActivityAt: ACTIVITY_MARK }).split(`"${ACTIVITY_MARK}"`);
      sessionJsonParts.set(s, (parts = [head, tail]));
    }
    const ms = this.activity.get(s.id);
    const iso = ms !== undefined && ms > parsedActivity(s) ? isoOf(ms) : s.lastActivityAt;
    return `${parts[0]}"${iso}"${parts[1]}`;
  }

  /** When a session was last active: its in-memory activity, or the stored time. */
  private lastActive(s: Session): number {
    const parsed = parsedActivity(s);
    const ms = this.activity.get(s.id);
    return ms !== undefined && ms > parsed ? ms : parsed;
  }

  private async authenticateApiToken(hash: string, reqInfo: () => RequestInfo, nowMs: number): Promise<Authenticated> {
    const tok = this.store.findBy('apiTokens', hash);
    if (!tok || !sameHash(tok.tokenHash, hash)) throw unauthorized();
    if (tok.revokedAt) throw new AppError('unauthorized', 'This API token has been revoked. Create a new one.');
    const user = this.store.get('users', tok.userId);
    if (!user || user.status !== 'active') throw new AppError('account_inactive', 'The account behind this API token is not active.');
    const sid = this.apiSessions.get(tok.id);
    const existing = sid ? this.store.get('sessions', sid) : undefined;
    if (existing && !existing.endedAt) {
      if (!isIdle(this.lastActive(existing), this.store.settings.idleTimeoutMinutes, nowMs)) {
        this.activity.set(existing.id, nowMs);
        return { user, session: existing };
      }
      await this.expire(existing);
    }
    // The token's first request (or the first after its session idled out) opens an api session.
    const at = new Date(nowMs).toISOString();
    const req = reqInfo();
    const session: Session = {
      id: newId(),
      userId: user.id,
      email: user.email,
      client: 'api',
      clientId: null,
      apiTokenId: tok.id,
      tokenHash: null,
      address: req.address,
      userAgent: req.userAgent,
      startedAt: at,
      lastActivityAt: at,
      endedAt: null,
      endReason: null,
      endedBy: null,
    };
    await this.store.transact((tx) => {
      tx.put('sessions', session);
      tx.put('apiTokens', { ...tok, lastUsedAt: at });
    });
    this.apiSessions.set(tok.id, session.id);
    this.ctx.bus.emit('session.created', { session: toPublicSession(session) });
    return { user, session };
  }

  private async expire(session: Session): Promise<void> {
    const now = this.ctx.now();
    const ended = await this.store.transact((tx) => {
      const cur = this.store.get('sessions', session.id);
      return cur && !cur.endedAt ? [this.end(tx, cur, 'idle', null, now)] : [];
    });
    this.emitEnded(ended);
  }

  // ---- admin: grid, termination ----

  list(q: SessionQuery): Page<PublicSession> & { activeCount: number } {
    const ended = q.state === 'ended';
    const clients = !q.client ? null : q.client === 'all' ? 'all' : new Set(q.client.split(','));
    const needle = q.q?.trim().toLowerCase() ?? '';
    const rows: Session[] = [];
    let activeCount = 0;
    for (const s of this.store.values('sessions')) {
      if (!s.endedAt) activeCount++;
      if (!!s.endedAt !== ended) continue;
      if (clients === null ? s.client === 'explorer' : clients !== 'all' && !clients.has(s.client)) continue;
      if (needle && !contains(s.email, needle)) continue;
      rows.push(ended ? s : this.withActivity(s));
    }
    const page = sortAndPage(rows, q, SORTABLE, ended ? 'endedAt' : 'startedAt');
    return { items: page.items.map(toPublicSession), total: page.total, activeCount };
  }

  async terminate(actor: Actor, id: string): Promise<PublicSession> {
    const now = this.ctx.now();
    const ended = await this.store.transact((tx) => {
      const s = this.store.get('sessions', id);
      if (!s) throw new AppError('session_not_found', `No session has the id "${id}".`);
      if (s.endedAt) throw new AppError('invalid_state', `That session already ended (${s.endReason}).`);
      const owner = this.store.get('users', s.userId);
      if (owner && !mayManage(actor, owner)) throw notYours();
      const e = this.end(tx, s, 'admin', actor.id, now);
      addAudit(this.store, tx, now, actor, 'session.terminate', { id: s.userId, email: s.email }, { sessionId: s.id, client: s.client });
      return e;
    });
    this.emitEnded([ended]);
    return toPublicSession(ended);
  }

  async terminateUser(actor: Actor, userId: string): Promise<number> {
    const now = this.ctx.now();
    const ended = await this.store.transact((tx) => {
      const u = this.store.get('users', userId);
      if (!u) throw new AppError('user_not_found', `No user has the id "${userId}".`);
      if (!mayManage(actor, u)) throw notYours();
      const ended = this.endAllForUser(tx, userId, 'admin', actor.id, now);
      addAudit(this.store, tx, now, actor, 'session.terminate_all', u, { count: ended.length });
      return ended;
    });
    this.emitEnded(ended);
    return ended.length;
  }

  /** Ends every live session of a user, inside the caller's transaction. */
  endAllForUser(tx: Tx, userId: string, reason: Session['endReason'] & string, by: string | null, now: Date): Session[] {
    return this.liveSessionsOf(userId).map((s) => this.end(tx, s, reason, by, now));
  }

  revokeAllTokens(tx: Tx, userId: string, now: Date): number {
    let n = 0;
    for (const t of this.store.values('apiTokens'))
      if (t.userId === userId && !t.revokedAt) {
        tx.put('apiTokens', { ...t, revokedAt: now.toISOString() });
        n++;
      }
    return n;
  }

  emitEnded(sessions: Session[]): void {
    for (const s of sessions) this.ctx.bus.emit('session.ended', { session: toPublicSession(s) });
  }

  // ---- background work ----

  /** Ends sessions idle past the timeout. Run every few seconds by the server. */
  async sweepIdle(): Promise<number> {
    const minutes = this.store.settings.idleTimeoutMinutes;
    if (!minutes) return 0;
    const now = this.ctx.now();
    const ended = await this.store.transact((tx) => {
      const out: Session[] = [];
      for (const s of this.store.values('sessions'))
        if (!s.endedAt && isIdle(this.lastActive(s), minutes, now.getTime())) out.push(this.end(tx, s, 'idle', null, now));
      return out;
    });
    this.emitEnded(ended);
    return ended.length;
  }

  /** Writes batched activity times to the store. */
  async flushActivity(): Promise<void> {
    if (this.activity.size === 0) return;
    const batch = new Map(this.activity);
    await this.store.transact((tx) => {
      for (const [id, ms] of batch) {
        const s = this.store.get('sessions', id);
        if (s && !s.endedAt) tx.patch('sessions', id, { lastActivityAt: new Date(ms).toISOString() });
      }
    });
    for (const [id, ms] of batch) if (this.activity.get(id) === ms) this.activity.delete(id);
  }

  // ---- API tokens ----

  listTokens(userId: string): Omit<ApiToken, 'tokenHash'>[] {
    const out: Omit<ApiToken, 'tokenHash'>[] = [];
    for (const { tokenHash: _h, ...t } of this.store.values('apiTokens')) if (t.userId === userId && !t.revokedAt) out.push(t);
    return out;
  }

  async createToken(user: User, name: string): Promise<{ id: string; name: string; token: string; createdAt: string }> {
    const token = newSecret('sdk');
    const now = this.ctx.now();
    const rec: ApiToken = { id: newId(), userId: user.id, name, tokenHash: hashSecret(token), createdAt: now.toISOString(), lastUsedAt: null, revokedAt: null };
    await this.store.transact((tx) => {
      tx.put('apiTokens', rec);
      addAudit(this.store, tx, now, user, 'token.create', user, { tokenId: rec.id, name });
    });
    return { id: rec.id, name, token, createdAt: rec.createdAt };
  }

  async revokeToken(user: User, id: string): Promise<void> {
    const now = this.ctx.now();
    const ended = await this.store.transact((tx) => {
      const t = this.store.get('apiTokens', id);
      if (!t || t.userId !== user.id || t.revokedAt) throw new AppError('not_found', `You have no API token with the id "${id}".`);
      tx.put('apiTokens', { ...t, revokedAt: now.toISOString() });
      addAudit(this.store, tx, now, user, 'token.revoke', user, { tokenId: id });
      const sid = this.apiSessions.get(id);
      const s = sid ? this.store.get('sessions', sid) : undefined;
      return s && !s.endedAt ? [this.end(tx, s, 'logout', user.id, now)] : [];
    });
    this.emitEnded(ended);
  }

  // ---- helpers ----

  private liveSessionsOf(userId: string): Session[] {
    const out: Session[] = [];
    for (const s of this.store.values('sessions')) if (s.userId === userId && !s.endedAt) out.push(s);
    return out;
  }

  /** The session with its in-memory activity time applied (a copy only when that is newer). */
  private withActivity(s: Session): Session {
    const ms = this.activity.get(s.id);
    return ms !== undefined && ms > parsedActivity(s) ? { ...s, lastActivityAt: isoOf(ms) } : s;
  }

  private end(tx: Tx, s: Session, reason: NonNullable<Session['endReason']>, by: string | null, now: Date): Session {
    const ended: Session = { ...this.withActivity(s), endedAt: now.toISOString(), endReason: reason, endedBy: by };
    tx.put('sessions', ended);
    this.noteEnded(tx);
    this.activity.delete(s.id);
    if (s.apiTokenId && this.apiSessions.get(s.apiTokenId) === s.id) this.apiSessions.delete(s.apiTokenId);
    return ended;
  }

  /** Ended sessions in the store, counted once and then kept up to date; -1 until counted. */
  private endedCount = -1;
  /** Keeps the newest `sessionHistory` ended sessions, pruning in batches (one scan per batch). */
  private noteEnded(tx: Tx): void {
    const keep = this.ctx.config.sessionHistory;
    const batch = Math.max(1, Math.min(500, Math.floor(keep / 20)));
    if (this.endedCount < 0) {
      this.endedCount = 0;
      for (const s of this.store.values('sessions')) if (s.endedAt) this.endedCount++;
    } else this.endedCount++;
    if (this.endedCount <= keep + batch) return;
    const ended: Session[] = [];
    for (const s of this.store.values('sessions')) if (s.endedAt) ended.push(s);
    ended.sort((a, b) => (a.endedAt! < b.endedAt! ? -1 : a.endedAt! > b.endedAt! ? 1 : 0));
    for (const s of ended.slice(0, ended.length - keep)) tx.del('sessions', s.id);
    this.endedCount = keep;
  }
}

const resetPending = () =>
  new AppError(
    'password_reset_pending',
    'An administrator reset your password, so the old one no longer works. Open the link in the email you were sent to choose a new password.',
  );
const notYours = () => new AppError('forbidden', "Only a Site Administrator can end a Site Administrator's sessions.");
const unauthorized = () => new AppError('unauthorized', 'Sign in first: the request has no valid session or API token.');

function terminated(s: Session): AppError {
  return new AppError('session_terminated', terminationMessage(s.endReason), { reason: s.endReason, sessionId: s.id });
}
