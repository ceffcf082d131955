// Audit entries are written in the same transaction as the change they describe.
import { newId } from '../src/domain/tokens.js';
import type { Tx, Store } from './store/store.repository.js';
import type { Actor } from './context.js';

const KEEP = 50_000;
const PRUNE_BATCH = 1_000;

export function addAudit(
  store: Store,
  tx: Tx,
  at: Date,
  actor: Actor | null,
  action: string,
  target: { id: string; email: string } | null,
  detail: Record<string, unknown> = {},
): void {
  tx.put('audit', {
    id: newId(),
    at: at.toISOString(),
    actorId: actor?.id ?? null,
    actorEmail: actor?.email ?? null,
    action,
    targetId: target?.id ?? null,
    targetEmail: target?.email ?? null,
    detail,
  });
  if (store.count('audit') > KEEP + PRUNE_BATCH) {
    let n = 0;
    for (const e of store.values('audit')) {
      if (n++ >= PRUNE_BATCH) break;
      tx.del('audit', e.id);
    }
  }
}
