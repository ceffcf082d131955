// Marked rows for bulk actions: Space marks one, `*` marks every row the filter shows. Marks are
// kept by id, so they survive sorting, filtering and live updates; rows that vanish drop out.
import { useCallback, useMemo, useReducer } from 'react';

export type MarksAction = { type: 'toggle'; id: string } | { type: 'all'; ids: readonly string[] } | { type: 'clear' };

export function marksReducer(marks: ReadonlySet<string>, a: MarksAction): ReadonlySet<string> {
  switch (a.type) {
    case 'toggle': {
      const next = new Set(marks);
      if (!next.delete(a.id)) next.add(a.id);
      return next;
    }
    case 'all': {
      // `*` again on rows that are all marked unmarks them (a toggle over the filter's rows).
      const every = a.ids.length > 0 && a.ids.every((id) => marks.has(id));
      const next = new Set(marks);
      for (const id of a.ids) {
        if (every) next.delete(id);
        else next.add(id);
      }
      return next;
    }
    case 'clear':
      return marks.size ? new Set() : marks;
  }
}

export interface Marks<T> {
  /** Marked ids still present in `rows`. */
  ids: ReadonlySet<string>;
  /** The marked rows, in the order of `rows`. */
  rows: T[];
  count: number;
  has(id: string): boolean;
  toggle(id: string): void;
  markAll(ids: readonly string[]): void;
  clear(): void;
}

export function useMarks<T extends { id: string }>(rows: readonly T[]): Marks<T> {
  const [raw, dispatch] = useReducer(marksReducer, new Set<string>() as ReadonlySet<string>);
  const marked = useMemo(() => (raw.size ? rows.filter((r) => raw.has(r.id)) : []), [raw, rows]);
  const ids = useMemo(() => new Set(marked.map((r) => r.id)), [marked]);
  return {
    ids,
    rows: marked,
    count: marked.length,
    has: useCallback((id: string) => ids.has(id), [ids]),
    toggle: useCallback((id: string) => dispatch({ type: 'toggle', id }), []),
    markAll: useCallback((list: readonly string[]) => dispatch({ type: 'all', ids: list }), []),
    clear: useCallback(() => dispatch({ type: 'clear' }), []),
  };
}

