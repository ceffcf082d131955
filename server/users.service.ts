// User lifecycle: setup, invite, activation, resend, reset, deactivate, reactivate, profiles.
import { humanDate } from '../src/domain/dates.js';
import { AppError } from '../src/domain/errors.js';
import { hashPassword, weakPasswordReason } from '../src/domain/passwords.js';
import { can, mayManage } from '../src/domain/permissions.js';
import { SAMPLE_PROJECT_ID } from '../src/domain/sample-project.js';
import type { ReclaimReason } from '../src/domain/reclaim.js';
import { assertSeatFree } from '../src/domain/seats.js';
import type {
  ActionToken,
  AdminProfile,
  LinkResult,
  MailQueued,
  PublicUser,
  User,
  UserProfile,
} from '../src/domain/schemas.js';
import { hashSecret, newId, newSecret } from '../src/domain/tokens.js';
import { auditEntry } from './audit.js';
import type { Actor, Ctx } from './context.js';
import { queueMail } from './mail/outbox.js';
import {
  dormantMail,
  invitationMail,
  reactivationMail,
  resendMail,
  resetMail,
  withdrawnMail,
} from './mail/templates.js';
import { PageCache } from './page-cache.js';
import { pageJson, recordJson, toPublicUser, withFields } from './public.js';
import { recordSeats } from './seat-history.js';
import type { Activity } from './sessions/activity.js';
import { endAllForUser, revokeAllTokens } from './sessions/lifecycle.js';
import type { Page, Reads, Tx, UserQuery } from './store/repository.js';

export class UsersService {
  private readonly pages = new PageCache();

  constructor(
    private readonly ctx: Ctx,
    private readonly activity: Activity,
  ) {}

  private get repo() {
    return this.ctx.repo;
  }

  // ---- reads ----

  /**
   * A page of users as the list route sends it: each row with its "Last active" and how many of
   * the session limit it uses (so the console never needs every session), as JSON built from
   * each record's cached JSON.
   */
  async pageJson(page: Page<User>, lastActive: (u: User) => string | null): Promise<string> {
    const ids = page.items.map((u) => u.id);
    const counts = this.repo.liveSessionCounts
      ? await this.repo.liveSessionCounts(ids)
      : new Map(
          await Promise.all(
            ids.map(
              async (id) =>
                [id, (await this.repo.liveSessionsOf(id)).filter((s) => s.client !== 'api').length] as const,
            ),
          ),
        );
    const items = page.items.map((u) =>
      withFields(recordJson(u, toPublicUser), { lastActiveAt: lastActive(u), liveSessions: counts.get(u.id) ?? 0 }),
    );
    return pageJson(items, { total: page.total, nextCursor: page.nextCursor });
  }

  /**
   * The list route's answer for a query (`key`: its parsed query object, see PageCache), kept
   * until a user or a session changes. `q` is worked out only when the page is built; a query
   * relative to the time (dormant users, stale invitations) is never kept.
   */
  async listJson(
    key: object,
    q: () => UserQuery,
    lastActive: (users: readonly User[]) => Promise<(u: User) => string | null>,
  ): Promise<Uint8Array<ArrayBuffer>> {
    const kept = this.pages.get(key);
    if (kept !== undefined) return kept;
    const repo = this.repo;
    const query = q();
    // Read before the page: a change made while it is built then makes it stale at once.
    const users = repo.listVersion?.('users');
    const sessions = repo.listVersion?.('sessions');
    const page = await this.page(query);
    const json = Buffer.from(await this.pageJson(page, await lastActive(page.items)));
    if (users !== undefined && !query.dormantBefore && !query.invitedBefore)
      this.pages.set(
        key,
        json,
        () => repo.listVersion!('users') === users && repo.listVersion!('sessions') === sessions,
      );
    return json;
  }

  /** A page of user records (the list route adds "Last active" before they go out). */
  page(q: UserQuery): Promise<Page<User>> {
    return this.repo.pageUsers(q);
  }

  async get(id: string, reads: Reads = this.repo): Promise<User> {
    const u = await reads.user(id);
    if (!u) throw new AppError('user_not_found', `No user has the id "${id}".`);
    return u;
  }

  async needsSetup(reads: Reads = this.repo): Promise<boolean> {
    return (await reads.siteAdmins()).length === 0;
  }

