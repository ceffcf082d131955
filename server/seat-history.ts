// Seat history is written in the same transaction as the change of seats it records.
import type { SeatHistoryEntry } from '../src/domain/seat-history.js';
import { changeHead } from './audit.js';
import type { Actor } from './context.js';
import type { Tx } from './store/repository.js';

/**
 * Records the seats held and bought after this transaction's change (call it after the change's
 * own writes: the transaction reads them back). `actor` null is the server itself (the policy).
 */
export async function recordSeats(
  tx: Tx,
  at: Date,
  actor: Pick<Actor, 'id' | 'email'> | null,
  action: string,
  target: { id: string; email: string } | null,
  reason: string | null = null,
): Promise<SeatHistoryEntry> {
  const [held, license] = await Promise.all([tx.countHeldSeats(), tx.license()]);
  const entry: SeatHistoryEntry = { ...changeHead(at, actor, action, target), reason, held, seats: license.seats };
  tx.appendSeatHistory(entry);
  return entry;
}
