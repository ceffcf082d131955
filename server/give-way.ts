// Bounds how long one turn of the event loop runs request and transaction work: past TURN_MS in a
// turn, the next request to start (or transaction to begin, or to return after its group commit)
// waits for a later turn, so timers, other sockets and the next commit are not held up behind a
// burst: a group commit acknowledges 200 invitations at once, and 200 requests arrive together.
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Work per event-loop turn after which requests and transactions give way. */
export const TURN_MS = 8;

let turnStart = -1;

function overdue(): boolean {
  const now = performance.now();
  if (turnStart < 0) {
    turnStart = now;
    setImmediate(() => (turnStart = -1));
    return false;
  }
  return now - turnStart >= TURN_MS;
}

/** Resolves in this turn while it is young; else in the first later turn that is. */
export async function giveWay(): Promise<void> {
  while (overdue()) await nextTurn();
}