  // ---- setup ----

  async setup(
    email: string,
    password: string,
    names: { firstName?: string; lastName?: string } = {},
  ): Promise<PublicUser> {
    const done = () =>
      new AppError('setup_done', 'Seatdesk is already set up: a Site Administrator exists. Sign in instead.');
    if (!(await this.needsSetup())) throw done();
    this.assertStrong(password, email);
    const passwordHash = await hashPassword(password, this.ctx.scrypt);
    const now = this.ctx.now();
    const user = await this.repo.transaction(async (tx) => {
      if (!(await this.needsSetup(tx))) throw done();
      const existing = await tx.userByEmail(email);
      const user: User = {
        ...(existing ?? this.blankUser(email, now, null, 'Project Admin')),
        ...(names.firstName ? { firstName: names.firstName } : {}),
        ...(names.lastName ? { lastName: names.lastName } : {}),
        status: 'active',
        adminProfile: 'Site Administrator',
        passwordHash,
        activatedAt: now.toISOString(),
        projects: [{ projectId: SAMPLE_PROJECT_ID, profile: 'Project Admin' }],
      };
      if (!existing)
        assertSeatFree(
          { ...(await tx.license()), expiresAt: null },
          await tx.countHeldSeats(),
          'create the administrator',
        );
      tx.putUser(user);
      tx.appendAudit(auditEntry(now, null, 'setup', user));
      if (!existing || existing.status === 'inactive') await recordSeats(tx, now, null, 'setup', user);
      this.emitUser(tx, user, !existing);
      return user;
    });
    return toPublicUser(user);
  }

  // ---- invite and activation ----

  async invite(
    actor: Actor,
    body: {
      email: string;
      userProfile?: UserProfile;
      adminProfile?: AdminProfile | null;
      firstName?: string;
      lastName?: string;
    },
  ): Promise<LinkResult> {
    const adminProfile = body.adminProfile ?? null;
    if (adminProfile === 'Site Administrator' && !can(actor, 'license:write'))
      throw new AppError('forbidden', 'Only a Site Administrator can invite another Site Administrator.');
    const now = this.ctx.now();
    return this.repo.transaction(async (tx) => {
      const existing = await tx.userByEmail(body.email);
      if (existing) {
        throw new AppError(
          'user_exists',
          existing.status === 'inactive'
            ? `${body.email} already has an account, which is deactivated. Reactivate it instead of inviting again.`
            : `${body.email} already has an account (${existing.status}).` +
                (existing.status === 'pending' ? ' Resend the activation link instead.' : ''),
          { userId: existing.id, status: existing.status },
        );
      }
      assertSeatFree(await tx.license(), await tx.countHeldSeats(), 'invite a user', now);
      const profile = body.userProfile ?? 'Default';
      const user: User = {
        ...this.blankUser(body.email, now, actor.id, profile),
        ...(body.firstName ? { firstName: body.firstName } : {}),
        ...(body.lastName ? { lastName: body.lastName } : {}),
        adminProfile,
        projects: [{ projectId: SAMPLE_PROJECT_ID, profile }],
      };
      tx.putUser(user);
      await recordSeats(tx, now, actor, 'user.invite', user);
      const link = this.issueToken(tx, 'activation', user.id, this.ctx.config.activationTtlMs, now);
      tx.appendAudit(auditEntry(now, actor, 'user.invite', user, { userProfile: profile, adminProfile }));
      this.emitUser(tx, user, true);
      const mail = queueMail(
        tx,
        now,
        'invitation',
        invitationMail(user.email, (await tx.site()).name, link, this.ttlDays()),
        user,
        actor,
      );
      return { user: toPublicUser(user), activationLink: link, mail };
    });
  }

  async resendActivation(actor: Actor, id: string): Promise<LinkResult> {
    if (!can(actor, 'resend'))
      throw new AppError('forbidden', 'Only a Site Administrator can resend activation links.');
    const now = this.ctx.now();
    return this.repo.transaction(async (tx) => {
      const user = await this.get(id, tx);
      if (user.status !== 'pending')
        throw new AppError(
          'invalid_state',
          `${user.email} is ${user.status}; activation links are only for pending users.`,
        );
      const link = this.issueToken(tx, 'activation', user.id, this.ctx.config.activationTtlMs, now);
      tx.appendAudit(auditEntry(now, actor, 'user.resend_activation', user));
      const mail = queueMail(
        tx,
        now,
        'resend',
        resendMail(user.email, (await tx.site()).name, link, this.ttlDays()),
        user,
        actor,
      );
      return { user: toPublicUser(user), activationLink: link, mail };
    });
  }

