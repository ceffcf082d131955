// Keyset paging: the one order every list uses, and the opaque cursor that names a place in it.
//
// The order, for a sort column and a direction:
// - rows with a value first, by that value compared as lower-cased text (UTF-16 code units, so
//   a database collates it as "C"), in the chosen direction;
// - ties by id, in the same direction (so a descending list is exactly the ascending one reversed);
// - then rows without a value (null, undefined or ''), by id in the chosen direction: empty values
//   come last either way.
// A cursor is base64url of the JSON `[sort column, compared value, id]` of the last row a page
// showed; the next page starts just after that place, whether or not the row still exists, so
// pages stay stable across inserts and deletes. Its direction is the request's, so the cursor of
// a row also pages backwards (ask for the other order).
import { AppError } from './errors.js';

export type Order = 'asc' | 'desc';

/** A row's place in one sort column: its compared value (null when empty) and its id. */
export interface Position {
  value: string | null;
  id: string;
}

/** The compared form of a field: lower-cased text, or null for an empty value. */
export function sortValue(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  const s = typeof v === 'string' ? v : String(v);
  const lower = s.toLowerCase();
  return lower === s ? s : lower; // the original when it is already lower case: no copy kept
}

export const positionOf = (row: { id: string }, column: string): Position => ({
  value: sortValue((row as Record<string, unknown>)[column]),
  id: row.id,
});

/** Negative when `a` comes before `b` in `order`. */
export function comparePositions(a: Position, b: Position, order: Order): number {
  if (a.value === null || b.value === null) {
    if (a.value !== b.value) return a.value === null ? 1 : -1; // empty last, either way
  } else if (a.value !== b.value) {
    return (a.value < b.value ? -1 : 1) * (order === 'desc' ? -1 : 1);
  }
  if (a.id === b.id) return 0;
  return (a.id < b.id ? -1 : 1) * (order === 'desc' ? -1 : 1);
}

export function encodeCursor(column: string, pos: Position): string {
  return Buffer.from(JSON.stringify([column, pos.value, pos.id]), 'utf8').toString('base64url');
}

export const cursorOf = (row: { id: string }, column: string): string => encodeCursor(column, positionOf(row, column));

const MAX_CURSOR = 2048;

/** The place a cursor names, for a request sorted by `column`; 400 `invalid_cursor` otherwise. */
export function decodeCursor(cursor: string, column: string): Position {
  let parsed: unknown;
  try {
    if (cursor.length > MAX_CURSOR || !/^[A-Za-z0-9_-]*$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError(
      'invalid_cursor',
      'The cursor is not one this server made. Pass back the nextCursor of the previous page unchanged, or start again without a cursor.',
    );
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    typeof parsed[0] !== 'string' ||
    (parsed[1] !== null && typeof parsed[1] !== 'string') ||
    typeof parsed[2] !== 'string'
  ) {
    throw new AppError(
      'invalid_cursor',
      'The cursor is damaged. Pass back the nextCursor of the previous page unchanged, or start again without a cursor.',
    );
  }
  if (parsed[0] !== column) {
    throw new AppError(
      'invalid_cursor',
      `The cursor belongs to a list sorted by "${parsed[0]}", but this request sorts by "${column}". Start again without a cursor after changing the sort.`,
      { cursorSort: parsed[0], sort: column },
    );
  }
  return { value: parsed[1], id: parsed[2] };
}

export interface KeysetQuery {
  sort: string;
  order: Order;
  cursor?: string;
  offset?: number;
  limit: number;
}

export interface Window<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Pages already-filtered rows by sorting them: the reference an index must agree with, and the
 * way to page small lists. Cost O(n log n); indexes answer the same in O(log n + limit).
 */
export function pageBySort<T extends { id: string }>(rows: readonly T[], q: KeysetQuery): Window<T> {
  const keyed = rows.map((r) => ({ p: positionOf(r, q.sort), r }));
  keyed.sort((a, b) => comparePositions(a.p, b.p, q.order));
  let start: number;
  if (q.cursor !== undefined) {
    const after = decodeCursor(q.cursor, q.sort);
    let lo = 0;
    let hi = keyed.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (comparePositions(keyed[mid].p, after, q.order) <= 0) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  } else start = Math.max(0, q.offset ?? 0);
  const items = keyed.slice(start, start + q.limit).map((x) => x.r);
  const more = start + q.limit < keyed.length;
  return { items, nextCursor: more && items.length > 0 ? cursorOf(items[items.length - 1], q.sort) : null };
}
