import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import {
  comparePositions,
  cursorOf,
  decodeCursor,
  encodeCursor,
  pageBySort,
  positionOf,
  type Order,
} from '../../src/domain/keyset.js';

interface R {
  id: string;
  name: string | null;
}

let seed = 11;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const NAMES = ['ann', 'Ann', 'bob', 'Cid', '', null, 'ann b', 'zed'];
const makeRows = (n: number, from = 0): R[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `r${String(from + i).padStart(5, '0')}`,
    name: NAMES[Math.floor(rnd() * NAMES.length)],
  }));

/** Walks every page by cursor. */
function walk(rows: R[], order: Order, limit: number): string[] {
  const out: string[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = pageBySort(rows, { sort: 'name', order, cursor, limit });
    out.push(...page.items.map((r) => r.id));
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error('no end');
}

describe('keyset order', () => {
  it('equal values keep a stable order by id, empty values last in either direction', () => {
    const rows = makeRows(300);
    for (const order of ['asc', 'desc'] as const) {
      const ids = walk(rows, order, 7);
      expect(new Set(ids).size).toBe(rows.length); // nothing twice, nothing missing
      const byId = new Map(rows.map((r) => [r.id, r]));
      const seq = ids.map((id) => byId.get(id)!);
      const firstEmpty = seq.findIndex((r) => !r.name);
      expect(seq.slice(firstEmpty).every((r) => !r.name)).toBe(true);
      for (let i = 1; i < seq.length; i++) {
        const a = seq[i - 1];
        const b = seq[i];
        const va = a.name?.toLowerCase() || null;
        const vb = b.name?.toLowerCase() || null;
        if (va === vb)
          expect(order === 'asc' ? a.id < b.id : a.id > b.id).toBe(true); // ties by id, in the direction
        else if (va !== null && vb !== null) expect(order === 'asc' ? va < vb : va > vb).toBe(true);
      }
      // A descending list is the ascending one reversed, except that empty values stay last.
      if (order === 'desc') {
        const asc = walk(rows, 'asc', 50);
        const filled = asc.filter((id) => byId.get(id)!.name);
        const empty = asc.filter((id) => !byId.get(id)!.name);
        expect(ids).toEqual([...filled.reverse(), ...empty.reverse()]);
      }
    }
    // Case-insensitive: 'ann' and 'Ann' are the same value, so only the id orders them.
    expect(
      comparePositions(
        positionOf({ id: 'a', name: 'Ann' } as R, 'name'),
        positionOf({ id: 'b', name: 'ann' } as R, 'name'),
        'asc',
      ),
    ).toBe(-1);
  });

  it('a cursor keeps its place across inserts and deletes: no row skipped or shown twice', () => {
    const rows = makeRows(200);
    for (const order of ['asc', 'desc'] as const) {
      let live = [...rows];
      const seen: string[] = [];
      let cursor: string | undefined;
      let next = 1000;
      for (;;) {
        const page = pageBySort(live, { sort: 'name', order, cursor, limit: 9 });
        seen.push(...page.items.map((r) => r.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
        // Between pages: the last row shown is deleted, a few others too, and new rows arrive.
        const last = page.items[page.items.length - 1].id;
        live = live.filter((r) => r.id !== last && rnd() > 0.02);
        live.push(...makeRows(3, next));
        next += 3;
      }
      expect(new Set(seen).size).toBe(seen.length);
      // Every row that existed throughout was seen, in order.
      const survivors = new Set(live.map((r) => r.id));
      const expected = pageBySort(
        rows.filter((r) => survivors.has(r.id)),
        { sort: 'name', order, limit: 1000 },
      ).items.map((r) => r.id);
      expect(seen.filter((id) => survivors.has(id) && id < 'r01000')).toEqual(expected);
    }
  });

  it('a cursor names its sort; another sort, a damaged or a foreign cursor is invalid_cursor', () => {
    const c = cursorOf({ id: 'u1', name: 'Bob' } as R, 'name');
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c, 'name')).toEqual({ value: 'bob', id: 'u1' });
    expect(decodeCursor(encodeCursor('name', { value: null, id: 'u2' }), 'name')).toEqual({ value: null, id: 'u2' });
    const bad = (cursor: string, sort = 'name') => {
      try {
        decodeCursor(cursor, sort);
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        expect((e as AppError).status).toBe(400);
        return (e as AppError).code + ': ' + (e as AppError).message;
      }
      throw new Error('accepted');
    };
    expect(bad(c, 'email')).toMatch(/^invalid_cursor: .*sorted by "name".*"email"/);
    expect(bad('!!!')).toMatch(/^invalid_cursor/);
    expect(bad(Buffer.from('{"a":1}').toString('base64url'))).toMatch(/^invalid_cursor: .*damaged/);
    expect(bad(Buffer.from('["name",3,"x"]').toString('base64url'))).toMatch(/^invalid_cursor/);
    expect(bad('x'.repeat(5000))).toMatch(/^invalid_cursor/);
  });
});