  async resetPassword(actor: Actor, id: string): Promise<LinkResult> {
    const now = this.ctx.now();
    return this.repo.transaction(async (tx) => {
      const user = await this.get(id, tx);
      this.assertMayManage(actor, user);
      if (user.status !== 'active')
        throw new AppError(
          'invalid_state',
          `${user.email} is ${user.status}; only active users can have their password reset.`,
        );
      const link = this.issueToken(tx, 'reset', user.id, this.ctx.config.resetTtlMs, now);
      const pending: User = { ...user, passwordResetPendingAt: now.toISOString() }; // the old password stops working now
      tx.putUser(pending);
      this.emitUser(tx, pending);
      const ended = await endAllForUser(tx, this.activity, user.id, 'password_reset', actor.id, now);
      const revoked = await revokeAllTokens(tx, user.id, now);
      tx.appendAudit(
        auditEntry(now, actor, 'user.reset_password', user, { sessionsEnded: ended.length, tokensRevoked: revoked }),
      );
      const mail = queueMail(tx, now, 'reset', resetMail(user.email, (await tx.site()).name, link), user, actor);
      return { user: toPublicUser(user), resetLink: link, mail };
    });
  }

  /** Completes an activation or a reset link. */
  async completeToken(
    kind: ActionToken['kind'],
    body: { token: string; password: string; firstName?: string; lastName?: string },
  ): Promise<PublicUser> {
    const record = await this.checkToken(kind, body.token);
    const pre = await this.get(record.userId);
    this.assertStrong(body.password, pre.email);
    const passwordHash = await hashPassword(body.password, this.ctx.scrypt);
    const now = this.ctx.now();
    const user = await this.repo.transaction(async (tx) => {
      const rec = await this.checkToken(kind, body.token, tx); // again: another request may have used it meanwhile
      const user = await this.get(rec.userId, tx);
      if (user.status === 'inactive')
        throw new AppError('account_inactive', 'This account is deactivated. Ask your administrator to reactivate it.');
      if (kind === 'activation' && user.status !== 'pending')
        throw new AppError('token_used', 'This account is already active. Sign in instead.');
      const firstName = body.firstName?.trim() || user.firstName;
      const lastName = body.lastName?.trim() || user.lastName;
      const next: User = {
        ...user,
        firstName,
        lastName,
        passwordHash,
        passwordResetPendingAt: null,
        ...(kind === 'activation' ? { status: 'active' as const, activatedAt: now.toISOString() } : {}),
      };
      tx.putUser(next);
      tx.putActionToken({ ...rec, usedAt: now.toISOString() });
      // A new password ends whatever the old one opened: every session and API token.
      if (kind === 'reset') {
        await endAllForUser(tx, this.activity, user.id, 'password_reset', user.id, now);
        await revokeAllTokens(tx, user.id, now);
      }
      tx.appendAudit(
        auditEntry(
          now,
          { id: user.id, email: user.email, adminProfile: user.adminProfile },
          kind === 'activation' ? 'user.activate' : 'user.password_changed',
          user,
        ),
      );
      this.emitUser(tx, next);
      return next;
    });
    return toPublicUser(user);
  }

  /** The token's record, or the reason it cannot be used. */
  async checkToken(kind: ActionToken['kind'], token: string, reads: Reads = this.repo): Promise<ActionToken> {
    const rec = await reads.actionTokenByHash(hashSecret(token));
    const what = kind === 'activation' ? 'activation' : 'password reset';
    if (!rec || rec.kind !== kind)
      throw new AppError(
        'token_invalid',
        `This ${what} link is not valid. It may have been replaced by a newer one; ask your administrator for a new link.`,
      );
    if (rec.usedAt) {
      const owner = kind === 'activation' ? await reads.user(rec.userId) : undefined;
      if (owner?.status === 'active')
        throw new AppError('token_used', `This account (${owner.email}) is already active: sign in instead.`);
      throw new AppError(
        'token_used',
        `This ${what} link has already been used. Ask your administrator for a new one if you need it.`,
      );
    }
    if (Date.parse(rec.expiresAt) <= this.ctx.now().getTime())
      throw new AppError(
        'token_expired',
        `This ${what} link expired on ${humanDate(rec.expiresAt)}. Ask your administrator for a new one.`,
      );
    return rec;
  }

