// Seat reclamation rules: who is dormant, which invitations are stale, and what the daily policy would do.
import type { ReclaimPolicy } from './schemas.js';
/** The user fields the reclamation rules read (structural, so this module does not import schemas.ts, which imports it). */
type User = {
  id: string;
  email: string;
  status: 'pending' | 'active' | 'inactive';
  adminProfile: string | null;
  lastLoginAt: string | null;
  activatedAt: string | null;
  createdAt: string;
};

export const DAY_MS = 86_400_000;

/** The latest of the given ISO times (null when none is set). ISO-8601 UTC strings order as text. */
export function latestIso(...times: (string | null | undefined)[]): string | null {
  let best: string | null = null;
  for (const t of times) if (t && (best === null || t > best)) best = t;
  return best;
}

/** "Last active": the later of the last login and the last request on any of the user's sessions. */
export const lastActiveAt = (
  user: Pick<User, 'lastLoginAt'>,
  lastSessionActivity: string | null | undefined,
): string | null => latestIso(user.lastLoginAt, lastSessionActivity);

/** The moment `days` days before `now`, as ISO text (a user last active before it is dormant). */
export const cutoffIso = (now: Date, days: number): string => new Date(now.getTime() - days * DAY_MS).toISOString();

/**
 * Dormant: an active user with no login and no session activity for `days` days. A user who
 * activated recently but never signed in is measured from the activation, so a new account is
 * never dormant on its first day.
 */
export function isDormant(
  user: Pick<User, 'status' | 'lastLoginAt' | 'activatedAt' | 'createdAt'>,
  lastSessionActivity: string | null | undefined,
  days: number,
  now: Date,
): boolean {
  if (user.status !== 'active') return false;
  const since = latestIso(lastActiveAt(user, lastSessionActivity), user.activatedAt, user.createdAt);
  return since !== null && since < cutoffIso(now, days);
}

/**
 * Stale invitation: a pending user invited more than `days` days ago whose link was never used.
 * `lastInvitedAt` is when the newest activation link was issued (a resend restarts the clock).
 */
export function isStaleInvitation(
  user: Pick<User, 'status' | 'createdAt'>,
  lastInvitedAt: string | null | undefined,
  linkUsed: boolean,
  days: number,
  now: Date,
): boolean {
  if (user.status !== 'pending' || linkUsed) return false;
  return (latestIso(user.createdAt, lastInvitedAt) ?? user.createdAt) < cutoffIso(now, days);
}

export const DEFAULT_RECLAIM_POLICY: ReclaimPolicy = {
  enabled: false,
  dormantDays: 90,
  pendingDays: 30,
  lastRunAt: null,
};
/** The policy of a site's settings (stores written before it existed have none: the default). */
export const reclaimPolicyOf = (settings: { reclaim?: ReclaimPolicy }): ReclaimPolicy => ({
  ...DEFAULT_RECLAIM_POLICY,
  ...settings.reclaim,
});

export type ReclaimReason = 'dormant' | 'stale_invitation';

/** One action of a policy run: what happens to whom, and why. */
export interface PlannedAction {
  userId: string;
  email: string;
  action: 'deactivate' | 'withdraw';
  reason: ReclaimReason;
  /** For `dormant`: last active (null: never); for `stale_invitation`: when the newest link was sent. */
  since: string | null;
}

export interface ReclaimPlan {
  at: string;
  policy: ReclaimPolicy;
  actions: PlannedAction[];
  /** Dormant users kept because deactivating them would leave no active Site Administrator. */
  kept: { userId: string; email: string; reason: string }[];
  seatsFreed: number;
}

/** What the policy sees of a user: the record plus the times kept outside it. */
export interface ReclaimCandidate {
  user: Pick<User, 'id' | 'email' | 'status' | 'adminProfile' | 'lastLoginAt' | 'activatedAt' | 'createdAt'>;
  lastSessionActivity?: string | null;
  lastInvitedAt?: string | null;
  linkUsed?: boolean;
}

/**
 * The plan of one run (also the dry-run's answer): dormant users to deactivate, stale invitations
 * to withdraw, oldest first. The most recently active Site Administrator is never deactivated when
 * every active one is dormant, so the site always keeps someone who can sign in and manage it.
 */
