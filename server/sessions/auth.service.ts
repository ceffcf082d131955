// Bearer authentication: session and API tokens. The hot path (a known, valid token) is
// synchronous, answered from a cache that events invalidate, so a request is never a
// repository round trip (which matters when the repository is a database).
import { AppError } from '../../src/domain/errors.js';
import type { ApiToken, Session, Settings, User } from '../../src/domain/schemas.js';
import { isIdle, resetPending, terminationMessage } from '../../src/domain/sessions.js';
import { hashSecret, newId, sameHash } from '../../src/domain/tokens.js';
import type { Ctx } from '../context.js';
import type { RequestInfo } from '../http/request-info.js';
import type { BusEvent } from '../events.js';
import { toPublicSession, toPublicUser } from '../public.js';
import { isoOf, type Activity } from './activity.js';
import { endSession } from './lifecycle.js';

export type { RequestInfo } from '../http/request-info.js';

export interface Authenticated {
  user: User;
  session: Session;
}

interface Entry {
  user: User;
  session: Session;
  /** The stored activity time, parsed once. */
  storedMs: number;
  userJson: string;
  /** The session's JSON around its activity time, which changes on every request. */
  sessionJson: [string, string];
  /** For API tokens: the token behind the session. */
  apiToken?: ApiToken;
}

const ACTIVITY_MARK = '@@seatdesk:lastActivityAt@@'; // survives JSON.stringify unchanged
const TOKEN_SHAPE = /^sd[sk]_[A-Za-z0-9_-]{20,}$/;

const unauthorized = () =>
  new AppError('unauthorized', 'Sign in first: the request has no valid session or API token.');
const terminated = (s: Session) =>
  new AppError('session_terminated', terminationMessage(s.endReason), { reason: s.endReason, sessionId: s.id });

export class AuthService {
  /** token hash → what it authenticates, and the hashes by session, user and API token. */
  private cache = new Map<string, Entry>();
  private bySession = new Map<string, string>();
  private byUser = new Map<string, Set<string>>();
  private byApiToken = new Map<string, string>();
  /** Bumped by every invalidation: a lookup that raced one is not cached. */
  private generation = 0;
  private settings: Settings | null = null;

  constructor(
    private readonly ctx: Ctx,
    private readonly activity: Activity,
  ) {
    ctx.bus.listen((e) => this.invalidate(e));
  }

  /** The user and session behind a bearer token, or the 401/403 that explains why not. */
  authenticate(token: string, req: () => RequestInfo): Authenticated | Promise<Authenticated> {
    if (!TOKEN_SHAPE.test(token)) throw unauthorized();
    const hash = hashSecret(token);
    const nowMs = this.ctx.now().getTime();
    const hit = this.cache.get(hash);
    if (hit && this.settings) {
      if (!isIdle(this.activity.lastActive(hit.session, hit.storedMs), this.settings.idleTimeoutMinutes, nowMs)) {
        this.activity.mark(hit.session.id, nowMs);
        return hit;
      }
    }
    return this.lookup(token, hash, req, nowMs);
  }

  /** The public JSON of the signed-in user and session (GET /api/me), cached but for the activity time. */
  meJson(auth: Authenticated): string {
    const e = 'userJson' in auth ? (auth as Entry) : this.entryFor(auth);
    const ms = this.activity.lastActive(e.session, e.storedMs);
    return `{"user":${e.userJson},"session":${e.sessionJson[0]}"${isoOf(ms)}"${e.sessionJson[1]}}`;
  }

  private async lookup(token: string, hash: string, reqInfo: () => RequestInfo, nowMs: number): Promise<Authenticated> {
    const gen = this.generation;
    const repo = this.ctx.repo;
    this.settings ??= await repo.settings();
    if (token.startsWith('sdk_')) return this.lookupApiToken(hash, reqInfo, nowMs);
    const session = await repo.sessionByTokenHash(hash);
    if (!session || !sameHash(session.tokenHash!, hash)) throw unauthorized();
    if (session.endedAt) throw terminated(session);
    const user = await repo.user(session.userId);
    if (!user || user.status === 'inactive') throw new AppError('account_inactive', 'This account is deactivated.');
    if (user.passwordResetPendingAt) throw resetPending(); // a session that raced the reset
    if (isIdle(this.activity.lastActive(session), this.settings.idleTimeoutMinutes, nowMs)) {
      await this.expire(session);
      throw terminated({ ...session, endReason: 'idle' });
    }
    this.activity.mark(session.id, nowMs);
    const entry = this.entryFor({ user, session });
    if (gen === this.generation) this.remember(hash, entry);
    return entry;
  }