  // ---- deactivate and reactivate ----

  async deactivate(actor: Actor, id: string): Promise<PublicUser> {
    const now = this.ctx.now();
    const user = await this.repo.transaction(async (tx) => {
      const user = await this.get(id, tx);
      this.assertMayManage(actor, user);
      if (user.id === actor.id)
        throw new AppError('self_action', 'You cannot deactivate your own account. Ask another administrator.');
      return this.deactivateIn(tx, user, actor, now, null);
    });
    return toPublicUser(user);
  }

  /**
   * The reclamation policy's action, by the server itself: in one transaction, `stillApplies` is
   * checked against the user as it is now (dormant still, the invitation still unused) and only then
   * is the user deactivated (a pending one's links withdrawn), audited with the reason, recorded in
   * the seat history and mailed. False when the condition no longer held: nothing changed.
   */
  async reclaim(
    id: string,
    reason: ReclaimReason,
    stillApplies: (user: User, tx: Tx, unwrittenActivity: string | null) => Promise<boolean>,
  ): Promise<boolean> {
    const now = this.ctx.now();
    return this.repo.transaction(async (tx) => {
      const user = await tx.user(id);
      if (!user) return false;
      // Requests of the last few seconds are not written yet (activity is batched): they count too.
      let unwritten = 0;
      for (const s of await tx.liveSessionsOf(user.id)) unwritten = Math.max(unwritten, this.activity.lastActive(s));
      if (!(await stillApplies(user, tx, unwritten ? new Date(unwritten).toISOString() : null))) return false;
      await this.deactivateIn(tx, user, null, now, reason);
      const site = (await tx.site()).name;
      const msg =
        reason === 'dormant'
          ? dormantMail(user.email, site, this.ctx.config.publicUrl)
          : withdrawnMail(user.email, site);
      queueMail(tx, now, 'notice', msg, user, null);
      return true;
    });
  }

  /** Deactivation inside a transaction: the seat freed, projects suspended, sessions ended, audited. */
  private async deactivateIn(
    tx: Tx,
    user: User,
    actor: Actor | null,
    now: Date,
    reason: ReclaimReason | null,
  ): Promise<User> {
    if (user.status === 'inactive') throw new AppError('invalid_state', `${user.email} is already inactive.`);
    if (
      user.adminProfile === 'Site Administrator' &&
      user.status === 'active' &&
      (await tx.siteAdmins('active')).length <= 1
    )
      throw new AppError(
        'last_admin',
        `${user.email} is the last active Site Administrator and cannot be deactivated.`,
      );
    const next: User = {
      ...user,
      status: 'inactive',
      suspendedProjects: user.projects,
      projects: [],
      deactivatedAt: now.toISOString(),
    };
    tx.putUser(next);
    // A withdrawn invitation's link stops working at once.
    if (user.status === 'pending' && reason) tx.deleteActionTokensOf(user.id, 'activation');
    const ended = await endAllForUser(tx, this.activity, user.id, 'deactivated', actor?.id ?? null, now);
    const action = reason === 'stale_invitation' ? 'user.withdraw_invitation' : 'user.deactivate';
    tx.appendAudit(
      auditEntry(now, actor, action, user, { sessionsEnded: ended.length, ...(reason ? { reason } : {}) }),
    );
    await recordSeats(tx, now, actor, action, user, reason);
    this.emitUser(tx, next, true);
    return next;
  }

