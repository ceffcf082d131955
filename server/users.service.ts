// User lifecycle: setup, invite, activation, resend, reset, deactivate, reactivate, profiles.
import { humanDate } from '../src/domain/dates.js';
import { AppError } from '../src/domain/errors.js';
import { hashPassword, weakPasswordReason } from '../src/domain/passwords.js';
import { can, mayManage } from '../src/domain/permissions.js';
import { contains, sortAndPage, type Page, type PageQuery } from '../src/domain/query.js';
import { SAMPLE_PROJECT_ID } from '../src/domain/sample-project.js';
import { assertSeatFree, countHeld } from '../src/domain/seats.js';
import type { ActionToken, AdminProfile, LinkResult as PublicLinkResult, MailResult, PublicUser, User, UserProfile, UserStatus } from '../src/domain/schemas.js';
import { hashSecret, newId, newSecret } from '../src/domain/tokens.js';
import { addAudit } from './audit.js';
import type { Actor, Ctx } from './context.js';
import { invitationMail, reactivationMail, resendMail, resetMail, type Message } from './mail/templates.js';
import type { SessionsService } from './sessions.service.js';
import type { Tx } from './store/store.repository.js';

export const toPublicUser = ({ passwordHash: _p, ...u }: User): PublicUser => u;

/** Store records are frozen and replaced on change, so their JSON can be cached by identity. */
const jsonCache = new WeakMap<User, string>();
export function publicUserJson(u: User): string {
  let json = jsonCache.get(u);
  if (json === undefined) jsonCache.set(u, (json = JSON.stringify(toPublicUser(u))));
  return json;
}

const SORTABLE = ['email', 'firstName', 'lastName', 'status', 'userProfile', 'adminProfile', 'createdAt', 'activatedAt', 'lastLoginAt', 'deactivatedAt'] as const;

export interface UserQuery extends PageQuery {
  q?: string;
  status?: UserStatus;
}

export interface LinkResult extends PublicLinkResult {
  /** How long the durable commit and the mail delivery took (sent as Server-Timing). */
  timing?: { commitMs: number; mailMs: number };
}

export class UsersService {
  constructor(
    private readonly ctx: Ctx,
    private readonly sessions: SessionsService,
  ) {}

  private get store() {
    return this.ctx.store;
  }

  // ---- reads ----

  list(q: UserQuery): Page<PublicUser> {
    const needle = q.q?.trim().toLowerCase() ?? '';
    const rows: User[] = [];
    for (const u of this.store.values('users')) {
      if (q.status && u.status !== q.status) continue;
      if (needle && !contains(u.email, needle) && !contains(`${u.firstName} ${u.lastName}`, needle)) continue;
      rows.push(u);
    }
    const page = sortAndPage(rows, q, SORTABLE, 'email');
    return { items: page.items.map(toPublicUser), total: page.total };
  }

  get(id: string): User {
    const u = this.store.get('users', id);
    if (!u) throw new AppError('user_not_found', `No user has the id "${id}".`);
    return u;
  }

  needsSetup(): boolean {
    for (const u of this.store.values('users')) if (u.adminProfile === 'Site Administrator') return false;
    return true;
  }

  // ---- setup ----

  async setup(email: string, password: string, names: { firstName?: string; lastName?: string } = {}): Promise<PublicUser> {
    if (!this.needsSetup()) throw new AppError('setup_done', 'Seatdesk is already set up: a Site Administrator exists. Sign in instead.');
    this.assertStrong(password, email);
    const passwordHash = await hashPassword(password, this.ctx.scrypt);
    const now = this.ctx.now();
    const user = await this.store.transact((tx) => {
      if (!this.needsSetup()) throw new AppError('setup_done', 'Seatdesk is already set up: a Site Administrator exists. Sign in instead.');
      const existing = this.store.findBy('users', email);
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
      if (!existing) assertSeatFree({ ...this.store.license, expiresAt: null }, countHeld(this.store.values('users')), 'create the administrator');
      tx.put('users', user);
      addAudit(this.store, tx, now, null, 'setup', user);
      return user;
    });
    this.emitUser(user);
    return toPublicUser(user);
  }

  // ---- invite and activation ----

  async invite(actor: Actor, body: { email: string; userProfile?: UserProfile; adminProfile?: AdminProfile | null }): Promise<LinkResult> {
    const adminProfile = body.adminProfile ?? null;
    if (adminProfile === 'Site Administrator' && !can(actor, 'license:write'))
      throw new AppError('forbidden', 'Only a Site Administrator can invite another Site Administrator.');
    const now = this.ctx.now();
    const t0 = performance.now();
    const { user, link } = await this.store.transact((tx) => {
      const existing = this.store.findBy('users', body.email);
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
      assertSeatFree(this.store.license, countHeld(this.store.values('users')), 'invite a user', now);
      const profile = body.userProfile ?? 'Default';
      const user: User = {
        ...this.blankUser(body.email, now, actor.id, profile),
        adminProfile,
        projects: [{ projectId: SAMPLE_PROJECT_ID, profile }],
      };
      tx.put('users', user);
      const link = this.issueToken(tx, 'activation', user.id, this.ctx.config.activationTtlMs, now);
      addAudit(this.store, tx, now, actor, 'user.invite', user, { userProfile: profile, adminProfile });
      return { user, link };
    });
    const t1 = performance.now();
    this.emitUser(user, true);
    const mail = await this.mail(actor, user, invitationMail(user.email, this.store.site.name, link, this.ttlDays()));
    return { user: toPublicUser(user), activationLink: link, mail, timing: { commitMs: t1 - t0, mailMs: performance.now() - t1 } };
  }

