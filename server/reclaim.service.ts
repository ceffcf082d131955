// Seat reclamation on the server: the dormant / stale-invitation list filters, bulk actions (each
// item its own transaction), the bulk invite, the daily policy and seat history.
import { BULK_MAX_ITEMS, type BulkItemResult, type BulkResult, type BulkUserAction } from '../src/domain/bulk.js';
import {
  ImportParseError,
  parseImport,
  previewImport,
  type ImportItemResult,
  type ImportResponse,
} from '../src/domain/bulk-import.js';
import { AppError, isAppError } from '../src/domain/errors.js';
import { can } from '../src/domain/permissions.js';
import {
  cutoffIso,
  DAY_MS,
  isDormant,
  latestIso,
  isStaleInvitation,
  parseUserFilter,
  planReclaim,
  policyDue,
  reclaimPolicyOf,
  type ReclaimCandidate,
  type ReclaimPlan,
  type ReclaimRun,
} from '../src/domain/reclaim.js';
import type { PublicUser, User } from '../src/domain/schemas.js';
import type { SeatHistoryEntry } from '../src/domain/seat-history.js';
import type { Actor } from './context.js';
import { toPublicUser } from './public.js';
import type { Page, Repository, Tx, UserQuery } from './store/repository.js';

/** Bulk items run this many at a time: each is its own transaction, and the commits share fsyncs. */
const CONCURRENCY = 16;

/** What the reclamation needs of the user and session services (their rules stay theirs). */
export interface ReclaimDeps {
  repo: Repository;
  now: () => Date;
  users: {
    deactivate(actor: Actor, id: string): Promise<unknown>;
    reactivate(actor: Actor, id: string): Promise<unknown>;
    resendActivation(actor: Actor, id: string): Promise<{ activationLink?: string }>;
    invite(
      actor: Actor,
      body: {
        email: string;
        userProfile?: User['userProfile'];
        adminProfile?: User['adminProfile'];
        firstName?: string;
        lastName?: string;
      },
    ): Promise<{ user: PublicUser; activationLink?: string }>;
    /**
     * The policy's deactivation: in one transaction, `stillApplies` is checked against the user as it
     * is now and, if it holds, the user is deactivated (a pending one's links withdrawn), audited with
     * `reason` and mailed. Resolves false when the condition no longer held (nothing changed).
     */
    reclaim(
      id: string,
      reason: 'dormant' | 'stale_invitation',
      stillApplies: (user: User, tx: Tx, unwrittenActivity: string | null) => Promise<boolean>,
    ): Promise<boolean>;
  };
  sessions: {
    terminate(actor: Actor, id: string): Promise<unknown>;
    terminateUser(actor: Actor, id: string): Promise<unknown>;
  };
}

/** Runs `fn` over `items`, at most `n` at once, keeping the order of the answers. */
async function pooled<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

const errorOf = (e: unknown): { code: string; message: string } =>
  isAppError(e)
    ? { code: e.code, message: e.message }
    : { code: 'internal', message: 'Something went wrong on the server; it has been logged.' };