  async reactivate(actor: Actor, id: string): Promise<{ user: PublicUser; mail: MailQueued }> {
    const now = this.ctx.now();
    return this.repo.transaction(async (tx) => {
      const user = await this.get(id, tx);
      this.assertMayManage(actor, user);
      if (user.status !== 'inactive')
        throw new AppError('invalid_state', `${user.email} is ${user.status}, not inactive.`);
      assertSeatFree(await tx.license(), await tx.countHeldSeats(), 'reactivate this user', now);
      const next: User = {
        ...user,
        status: user.activatedAt ? 'active' : 'pending',
        projects: user.suspendedProjects,
        suspendedProjects: [],
        deactivatedAt: null,
      };
      tx.putUser(next);
      tx.appendAudit(auditEntry(now, actor, 'user.reactivate', user));
      await recordSeats(tx, now, actor, 'user.reactivate', next);
      this.emitUser(tx, next, true);
      const msg = reactivationMail(
        next.email,
        (await tx.site()).name,
        this.ctx.config.publicUrl,
        next.status === 'pending',
      );
      const mail = queueMail(tx, now, 'reactivation', msg, next, actor);
      return { user: toPublicUser(next), mail };
    });
  }

  async patch(
    actor: Actor,
    id: string,
    body: { firstName?: string; lastName?: string; userProfile?: UserProfile; adminProfile?: AdminProfile | null },
  ): Promise<PublicUser> {
    const now = this.ctx.now();
    const user = await this.repo.transaction(async (tx) => {
      const user = await this.get(id, tx);
      this.assertMayManage(actor, user);
      if (body.adminProfile === 'Site Administrator' && !can(actor, 'license:write'))
        throw new AppError('forbidden', 'Only a Site Administrator can make someone a Site Administrator.');
      if (
        user.adminProfile === 'Site Administrator' &&
        body.adminProfile !== undefined &&
        body.adminProfile !== 'Site Administrator' &&
        user.status === 'active' &&
        (await tx.siteAdmins('active')).length <= 1
      )
        throw new AppError(
          'last_admin',
          `${user.email} is the last active Site Administrator; make someone else one first.`,
        );
      const next: User = {
        ...user,
        ...(body.firstName !== undefined ? { firstName: body.firstName } : {}),
        ...(body.lastName !== undefined ? { lastName: body.lastName } : {}),
        ...(body.userProfile !== undefined ? { userProfile: body.userProfile } : {}),
        ...(body.adminProfile !== undefined ? { adminProfile: body.adminProfile } : {}),
      };
      tx.putUser(next);
      tx.appendAudit(auditEntry(now, actor, 'user.update', user, { changes: body }));
      this.emitUser(tx, next);
      return next;
    });
    return toPublicUser(user);
  }

  /** Seeds the first Site Administrator from the environment, once. */
  async seedAdmin(email: string, password: string): Promise<void> {
    if (!(await this.needsSetup())) return;
    await this.setup(email.trim().toLowerCase(), password);
  }

  // ---- helpers ----

  private blankUser(email: string, now: Date, invitedBy: string | null, profile: UserProfile): User {
    return {
      id: newId(),
      email,
      firstName: '',
      lastName: '',
      status: 'pending',
      userProfile: profile,
      adminProfile: null,
      projects: [],
      suspendedProjects: [],
      passwordHash: null,
      createdAt: now.toISOString(),
      invitedBy,
      activatedAt: null,
      lastLoginAt: null,
      deactivatedAt: null,
      passwordResetPendingAt: null,
    };
  }

  /** A new single-use link; older links of the same kind for the user stop working. */
  private issueToken(tx: Tx, kind: ActionToken['kind'], userId: string, ttlMs: number, now: Date): string {
    tx.deleteActionTokensOf(userId, kind);
    const secret = newSecret(kind === 'activation' ? 'act' : 'rst');
    tx.putActionToken({
      id: newId(),
      kind,
      userId,
      tokenHash: hashSecret(secret),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
      usedAt: null,
    });
    return `${this.ctx.config.publicUrl}/${kind === 'activation' ? 'activate' : 'reset-password'}/${secret}`;
  }

  private assertMayManage(actor: Actor, target: User): void {
    if (!mayManage(actor, target))
      throw new AppError('forbidden', 'Only a Site Administrator can change a Site Administrator account.');
  }

  private assertStrong(password: string, email: string): void {
    const reason = weakPasswordReason(password, email);
    if (reason) throw new AppError('validation_failed', `Choose a stronger password: ${reason}.`);
  }

  private ttlDays(): number {
    return Math.round(this.ctx.config.activationTtlMs / 86_400_000);
  }

  private emitUser(tx: Tx, user: User, licenseChanged = false): void {
    tx.emit({ type: 'user.updated', data: { user: toPublicUser(user) } });
    if (licenseChanged) tx.emit({ type: 'license.updated', data: {} });
  }
}
