// Bulk actions on marked rows: one confirm that says what will happen, then one request whose
// per-item answer becomes one status line.
import type { ApiClient } from '../src/client/api-client.js';
import { bulkSessionConfirm, bulkSummary, bulkUserConfirm, type BulkUserAction } from '../src/domain/bulk.js';
import type { PublicSession, PublicUser } from '../src/domain/schemas.js';
import type { Actions } from './screens/screen-props.js';
import type { Dialog } from './ui-state.js';

const DONE: Record<BulkUserAction, string> = {
  deactivate: 'Deactivated',
  reactivate: 'Reactivated',
  'resend-activation': 'Sent new links to',
  'terminate-sessions': 'Ended the sessions of',
};

/** Which users an action would change (the confirm names the rest as skipped). */
const acts: Record<BulkUserAction, (u: PublicUser) => boolean> = {
  deactivate: (u) => u.status !== 'inactive',
  reactivate: (u) => u.status === 'inactive',
  'resend-activation': (u) => u.status === 'pending',
  'terminate-sessions': () => true,
};

/** The confirm for `action` on the marked users, or null when none of them it applies to. */
export function bulkUserDialog(
  action: BulkUserAction,
  marked: readonly PublicUser[],
  available: number,
  client: ApiClient,
  act: Actions,
  onDone: () => void,
): Dialog | null {
  const targets = marked.filter(acts[action]);
  const c = bulkUserConfirm(action, marked, available);
  if (!targets.length) return null;
  return {
    kind: 'confirm',
    title: c.title,
    message: c.message,
    confirmLabel: c.confirmLabel,
    run: async () => {
      const r = await act.runInDialog(
        () =>
          client.bulkUsers(
            action,
            targets.map((u) => u.id),
          ),
        (res) => bulkSummary(DONE[action], res),
      );
      if (r) onDone();
      return !!r; // an error stays in the confirm dialog
    },
  };
}

export function bulkSessionsDialog(
  marked: readonly PublicSession[],
  client: ApiClient,
  act: Actions,
  onDone: () => void,
): Dialog | null {
  if (!marked.length) return null;
  const c = bulkSessionConfirm(marked);
  return {
    kind: 'confirm',
    title: c.title,
    message: c.message,
    confirmLabel: c.confirmLabel,
    run: async () => {
      const r = await act.runInDialog(
        () => client.bulkEndSessions(marked.map((s) => s.id)),
        (res) => bulkSummary('Ended', res),
      );
      if (r) onDone();
      return !!r;
    },
  };
}
