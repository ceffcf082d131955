// Bulk actions on marked rows: what one confirm says will happen, and what the answer means.
import { holdsSeat } from './seats.js';
import type { UserStatus } from './schemas.js';

export type BulkUserAction = 'deactivate' | 'reactivate' | 'resend-activation' | 'terminate-sessions';
export const BULK_USER_ACTIONS: readonly BulkUserAction[] = [
  'deactivate',
  'reactivate',
  'resend-activation',
  'terminate-sessions',
];
/** The most items one bulk request may name. */
export const BULK_MAX_ITEMS = 10_000;

/** One item's answer: done (or already so: `changed` false), or why not. */
export interface BulkItemResult {
  id: string;
  ok: boolean;
  /** False when the item was already in the asked-for state (a retry, or another administrator was first). */
  changed?: boolean;
  error?: { code: string; message: string };
  /** A link issued for this item (resend activation). */
  link?: string;
}
export interface BulkResult {
  results: BulkItemResult[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export interface BulkConfirm {
  title: string;
  message: string;
  confirmLabel: string;
  /** Items the action will change (the others are named in the message and skipped). */
  acting: number;
}

/** The confirm for a bulk action on marked users: exactly what will happen, in numbers. */
export function bulkUserConfirm(
  action: BulkUserAction,
  marked: readonly { status: UserStatus }[],
  available: number,
): BulkConfirm {
  const n = marked.length;
  const count = (s: UserStatus) => marked.filter((u) => u.status === s).length;
  switch (action) {
    case 'deactivate': {
      const acting = marked.filter(holdsSeat).length;
      const skipped = n - acting;
      return {
        title: 'Deactivate users',
        message:
          `Deactivate ${plural(acting, 'user')}, freeing ${plural(acting, 'seat')}. Their sessions end and they leave their projects.` +
          (skipped ? ` ${plural(skipped, 'marked user is', 'marked users are')} already inactive and skipped.` : ''),
        confirmLabel: `Deactivate ${acting}`,
        acting,
      };
    }
    case 'reactivate': {
      const acting = count('inactive');
      const skipped = n - acting;
      const short = Math.max(0, acting - available);
      return {
        title: 'Reactivate users',
        message:
          `Reactivate ${plural(acting, 'user')}, taking ${plural(acting, 'seat')} (${available} free).` +
          (short ? ` ${plural(short, 'seat is', 'seats are')} missing: the last ${short} will be refused.` : '') +
          (skipped
            ? ` ${plural(skipped, 'marked user holds', 'marked users hold')} a seat already and ${skipped === 1 ? 'is' : 'are'} skipped.`
            : ''),
        confirmLabel: `Reactivate ${acting}`,
        acting,
      };
    }
    case 'resend-activation': {
      const acting = count('pending');
      const skipped = n - acting;
      return {
        title: 'Resend activation links',
        message:
          `Send new activation links to ${plural(acting, 'pending user')}; their older links stop working.` +
          (skipped ? ` ${plural(skipped, 'marked user is', 'marked users are')} not pending and skipped.` : ''),
        confirmLabel: `Resend ${acting}`,
        acting,
      };
    }
    case 'terminate-sessions':
      return {
        title: 'End sessions',
        message: `End every session of ${plural(n, 'user')}. They are signed out at their next request.`,
        confirmLabel: `End sessions of ${n}`,
        acting: n,
      };
  }
}

/** The confirm for ending marked sessions. */
export function bulkSessionConfirm(sessions: readonly { userId: string }[]): BulkConfirm {
  const users = new Set(sessions.map((s) => s.userId)).size;
  return {
    title: 'End sessions',
    message: `End ${plural(sessions.length, 'session')} of ${plural(users, 'user')}. They are signed out at their next request.`,
    confirmLabel: `End ${sessions.length}`,
    acting: sessions.length,
  };
}

/** One line on the status bar after a bulk action: done, unchanged, failed (with the first reason). */
export function bulkSummary(verb: string, r: BulkResult): string {
  const done = r.results.filter((x) => x.ok && x.changed !== false).length;
  const same = r.results.filter((x) => x.ok && x.changed === false).length;
  const failed = r.results.filter((x) => !x.ok);
  let s = `${verb} ${done} of ${r.results.length}`;
  if (same) s += `, ${same} already so`;
  if (failed.length)
    s += `, ${failed.length} failed (${failed[0].error?.code ?? 'error'}: ${failed[0].error?.message ?? ''})`;
  return s;
}
