// Session activity: every authenticated request marks its session active in memory; the times
// are written to the repository in batches (per server), so a busy API is not a write per request.
import type { Session } from '../../src/domain/schemas.js';
import type { Repository } from '../store/repository.js';

// At tens of thousands of requests a second many share a millisecond: format it once.
let isoMs = -1;
let isoText = '';
export const isoOf = (ms: number): string =>
  ms === isoMs ? isoText : ((isoMs = ms), (isoText = new Date(ms).toISOString()));

export class Activity {
  /** Activity not yet written: session id → epoch ms. */
  private pending = new Map<string, number>();

  mark(sessionId: string, ms: number): void {
    this.pending.set(sessionId, ms);
  }

  forget(sessionId: string): void {
    this.pending.delete(sessionId);
  }

  /** The session's activity not yet written (epoch ms), if any. */
  unwritten(sessionId: string): number | undefined {
    return this.pending.get(sessionId);
  }

  /** When a session was last active: its unwritten activity, or the stored time. */
  lastActive(s: Pick<Session, 'id' | 'lastActivityAt'>, storedMs = Date.parse(s.lastActivityAt)): number {
    const ms = this.pending.get(s.id);
    return ms !== undefined && ms > storedMs ? ms : storedMs;
  }

  /** The session with its unwritten activity applied (a copy only when that is newer). */
  apply<S extends Pick<Session, 'id' | 'lastActivityAt'>>(s: S): S {
    const ms = this.pending.get(s.id);
    return ms !== undefined && ms > Date.parse(s.lastActivityAt) ? { ...s, lastActivityAt: isoOf(ms) } : s;
  }

  /** Writes the batched times. */
  async flush(repo: Repository): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = new Map(this.pending);
    await repo.transaction((tx) => tx.touchSessions(new Map([...batch].map(([id, ms]) => [id, isoOf(ms)]))));
    for (const [id, ms] of batch) if (this.pending.get(id) === ms) this.pending.delete(id);
  }
}
