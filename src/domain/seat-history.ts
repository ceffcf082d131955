// Seat history: one record per change of the seats held (or of the seats bought), and the daily
// series the console charts from it.
import { DAY_MS } from './reclaim.js';
import type { SeatHistoryEntry } from './schemas.js';

export type { SeatHistoryEntry } from './schemas.js';

/** Entries kept (the newest). */
export const SEAT_HISTORY_KEEP = 100_000;

export interface SeatPoint {
  /** The day (UTC, YYYY-MM-DD). */
  day: string;
  /** The most seats held at any moment of the day. */
  held: number;
  /** Seats in the license at the end of the day. */
  seats: number;
}

/**
 * One point per day for the last `days` days up to `now`, oldest first. A day without a change
 * carries the count over from the day before; days before the first record are held 0. `entries`
 * may come in any order.
 */
export function seatSeries(
  entries: readonly Pick<SeatHistoryEntry, 'at' | 'held' | 'seats'>[],
  now: Date,
  days: number,
  current?: { held: number; seats: number },
): SeatPoint[] {
  const sorted = [...entries].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const today = Math.floor(now.getTime() / DAY_MS);
  const first = today - days + 1;
  const out: SeatPoint[] = [];
  let i = 0;
  let held = 0;
  let seats = 0;
  // The state at the start of the window: the last record before it.
  while (i < sorted.length && Math.floor(Date.parse(sorted[i].at) / DAY_MS) < first) ({ held, seats } = sorted[i++]);
  for (let d = first; d <= today; d++) {
    let peak = held;
    while (i < sorted.length && Math.floor(Date.parse(sorted[i].at) / DAY_MS) === d) {
      ({ held, seats } = sorted[i++]);
      peak = Math.max(peak, held);
    }
    out.push({ day: new Date(d * DAY_MS).toISOString().slice(0, 10), held: peak, seats });
  }
  // The live count wins for today: a change may not be in the history page the caller has.
  if (current && out.length) {
    const last = out[out.length - 1];
    out[out.length - 1] = { ...last, held: Math.max(last.held, current.held), seats: current.seats };
  }
  return out;
}
