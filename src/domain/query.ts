// Grid queries over in-memory records: filter, sort by any column, page.
export interface PageQuery {
  sort?: string;
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1; // empty values last
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Sorts (stable, ties broken by id) and pages already-filtered rows. */
export function sortAndPage<T extends { id: string }>(
  rows: T[],
  q: PageQuery,
  sortable: readonly string[],
  defaultSort: string,
): Page<T> {
  const key = q.sort && sortable.includes(q.sort) ? q.sort : defaultSort;
  const dir = q.order === 'desc' ? -1 : 1;
  const offset = Math.max(0, q.offset ?? 0);
  const limit = Math.min(10_000, Math.max(1, q.limit ?? 100));
  const cmp = (a: T, b: T) => {
    const x = (a as Record<string, unknown>)[key];
    const y = (b as Record<string, unknown>)[key];
    const empty = (x == null ? 1 : 0) - (y == null ? 1 : 0); // empty values last, either way
    return empty || dir * compare(x, y) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  };
  // A bounded selection beats a full sort when only the first pages are asked for.
  const need = offset + limit;
  let items: T[];
  if (need < rows.length / 8) items = topK(rows, need, cmp).slice(offset);
  else items = [...rows].sort(cmp).slice(offset, need);
  return { items, total: rows.length };
}

function topK<T>(rows: T[], k: number, cmp: (a: T, b: T) => number): T[] {
  const out: T[] = [];
  for (const r of rows) {
    if (out.length === k && cmp(r, out[k - 1]) >= 0) continue;
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(r, out[mid]) < 0) hi = mid;
      else lo = mid + 1;
    }
    out.splice(lo, 0, r);
    if (out.length > k) out.pop();
  }
  return out;
}

export const contains = (hay: string | null | undefined, needle: string): boolean =>
  !!hay && hay.toLowerCase().includes(needle);