  async resendActivation(actor: Actor, id: string): Promise<LinkResult> {
    if (!can(actor, 'resend')) throw new AppError('forbidden', 'Only a Site Administrator can resend activation links.');
    const now = this.ctx.now();
    const { user, link } = await this.store.transact((tx) => {
      const user = this.get(id);
      if (user.status !== 'pending')
        throw new AppError('invalid_state', `${user.email} is ${user.status}; activation links are only for pending users.`);
      const link = this.issueToken(tx, 'activation', user.id, this.ctx.config.activationTtlMs, now);
      addAudit(this.store, tx, now, actor, 'user.resend_activation', user);
      return { user, link };
    });
    const mail = await this.mail(actor, user, resendMail(user.email, this.store.site.name, link, this.ttlDays()));
    return { user: toPublicUser(user), activationLink: link, mail };
  }

  async resetPassword(actor: Actor, id: string): Promise<LinkResult> {
    const now = this.ctx.now();
    const { user, link, ended } = await this.store.transact((tx) => {
      const user = this.get(id);
      this.assertMayManage(actor, user);
      if (user.status !== 'active')
        throw new AppError('invalid_state', `${user.email} is ${user.status}; only active users can have their password reset.`);
      const link = this.issueToken(tx, 'reset', user.id, this.ctx.config.resetTtlMs, now);
      tx.put('users', { ...user, passwordResetPendingAt: now.toISOString() }); // the old password stops working now
      const ended = this.sessions.endAllForUser(tx, user.id, 'password_reset', actor.id, now);
      const revoked = this.sessions.revokeAllTokens(tx, user.id, now);
      addAudit(this.store, tx, now, actor, 'user.reset_password', user, { sessionsEnded: ended.length, tokensRevoked: revoked });
      return { user, link, ended };
    });
    this.sessions.emitEnded(ended);
    const mail = await this.mail(actor, user, resetMail(user.email, this.store.site.name, link));
    return { user: toPublicUser(user), resetLink: link, mail };
  }

  /** Completes an activation or a reset link. */
  async completeToken(kind: ActionToken['kind'], body: { token: string; password: string; firstName?: string; lastName?: string }): Promise<PublicUser> {
    const record = this.checkToken(kind, body.token);
    const pre = this.get(record.userId);
    this.assertStrong(body.password, pre.email);
    const passwordHash = await hashPassword(body.password, this.ctx.scrypt);
    const now = this.ctx.now();
    const { user, ended } = await this.store.transact((tx) => {
      const rec = this.checkToken(kind, body.token); // again: another request may have used it meanwhile
      const user = this.get(rec.userId);
      if (user.status === 'inactive') throw new AppError('account_inactive', 'This account is deactivated. Ask your administrator to reactivate it.');
      if (kind === 'activation' && user.status !== 'pending') throw new AppError('token_used', 'This account is already active. Sign in instead.');
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
      tx.put('users', next);
      tx.put('actionTokens', { ...rec, usedAt: now.toISOString() });
      // A new password ends whatever the old one opened: every session and API token.
      const ended = kind === 'reset' ? this.sessions.endAllForUser(tx, user.id, 'password_reset', user.id, now) : [];
      if (kind === 'reset') this.sessions.revokeAllTokens(tx, user.id, now);
      addAudit(this.store, tx, now, { id: user.id, email: user.email, adminProfile: user.adminProfile }, kind === 'activation' ? 'user.activate' : 'user.password_changed', user);
      return { user: next, ended };
    });
    this.sessions.emitEnded(ended);
    this.emitUser(user);
    return toPublicUser(user);
  }

  /** The token's record, or the reason it cannot be used. */
  checkToken(kind: ActionToken['kind'], token: string): ActionToken {
    const rec = this.store.findBy('actionTokens', hashSecret(token));
    const what = kind === 'activation' ? 'activation' : 'password reset';
    if (!rec || rec.kind !== kind)
      throw new AppError('token_invalid', `This ${what} link is not valid. It may have been replaced by a newer one; ask your administrator for a new link.`);
    if (rec.usedAt) {
      const owner = kind === 'activation' ? this.store.get('users', rec.userId) : undefined;
      if (owner?.status === 'active') throw new AppError('token_used', `This account (${owner.email}) is already active: sign in instead.`);
      throw new AppError('token_used', `This ${what} link has already been used. Ask your administrator for a new one if you need it.`);
    }
    if (Date.parse(rec.expiresAt) <= this.ctx.now().getTime())
      throw new AppError('token_expired', `This ${what} link expired on ${humanDate(rec.expiresAt)}. Ask your administrator for a new one.`);
    return rec;
  }

