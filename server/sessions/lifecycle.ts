// Ending sessions and revoking API tokens, inside the caller's transaction; the events follow
// the commit.
import type { EndReason, Session } from '../../src/domain/schemas.js';
import { toPublicSession } from '../public.js';
import type { Tx } from '../store/repository.js';
import type { Activity } from './activity.js';

export function endSession(
  tx: Tx,
  activity: Activity,
  s: Session,
  reason: EndReason,
  by: string | null,
  now: Date,
): Session {
  const ended: Session = { ...activity.apply(s), endedAt: now.toISOString(), endReason: reason, endedBy: by };
  tx.putSession(ended);
  activity.forget(s.id);
  tx.emit({ type: 'session.ended', data: { session: toPublicSession(ended) } });
  return ended;
}

/** Ends every live session of a user. */
export async function endAllForUser(
  tx: Tx,
  activity: Activity,
  userId: string,
  reason: EndReason,
  by: string | null,
  now: Date,
): Promise<Session[]> {
  return (await tx.liveSessionsOf(userId)).map((s) => endSession(tx, activity, s, reason, by, now));
}

/** Revokes every API token of a user; returns how many. */
export async function revokeAllTokens(tx: Tx, userId: string, now: Date): Promise<number> {
  const tokens = await tx.apiTokensOf(userId);
  for (const t of tokens) {
    tx.putApiToken({ ...t, revokedAt: now.toISOString() });
    tx.emit({ type: 'token.revoked', data: { tokenId: t.id, userId } });
  }
  return tokens.length;
}
