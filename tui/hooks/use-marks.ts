// Marked rows for bulk actions: Space marks one, `*` marks every row the filter matches (the
// caller fetches them all from the server: the grid holds only a window). Marks are kept by id
// with the row as last seen, so they survive scrolling, sorting, filtering and live updates.
import { useCallback, useMemo, useReducer } from 'react';

export type MarksAction<T> = { type: 'toggle'; row: T } | { type: 'all'; rows: readonly T[] } | { type: 'clear' };

export function marksReducer<T extends { id: string }>(
  marks: ReadonlyMap<string, T>,
  a: MarksAction<T>,
): ReadonlyMap<string, T> {
  switch (a.type) {
    case 'toggle': {
      const next = new Map(marks);
      if (!next.delete(a.row.id)) next.set(a.row.id, a.row);
      return next;
    }
    case 'all': {
      // `*` again on rows that are all marked unmarks them (a toggle over the filter's rows).
      const every = a.rows.length > 0 && a.rows.every((r) => marks.has(r.id));
      const next = new Map(marks);
      for (const r of a.rows) {
        if (every) next.delete(r.id);
        else next.set(r.id, r);
      }
      return next;
    }
    case 'clear':
      return marks.size ? new Map() : marks;
  }
}

export interface Marks<T> {
  ids: ReadonlySet<string>;
  /** The marked rows, each as fresh as the rows the grid holds. */
  rows: T[];
  count: number;
  has(id: string): boolean;
  toggle(row: T): void;
  markAll(rows: readonly T[]): void;
  clear(): void;
}

/** `fresh`: rows the grid holds now, so a marked row shows its latest state (status, sessions). */
export function useMarks<T extends { id: string }>(fresh: readonly T[]): Marks<T> {
  const [marks, dispatch] = useReducer(marksReducer<T>, new Map<string, T>() as ReadonlyMap<string, T>);
  const rows = useMemo(() => {
    if (!marks.size) return [];
    const byId = new Map(fresh.map((r) => [r.id, r]));
    return [...marks.values()].map((r) => byId.get(r.id) ?? r);
  }, [marks, fresh]);
  const ids = useMemo(() => new Set(marks.keys()), [marks]);
  return {
    ids,
    rows,
    count: marks.size,
    has: useCallback((id: string) => ids.has(id), [ids]),
    toggle: useCallback((row: T) => dispatch({ type: 'toggle', row }), []),
    markAll: useCallback((list: readonly T[]) => dispatch({ type: 'all', rows: list }), []),
    clear: useCallback(() => dispatch({ type: 'clear' }), []),
  };
}
