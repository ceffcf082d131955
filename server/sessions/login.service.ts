// Sign-in and sign-out: passwords, the per-user session limit, and reusing a client's session.
import { AppError } from '../../src/domain/errors.js';
import { hashPassword, needsRehash, verifyDummy, verifyPassword } from '../../src/domain/passwords.js';
import type { PublicSession, PublicUser, Session, User } from '../../src/domain/schemas.js';
import { LoginThrottle } from '../../src/domain/login-throttle.js';
import { pickOldest, resetPending } from '../../src/domain/sessions.js';
import { hashSecret, newId, newSecret } from '../../src/domain/tokens.js';
import { auditEntry } from '../audit.js';
import type { Ctx } from '../context.js';
import { toPublicSession, toPublicUser } from '../public.js';
import type { Activity } from './activity.js';
import type { RequestInfo } from '../http/request-info.js';
import { endSession } from './lifecycle.js';

export interface LoginInput {
  email: string;
  password: string;
  client?: 'web' | 'tui' | 'explorer';
  clientId?: string;
  replaceSessionId?: string;
  terminateOldest?: boolean;
}

export class LoginService {
  readonly throttle: LoginThrottle;

  constructor(
    private readonly ctx: Ctx,
    private readonly activity: Activity,
  ) {
    this.throttle = new LoginThrottle(() => this.ctx.now().getTime());
  }

  async login(
    input: LoginInput,
    req: RequestInfo,
  ): Promise<{ token: string; session: PublicSession; user: PublicUser }> {
    const repo = this.ctx.repo;
    const found = await repo.userByEmail(input.email);
    // An address the user holds a live session from is theirs: the account-wide limit does not apply to it.
    const liveHere = found ? (await repo.liveSessionsOf(found.id)).some((s) => s.address === req.address) : false;
    this.throttle.check(input.email, req.address, () => liveHere);
    const ok = found?.passwordHash
      ? await verifyPassword(input.password, found.passwordHash)
      : await verifyDummy(input.password, this.ctx.scrypt);
    if (!found || !ok) {
      this.throttle.fail(input.email, req.address);
      await repo
        .transaction((tx) =>
          tx.appendAudit(
            auditEntry(this.ctx.now(), null, 'login.failed', found ?? null, {
              email: input.email,
              address: req.address,
            }),
          ),
        )
        .catch(() => {});
      throw new AppError('invalid_credentials', 'The email or password is not correct.');
    }
    this.throttle.succeed(input.email, req.address);
    if (found.status === 'inactive')
      throw new AppError('account_inactive', 'This account is deactivated. Ask your administrator to reactivate it.');
    if (found.passwordResetPendingAt) throw resetPending();
    const rehash = needsRehash(found.passwordHash!, this.ctx.scrypt)
      ? await hashPassword(input.password, this.ctx.scrypt)
      : null;

    const client = input.client ?? 'web';
    const clientId = input.clientId ?? newId();
    const token = newSecret('sds');
    const now = this.ctx.now();
    const { session, user } = await repo.transaction(async (tx) => {
      const user = (await tx.user(found.id))!;
      if (user.status === 'inactive')
        throw new AppError('account_inactive', 'This account is deactivated. Ask your administrator to reactivate it.');
      if (user.passwordResetPendingAt) throw resetPending();
      if (user.passwordHash !== found.passwordHash)
        throw new AppError('invalid_credentials', 'The email or password is not correct.');
      const live = (await tx.liveSessionsOf(user.id)).filter((s) => s.client !== 'api');
      const same = live.find((s) => s.client === client && s.clientId === clientId);
      let session: Session;
      if (same) {
        // The same browser or console again: one session, a fresh token for it.
        session = {
          ...same,
          tokenHash: hashSecret(token),
          lastActivityAt: now.toISOString(),
          address: req.address,
          userAgent: req.userAgent,
        };
      } else {
        const settings = await tx.settings();
        if (live.length >= settings.maxSessionsPerUser) {
          const victim = input.replaceSessionId
            ? live.find((s) => s.id === input.replaceSessionId)
            : input.terminateOldest
              ? pickOldest(live.map((s) => this.activity.apply(s)))
              : undefined;
          if (!victim) {
            throw new AppError(
              'session_limit_reached',
              `You already have ${live.length} active sessions, the most allowed. End one of them (name it in replaceSessionId, or ask terminateOldest) and sign in again.`,
              {
                maxSessionsPerUser: settings.maxSessionsPerUser,
                sessions: live.map((s) => toPublicSession(this.activity.apply(s))),
              },
            );
          }
          endSession(tx, this.activity, victim, 'limit', null, now);
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
      tx.putSession(session);
      const next: User = { ...user, lastLoginAt: now.toISOString(), ...(rehash ? { passwordHash: rehash } : {}) };
      tx.putUser(next);
      tx.appendAudit(auditEntry(now, user, 'login', user, { client, sessionId: session.id, address: req.address }));
      tx.emit({ type: 'session.created', data: { session: toPublicSession(session) } });
      tx.emit({ type: 'user.updated', data: { user: toPublicUser(next) } });
      return { session, user: next };
    });
    this.activity.forget(session.id);
    return { token, session: toPublicSession(session), user: toPublicUser(user) };
  }

  async logout(session: Session): Promise<void> {
    const now = this.ctx.now();
    await this.ctx.repo.transaction(async (tx) => {
      const cur = await tx.session(session.id);
      if (cur && !cur.endedAt) endSession(tx, this.activity, cur, 'logout', null, now);
    });
  }
}
