// The embedded engine's sorted indexes agree with the domain's reference order (a full sort) on
// every page, through inserts, changes, deletes, groups, facets and filters.
import { describe, expect, it } from 'vitest';
import { pageBySort, type Order } from '../../src/domain/keyset.js';
import { SortedIndexes } from '../../server/store/embedded/sorted-indexes.js';

interface S {
  id: string;
  email: string;
  client: string;
  agent: string | null;
  at: string;
  ended: string | null;
}

let seed = 3;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
const CLIENTS = ['web', 'tui', 'explorer', 'api'];
const AGENTS = ['Mozilla', 'mozilla', 'curl', '', null, 'Explorer/2'];
let nextId = 0;
const make = (): S => ({
  id: `s${String(nextId++).padStart(6, '0')}`,
  email: `user${Math.floor(rnd() * 40)}@example.com`,
  client: pick(CLIENTS),
  agent: pick(AGENTS),
  at: `2026-01-0${1 + Math.floor(rnd() * 5)}`,
  ended: null,
});

function setup(fewMatches?: number) {
  const rows = new Map<string, S>();
  const idx = new SortedIndexes<S>(
    {
      columns: ['email', 'client', 'agent', 'at', 'ended'],
      group: (s) => (s.ended ? 'ended' : 'live'),
      facet: (s) => s.client,
      text: (s) => s.email,
      volatile: ['at'],
      fewMatches,
    },
    (id) => rows.get(id),
  );
  const put = (s: S) => {
    const prev = rows.get(s.id);
    rows.set(s.id, s);
    idx.put(prev, s);
  };
  const del = (id: string) => {
    const prev = rows.get(id);
    if (!prev) return;
    rows.delete(id);
    idx.del(prev);
  };
  return { rows, idx, put, del };
}

function reference(rows: Iterable<S>, group: string, filter: (s: S) => boolean) {
  return [...rows].filter((s) => (s.ended ? 'ended' : 'live') === group && filter(s));
}

describe('sorted indexes', () => {
  it.each([
    ['sorting few matches', undefined],
    ['walking the tree', 0],
  ])('every page, by offset and by cursor, equals the full sort, through random changes (%s)', (_, few) => {
    const { rows, idx, put, del } = setup(few);
    for (let i = 0; i < 600; i++) put(make());
    for (let round = 0; round < 40; round++) {
      // Changes: new rows, activity (a volatile column), other fields, ends, deletes.
      for (let i = 0; i < 30; i++) {
        const ids = [...rows.keys()];
        const s = rows.get(pick(ids))!;
        const r = rnd();
        if (r < 0.3) put(make());
        else if (r < 0.6) put({ ...s, at: `2026-01-0${1 + Math.floor(rnd() * 9)}` });
        else if (r < 0.7) put({ ...s, agent: pick(AGENTS), client: pick(CLIENTS) });
        else if (r < 0.85) put({ ...s, ended: s.ended ? null : '2026-02-01' });
        else del(s.id);
      }
      const group = pick(['live', 'ended']);
      const sort = pick(['email', 'client', 'agent', 'at', 'ended']);
      const order = pick(['asc', 'desc'] as Order[]);
      const facets = rnd() < 0.5 ? new Set(['web', 'tui', 'api']) : undefined;
      const needle = rnd() < 0.4 ? pick(['user1', 'user3@', 'example', 'nobody']) : undefined;
      const where = rnd() < 0.2 ? { key: 'curl', test: (s: S) => s.agent === 'curl' } : undefined;
      const filter = (s: S) =>
        (!facets || facets.has(s.client)) && (!needle || s.email.includes(needle)) && (!where || where.test(s));
      const ref = reference(rows.values(), group, filter);
      const limit = 1 + Math.floor(rnd() * 40);
      const full = pageBySort(ref, { sort, order, limit: 1e9 }).items.map((s) => s.id);

      const offset = Math.floor(rnd() * 50);
      const byOffset = idx.page({ group, sort, order, offset, limit, facets, needle, where });
      expect(
        byOffset.items.map((s) => s.id),
        `${group} ${sort} ${order} offset ${offset}`,
      ).toEqual(full.slice(offset, offset + limit));
      expect(byOffset.total).toBe(ref.length);

      const walked: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = idx.page({ group, sort, order, cursor, limit, facets, needle, where });
        walked.push(...page.items.map((s) => s.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(walked, `${group} ${sort} ${order} walk by ${limit}`).toEqual(full);
    }
  });

  it('a cursor whose row was deleted still starts the next page at its place', () => {
    const { idx, put, del } = setup();
    const all = Array.from({ length: 50 }, make);
    all.forEach(put);
    for (const order of ['asc', 'desc'] as const) {
      const first = idx.page({ group: 'live', sort: 'agent', order, limit: 10 });
      const last = first.items[9];
      del(last.id);
      const rest = idx.page({ group: 'live', sort: 'agent', order, cursor: first.nextCursor!, limit: 100 });
      const full = pageBySort(
        all.filter((s) => s.id !== last.id),
        { sort: 'agent', order, limit: 100 },
      ).items.map((s) => s.id);
      expect([...first.items.slice(0, 9).map((s) => s.id), ...rest.items.map((s) => s.id)]).toEqual(full);
      put(last);
    }
  });

  it('activity changes move one tree and keep the filtered counts', () => {
    const { idx, put, rows } = setup();
    for (let i = 0; i < 100; i++) put(make());
    const q = { group: 'live', sort: 'at', order: 'asc' as const, needle: 'user1', limit: 5 };
    const before = idx.page(q).total;
    for (const s of [...rows.values()]) put({ ...s, at: '2026-01-09' });
    expect(idx.page(q).total).toBe(before);
    expect(idx.page({ ...q, needle: undefined, limit: 1000 }).items.every((s) => s.at === '2026-01-09')).toBe(true);
  });
});