  // ---- deactivate and reactivate ----

  async deactivate(actor: Actor, id: string): Promise<PublicUser> {
    const now = this.ctx.now();
    const { user, ended } = await this.store.transact((tx) => {
      const user = this.get(id);
      this.assertMayManage(actor, user);
      if (user.id === actor.id) throw new AppError('self_action', 'You cannot deactivate your own account. Ask another administrator.');
      if (user.status === 'inactive') throw new AppError('invalid_state', `${user.email} is already inactive.`);
      if (user.adminProfile === 'Site Administrator' && user.status === 'active' && this.activeSiteAdmins() <= 1)
        throw new AppError('last_admin', `${user.email} is the last active Site Administrator and cannot be deactivated.`);
      const next: User = {
        ...user,
        status: 'inactive',
        suspendedProjects: user.projects,
        projects: [],
        deactivatedAt: now.toISOString(),
      };
      tx.put('users', next);
      const ended = this.sessions.endAllForUser(tx, user.id, 'deactivated', actor.id, now);
      addAudit(this.store, tx, now, actor, 'user.deactivate', user, { sessionsEnded: ended.length });
      return { user: next, ended };
    });
    this.sessions.emitEnded(ended);
    this.emitUser(user, true);
    return toPublicUser(user);
  }

  async reactivate(actor: Actor, id: string): Promise<{ user: PublicUser; mail: MailResult }> {
    const now = this.ctx.now();
    const user = await this.store.transact((tx) => {
      const user = this.get(id);
      this.assertMayManage(actor, user);
      if (user.status !== 'inactive') throw new AppError('invalid_state', `${user.email} is ${user.status}, not inactive.`);
      assertSeatFree(this.store.license, countHeld(this.store.values('users')), 'reactivate this user', now);
      const next: User = {
        ...user,
        status: user.activatedAt ? 'active' : 'pending',
        projects: user.suspendedProjects,
        suspendedProjects: [],
        deactivatedAt: null,
      };
      tx.put('users', next);
      addAudit(this.store, tx, now, actor, 'user.reactivate', user);
      return next;
    });
    this.emitUser(user, true);
    const mail = await this.mail(actor, user, reactivationMail(user.email, this.store.site.name, this.ctx.config.publicUrl, user.status === 'pending'));
    return { user: toPublicUser(user), mail };
  }

  async patch(actor: Actor, id: string, body: { firstName?: string; lastName?: string; userProfile?: UserProfile; adminProfile?: AdminProfile | null }): Promise<PublicUser> {
    const now = this.ctx.now();
    const user = await this.store.transact((tx) => {
      const user = this.get(id);
      this.assertMayManage(actor, user);
      if (body.adminProfile === 'Site Administrator' && !can(actor, 'license:write'))
        throw new AppError('forbidden', 'Only a Site Administrator can make someone a Site Administrator.');
      if (
        user.adminProfile === 'Site Administrator' && body.adminProfile !== undefined && body.adminProfile !== 'Site Administrator' &&
        user.status === 'active' && this.activeSiteAdmins() <= 1
      )
        throw new AppError('last_admin', `${user.email} is the last active Site Administrator; make someone else one first.`);
      const next: User = {
        ...user,
        ...(body.firstName !== undefined ? { firstName: body.firstName } : {}),
        ...(body.lastName !== undefined ? { lastName: body.lastName } : {}),
        ...(body.userProfile !== undefined ? { userProfile: body.userProfile } : {}),
        ...(body.adminProfile !== undefined ? { adminProfile: body.adminProfile } : {}),
      };
      tx.put('users', next);
      addAudit(this.store, tx, now, actor, 'user.update', user, { changes: body });
      return next;
    });
    this.emitUser(user);
    return toPublicUser(user);
  }

  /** Seeds the first Site Administrator from the environment, once. */
  async seedAdmin(email: string, password: string): Promise<void> {
    if (!this.needsSetup()) return;
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
    for (const t of this.store.values('actionTokens')) if (t.userId === userId && t.kind === kind) tx.del('actionTokens', t.id);
    const secret = newSecret(kind === 'activation' ? 'act' : 'rst');
    tx.put('actionTokens', {
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

  private async mail(actor: Actor, user: User, msg: Message): Promise<MailResult> {
    const result = await this.ctx.mailer.send(msg);
    if (!result.sent) {
      await this.store
        .transact((tx) => addAudit(this.store, tx, this.ctx.now(), actor, 'mail.failed', user, { subject: msg.subject, error: result.error }))
        .catch(() => {});
    }
    return result;
  }

  private activeSiteAdmins(): number {
    let n = 0;
    for (const u of this.store.values('users')) if (u.adminProfile === 'Site Administrator' && u.status === 'active') n++;
    return n;
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

  private emitUser(user: User, licenseChanged = false): void {
    this.ctx.bus.emit('user.updated', { user: toPublicUser(user) });
    if (licenseChanged) this.ctx.bus.emit('license.updated', {});
  }
}