  private async lookupApiToken(hash: string, reqInfo: () => RequestInfo, nowMs: number): Promise<Authenticated> {
    const gen = this.generation;
    const repo = this.ctx.repo;
    const tok = await repo.apiTokenByHash(hash);
    if (!tok || !sameHash(tok.tokenHash, hash)) throw unauthorized();
    if (tok.revokedAt) throw new AppError('unauthorized', 'This API token has been revoked. Create a new one.');
    const user = await repo.user(tok.userId);
    if (!user || user.status !== 'active')
      throw new AppError('account_inactive', 'The account behind this API token is not active.');
    if (user.passwordResetPendingAt) throw resetPending(); // a token that raced the reset
    const existing = await repo.liveSessionOfApiToken(tok.id);
    let session: Session | undefined;
    if (existing && !isIdle(this.activity.lastActive(existing), this.settings!.idleTimeoutMinutes, nowMs))
      session = existing;
    else {
      if (existing) await this.expire(existing);
      session = await this.openApiSession(tok, user, reqInfo(), nowMs);
    }
    this.activity.mark(session.id, nowMs);
    const entry = { ...this.entryFor({ user, session }), apiToken: tok };
    if (gen === this.generation) this.remember(hash, entry);
    return entry;
  }

  /** The token's first request (or the first after its session idled out) opens an api session. */
  private async openApiSession(tok: ApiToken, user: User, req: RequestInfo, nowMs: number): Promise<Session> {
    const at = new Date(nowMs).toISOString();
    return this.ctx.repo.transaction(async (tx) => {
      const live = await tx.liveSessionOfApiToken(tok.id);
      if (live) return live; // another request opened it meanwhile
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
      tx.putSession(session);
      tx.putApiToken({ ...tok, lastUsedAt: at });
      tx.emit({ type: 'session.created', data: { session: toPublicSession(session) } });
      return session;
    });
  }

  private async expire(session: Session): Promise<void> {
    const now = this.ctx.now();
    await this.ctx.repo.transaction(async (tx) => {
      const cur = await tx.session(session.id);
      if (cur && !cur.endedAt) endSession(tx, this.activity, cur, 'idle', null, now);
    });
  }

  private entryFor({ user, session }: Authenticated): Entry {
    const [head, tail] = JSON.stringify({ ...toPublicSession(session), lastActivityAt: ACTIVITY_MARK }).split(
      `"${ACTIVITY_MARK}"`,
    );
    return {
      user,
      session,
      storedMs: Date.parse(session.lastActivityAt),
      userJson: JSON.stringify(toPublicUser(user)),
      sessionJson: [head, tail],
    };
  }

  private remember(hash: string, entry: Entry): void {
    this.cache.set(hash, entry);
    this.bySession.set(entry.session.id, hash);
    let hashes = this.byUser.get(entry.user.id);
    if (!hashes) this.byUser.set(entry.user.id, (hashes = new Set()));
    hashes.add(hash);
    if (entry.apiToken) this.byApiToken.set(entry.apiToken.id, hash);
  }

  private forget(hash: string | undefined): void {
    const entry = hash === undefined ? undefined : this.cache.get(hash);
    if (!entry) return;
    this.cache.delete(hash!);
    if (this.bySession.get(entry.session.id) === hash) this.bySession.delete(entry.session.id);
    this.byUser.get(entry.user.id)?.delete(hash!);
    if (entry.apiToken && this.byApiToken.get(entry.apiToken.id) === hash) this.byApiToken.delete(entry.apiToken.id);
  }

  /** Drops what a committed change made stale (here or, with a shared database, on another server). */
  private invalidate(e: BusEvent): void {
    switch (e.type) {
      case 'session.created':
      case 'session.ended':
        this.generation++;
        this.forget(this.bySession.get((e.data as { session: { id: string } }).session.id));
        break;
      case 'user.updated': {
        this.generation++;
        const id = (e.data as { user: { id: string } }).user.id;
        for (const hash of [...(this.byUser.get(id) ?? [])]) this.forget(hash);
        this.byUser.delete(id);
        break;
      }
      case 'token.revoked':
        this.generation++;
        this.forget(this.byApiToken.get((e.data as { tokenId: string }).tokenId));
        break;
      case 'settings.updated':
        this.generation++;
        this.settings = null;
        break;
    }
  }
}
