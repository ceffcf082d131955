// Session rules: idle expiry, which session to evict, and what an ended session tells its holder.
import { AppError } from './errors.js';
import type { Session } from './schemas.js';

export const SESSION_HISTORY_KEEP = 10_000;

/** Idle: a timeout is set and no request came for that long (times in epoch milliseconds). */
export function isIdle(lastActiveMs: number, idleMinutes: number | null, nowMs: number): boolean {
  return idleMinutes !== null && nowMs - lastActiveMs >= idleMinutes * 60_000;
}

/** The least recently active session. */
export function pickOldest<T extends Pick<Session, 'lastActivityAt'>>(sessions: T[]): T | undefined {
  let best: T | undefined;
  for (const s of sessions) if (!best || s.lastActivityAt < best.lastActivityAt) best = s;
  return best;
}

const MESSAGES: Record<NonNullable<Session['endReason']>, string> = {
  admin: 'Your session was terminated by the site administrator.',
  idle: 'Your session ended after a period of inactivity. Sign in again.',
  logout: 'You signed out of this session. Sign in again.',
  limit: 'This session was ended to make room for a newer sign-in (the session limit was reached).',
  deactivated: 'Your account was deactivated, which ended this session.',
  password_reset: 'Your password was reset, which ended this session. Set a new password from the link you were sent.',
};

export const terminationMessage = (reason: Session['endReason']): string =>
  reason ? MESSAGES[reason] : 'This session has ended. Sign in again.';

/** Login with the old password after an administrator's reset, before the user completes it. */
export const resetPending = () =>
  new AppError(
    'password_reset_pending',
    'An administrator reset your password, so the old one no longer works. Open the link in the email you were sent to choose a new password.',
  );