export class ReclaimService {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly d: ReclaimDeps) {}

  // ---- list filters ----

  /** The repository query for a user list: `dormantDays` / `pendingOlderThanDays`, or the same as tokens in `q`. */
  userQuery<Q extends UserQuery & { dormantDays?: number; pendingOlderThanDays?: number }>(q: Q): UserQuery {
    const { dormantDays, pendingOlderThanDays, ...rest } = q;
    const f = parseUserFilter(q.q);
    const now = this.d.now();
    const dormant = dormantDays ?? f.dormantDays;
    const pending = pendingOlderThanDays ?? f.pendingOlderThanDays;
    return {
      ...rest,
      q: f.text || undefined,
      ...(dormant ? { dormantBefore: cutoffIso(now, dormant) } : {}),
      ...(pending ? { invitedBefore: cutoffIso(now, pending) } : {}),
    };
  }

  /** Adds "Last active" (the later of the last login and the last session activity) to a page of users. */
  async withLastActive(page: Page<User>): Promise<Page<PublicUser>> {
    const last = await this.lastActive(page.items);
    return { ...page, items: page.items.map((u) => ({ ...toPublicUser(u), lastActiveAt: last(u) })) };
  }

  /** "Last active" of each of these users: the later of the last login and the last session activity. */
  async lastActive(users: readonly User[]): Promise<(u: User) => string | null> {
    const activity = await this.d.repo.activityOf(users.map((u) => u.id));
    return (u) => {
      const s = activity.get(u.id)?.lastSessionActivity ?? null;
      return u.lastLoginAt && s ? (u.lastLoginAt > s ? u.lastLoginAt : s) : (u.lastLoginAt ?? s);
    };
  }

  // ---- bulk actions ----

  private checkIds(ids: readonly string[]): string[] {
    const unique = [...new Set(ids)];
    if (unique.length > BULK_MAX_ITEMS)
      throw new AppError('validation_failed', `A bulk action takes at most ${BULK_MAX_ITEMS} ids; split the list.`);
    return unique;
  }

  /**
   * Each item in its own transaction, so one failure never undoes the others; an item already in
   * the asked-for state answers ok with `changed: false`, so a retry (or a second administrator
   * acting on the same users) is harmless and frees no seat twice.
   */
  async bulkUsers(actor: Actor, action: BulkUserAction, ids: readonly string[]): Promise<BulkResult> {
    const results = await pooled(this.checkIds(ids), CONCURRENCY, async (id): Promise<BulkItemResult> => {
      try {
        switch (action) {
          case 'deactivate':
            await this.d.users.deactivate(actor, id);
            return { id, ok: true, changed: true };
          case 'reactivate':
            await this.d.users.reactivate(actor, id);
            return { id, ok: true, changed: true };
          case 'resend-activation': {
            const r = await this.d.users.resendActivation(actor, id);
            return { id, ok: true, changed: true, ...(r.activationLink ? { link: r.activationLink } : {}) };
          }
          case 'terminate-sessions':
            await this.d.sessions.terminateUser(actor, id);
            return { id, ok: true, changed: true };
        }
      } catch (e) {
        if (isAppError(e) && e.code === 'invalid_state' && (await this.alreadyDone(action, id)))
          return { id, ok: true, changed: false };
        return { id, ok: false, error: errorOf(e) };
      }
    });
    return { results };
  }

  /** After an invalid_state refusal: is the user already where the action would put them? */
  private async alreadyDone(action: BulkUserAction, id: string): Promise<boolean> {
    const u = await this.d.repo.user(id);
    if (!u) return false;
    if (action === 'deactivate') return u.status === 'inactive';
    if (action === 'reactivate') return u.status !== 'inactive';
    return false;
  }

  async bulkEndSessions(actor: Actor, ids: readonly string[]): Promise<BulkResult> {
    const results = await pooled(this.checkIds(ids), CONCURRENCY, async (id): Promise<BulkItemResult> => {
      const before = await this.d.repo.session(id);
      if (before?.endedAt) return { id, ok: true, changed: false };
      try {
        await this.d.sessions.terminate(actor, id);
        return { id, ok: true, changed: true };
      } catch (e) {
        const after = await this.d.repo.session(id);
        if (after?.endedAt) return { id, ok: true, changed: false }; // ended meanwhile (another admin, or it expired)
        return { id, ok: false, error: errorOf(e) };
      }
    });
    return { results };
  }

  // ---- bulk invite ----

  async importUsers(
    actor: Actor,
    body: { csv: string; dryRun?: boolean; inviteFirst?: number },
  ): Promise<ImportResponse> {
    let raw;
    try {
      raw = parseImport(body.csv);
    } catch (e) {
      if (e instanceof ImportParseError) throw new AppError('validation_failed', e.message);
      throw e;
    }
    if (!raw.length)
      throw new AppError(
        'validation_failed',
        'The list has no rows: give one address per line (email[,first name,last name,user profile,admin profile]).',
      );
    const emails = [...new Set(raw.map((r) => r.cells.email?.trim().toLowerCase()).filter((e): e is string => !!e))];
    const existing = new Map((await this.d.repo.usersByEmails(emails)).map((u) => [u.email, u.status] as const));
    const [license, held] = await Promise.all([this.d.repo.license(), this.d.repo.countHeldSeats()]);
    const preview = previewImport(
      raw,
      {
        existing: (e) => existing.get(e),
        available: license.seats - held,
        mayInviteSiteAdmins: can(actor, 'license:write'),
      },
      body.inviteFirst,
    );
    if (body.dryRun) return { dryRun: true, preview, results: [] };
    // Each invitation is its own transaction (the seat and the address are checked again there).
    const results = await pooled(preview.toInvite, CONCURRENCY, async (row): Promise<ImportItemResult> => {
      try {
        const r = await this.d.users.invite(actor, {
          email: row.email,
          userProfile: row.userProfile,
          adminProfile: row.adminProfile,
          firstName: row.firstName,
          lastName: row.lastName,
        });
        return { line: row.line, email: row.email, ok: true, id: r.user.id, activationLink: r.activationLink };
      } catch (e) {
        return { line: row.line, email: row.email, ok: false, error: errorOf(e) };
      }
    });
    return { dryRun: false, preview, results };
  }

  // ---- the daily policy ----

  /** What a run would do now (the dry run): the policy as configured, whether or not it is on. */
  async plan(): Promise<ReclaimPlan> {
    const now = this.d.now();
    const policy = reclaimPolicyOf(await this.d.repo.settings());
    const users = new Map<string, User>();
    const collect = async (q: UserQuery) => {
      for (let cursor: string | undefined; ;) {
        const page = await this.d.repo.pageUsers({ ...q, sort: 'email', limit: 10_000, cursor });
        for (const u of page.items) users.set(u.id, u);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
    };
    if (policy.dormantDays !== null) await collect({ dormantBefore: cutoffIso(now, policy.dormantDays) });
    if (policy.pendingDays !== null) await collect({ invitedBefore: cutoffIso(now, policy.pendingDays) });
    // Every active Site Administrator takes part, so the plan can keep the last one.
    for (const u of await this.d.repo.siteAdmins('active')) users.set(u.id, u);
    const activity = await this.d.repo.activityOf([...users.keys()]);
    const candidates: ReclaimCandidate[] = [...users.values()].map((user) => {
      const a = activity.get(user.id);
      return {
        user,
        lastSessionActivity: a?.lastSessionActivity,
        lastInvitedAt: a?.lastInvitedAt,
        linkUsed: a?.linkUsed,
      };
    });
    return planReclaim(candidates, policy, now);
  }

  /**
   * One run: each action in its own transaction that checks its condition again against the user as
   * it is then, so several servers running at once, or a user signing in meanwhile, change nothing twice.
   */
  async run(): Promise<ReclaimRun> {
    const plan = await this.plan();
    const now = this.d.now();
    const { dormantDays, pendingDays } = plan.policy;
    const results = await pooled(plan.actions, CONCURRENCY, async (a): Promise<ReclaimRun['results'][number]> => {
      try {
        const changed = await this.d.users.reclaim(a.userId, a.reason, async (user, tx, unwritten) => {
          const act = (await tx.activityOf([user.id])).get(user.id);
          return a.reason === 'dormant'
            ? dormantDays !== null && isDormant(user, latestIso(act?.lastSessionActivity, unwritten), dormantDays, now)
            : pendingDays !== null && isStaleInvitation(user, act?.lastInvitedAt, !!act?.linkUsed, pendingDays, now);
        });
        return { userId: a.userId, email: a.email, action: a.action, ok: true, changed };
      } catch (e) {
        return { userId: a.userId, email: a.email, action: a.action, ok: false, error: errorOf(e) };
      }
    });
    return { plan, results };
  }

  /**
   * The daily run, when the policy is on and a day has passed since the last one. Claiming the run
   * (writing its start time) is a transaction of its own that checks it is still due, so servers
   * ticking a moment apart see each other's claim; two claiming at the same instant both run, which
   * is safe because every action re-checks its condition in its own transaction.
   */
  async tick(): Promise<ReclaimRun | null> {
    if (this.running) return null;
    const now = this.d.now();
    const claimed = await this.d.repo.transaction(async (tx) => {
      const settings = await tx.settings();
      const policy = reclaimPolicyOf(settings);
      if (!policy.enabled || !policyDue(policy.lastRunAt, now)) return false;
      tx.setSettings({ ...settings, reclaim: { ...policy, lastRunAt: now.toISOString() } });
      return true;
    });
    if (!claimed) return null;
    const run = this.run();
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = null;
    }
  }

  /** Checks every `everyMs` whether the daily run is due (the clock may be a test's). */
  start(everyMs: number): void {
    this.timer = setInterval(() => void this.tick().catch(() => {}), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }

  // ---- seat history ----

  /** Seat history of the last `days` days, newest first (paged). */
  async history(q: { days?: number; cursor?: string; limit?: number }): Promise<Page<SeatHistoryEntry>> {
    const days = q.days ?? 90;
    return this.d.repo.pageSeatHistory({
      since: new Date(this.d.now().getTime() - days * DAY_MS).toISOString(),
      cursor: q.cursor,
      limit: q.limit ?? 1000,
    });
  }
}