export function planReclaim(candidates: Iterable<ReclaimCandidate>, policy: ReclaimPolicy, now: Date): ReclaimPlan {
  const dormant: PlannedAction[] = [];
  const stale: PlannedAction[] = [];
  let activeAdmins = 0;
  const dormantAdmins: PlannedAction[] = [];
  for (const c of candidates) {
    const u = c.user;
    if (u.status === 'active' && u.adminProfile === 'Site Administrator') activeAdmins++;
    if (policy.dormantDays !== null && isDormant(u, c.lastSessionActivity, policy.dormantDays, now)) {
      const a: PlannedAction = {
        userId: u.id,
        email: u.email,
        action: 'deactivate',
        reason: 'dormant',
        since: lastActiveAt(u, c.lastSessionActivity),
      };
      dormant.push(a);
      if (u.adminProfile === 'Site Administrator') dormantAdmins.push(a);
    } else if (
      policy.pendingDays !== null &&
      isStaleInvitation(u, c.lastInvitedAt, !!c.linkUsed, policy.pendingDays, now)
    ) {
      stale.push({
        userId: u.id,
        email: u.email,
        action: 'withdraw',
        reason: 'stale_invitation',
        since: latestIso(u.createdAt, c.lastInvitedAt),
      });
    }
  }
  const kept: ReclaimPlan['kept'] = [];
  if (activeAdmins > 0 && dormantAdmins.length === activeAdmins) {
    const keep = dormantAdmins.reduce((a, b) => ((b.since ?? '') > (a.since ?? '') ? b : a));
    dormant.splice(dormant.indexOf(keep), 1);
    kept.push({ userId: keep.userId, email: keep.email, reason: 'the last active Site Administrator' });
  }
  const bySince = (a: PlannedAction, b: PlannedAction) =>
    (a.since ?? '').localeCompare(b.since ?? '') || a.email.localeCompare(b.email);
  const actions = [...dormant.sort(bySince), ...stale.sort(bySince)];
  return { at: now.toISOString(), policy, actions, kept, seatsFreed: actions.length };
}

/** What a run did: the plan it followed and each action's result (an action whose condition no longer held is skipped). */
export interface ReclaimRun {
  plan: ReclaimPlan;
  results: {
    userId: string;
    email: string;
    action: PlannedAction['action'];
    ok: boolean;
    changed?: boolean;
    error?: { code: string; message: string };
  }[];
}

/** Whether a daily run is due: never run, or the last one began a day or more ago. */
export const policyDue = (lastRunAt: string | null | undefined, now: Date): boolean =>
  !lastRunAt || now.getTime() - Date.parse(lastRunAt) >= DAY_MS;

/** A user filter as typed: `dormant:90` and `pending:14` tokens select the reclamation views, the rest is search text. */
export interface UserFilter {
  text: string;
  dormantDays?: number;
  pendingOlderThanDays?: number;
}

/** Reads `dormant:N` / `pending:N` (1 to 3650 days) out of a filter; other words stay search text. */
export function parseUserFilter(q: string | undefined): UserFilter {
  const out: UserFilter = { text: '' };
  const words: string[] = [];
  for (const w of (q ?? '').trim().split(/\s+/)) {
    const m = /^(dormant|pending):(\d{1,4})$/i.exec(w);
    const n = m ? Number(m[2]) : 0;
    if (m && n >= 1 && n <= 3650) {
      if (m[1].toLowerCase() === 'dormant') out.dormantDays = n;
      else out.pendingOlderThanDays = n;
    } else if (w) words.push(w);
  }
  out.text = words.join(' ');
  return out;
}

/** What a plan would do, in a sentence, then its first `listed` actions (the console's preview). */
export function planSummary(plan: ReclaimPlan, listed = 8): string {
  const deact = plan.actions.filter((a) => a.action === 'deactivate').length;
  const withdraw = plan.actions.length - deact;
  if (!plan.actions.length)
    return 'Nothing to reclaim now: no dormant users and no stale invitations under this policy.';
  const parts = [
    deact ? `deactivate ${deact} dormant user${deact === 1 ? '' : 's'}` : '',
    withdraw ? `withdraw ${withdraw} invitation${withdraw === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  const head = `A run now would ${parts.join(' and ')}, freeing ${plan.seatsFreed} seat${plan.seatsFreed === 1 ? '' : 's'}.`;
  const day = (iso: string | null) => (iso ? iso.slice(0, 10) : 'never');
  const lines = plan.actions
    .slice(0, listed)
    .map((a) => `${a.email} (${a.reason === 'dormant' ? `last active ${day(a.since)}` : `invited ${day(a.since)}`})`);
  const more = plan.actions.length > listed ? ` and ${plan.actions.length - listed} more` : '';
  const kept = plan.kept.map((k) => ` ${k.email} is kept: ${k.reason}.`).join('');
  return `${head} ${lines.join(', ')}${more}.${kept}`;
}
