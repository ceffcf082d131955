// Grid state: sort, filter-as-you-type, the cursor (kept on the same record across updates) and
// the visible window. The pure parts are exported for tests and benchmarks.
import { useMemo, useRef, useState } from 'react';
import type { Key } from 'ink';
import type { GridPrefs } from '../prefs.js';

export interface Column<T> {
  key: string;
  title: string;
  /** Fixed width, or a share of what the fixed columns leave. */
  width: number | { flex: number; min: number };
  get: (row: T) => string;
  /** Defaults to get(row). */
  sortValue?: (row: T) => string | number;
  /** The server's sort field for this column (default: its key); null when the server cannot sort by it. */
  sortBy?: string | null;
  color?: (row: T) => string | undefined;
}

export interface Row {
  id: string;
}

export function sortRows<T extends Row>(rows: readonly T[], col: Column<T> | undefined, order: 'asc' | 'desc'): T[] {
  if (!col) return [...rows];
  const value = col.sortValue ?? ((r: T) => col.get(r).toLowerCase());
  const keyed = rows.map((r) => {
    const k = value(r);
    return { k, r, e: k === '' || k === '—' };
  });
  const dir = order === 'desc' ? -1 : 1;
  // Empty values last in either direction, as the server sorts; ties by id keep the order stable.
  keyed.sort((a, b) => (a.e !== b.e ? (a.e ? 1 : -1) : a.k < b.k ? -dir : a.k > b.k ? dir : a.r.id < b.r.id ? -1 : 1));
  return keyed.map((x) => x.r);
}

export function filterRows<T>(rows: T[], filter: string, text: (row: T) => string): T[] {
  const needle = filter.trim().toLowerCase();
  if (!needle) return rows;
  return rows.filter((r) => text(r).toLowerCase().includes(needle));
}

/** The first visible row so that the cursor is on screen, moving as little as possible. */
export function windowTop(cursor: number, top: number, height: number, count: number): number {
  if (height <= 0) return 0;
  let t = Math.min(top, Math.max(0, count - height));
  if (cursor < t) t = cursor;
  if (cursor >= t + height) t = cursor - height + 1;
  return Math.max(0, t);
}

interface State {
  selectedId: string | null;
  cursor: number;
  top: number;
  filter: string;
  filtering: boolean;
  sortKey: string;
  order: 'asc' | 'desc';
}

/** What a view needs of the rows: a server-side window gives undefined for rows still loading. */
export interface RowsView<T> {
  readonly length: number;
  slice(start: number, end: number): (T | undefined)[];
}

export interface Grid<T> {
  view: RowsView<T>;
  cursor: number;
  top: number;
  height: number;
  selected: T | undefined;
  filter: string;
  filtering: boolean;
  sortKey: string;
  order: 'asc' | 'desc';
  /** Handles a grid key; true when the key was used. While filtering every key is used. */
  handleKey(input: string, key: Key): boolean;
  select(id: string): void;
  setFilter(text: string): void;
}

export function useGrid<T extends Row>(
  rows: T[],
  columns: Column<T>[],
  opts: { height: number; prefs?: GridPrefs; onPrefs?: (p: GridPrefs) => void; filterText: (row: T) => string; defaultSort: string },
): Omit<Grid<T>, 'view'> & { view: T[] } {
  const [state, setState] = useState<State>(() => ({
    selectedId: null,
    cursor: 0,
    top: 0,
    filter: opts.prefs?.filter ?? '',
    filtering: false,
    sortKey: columns.some((c) => c.key === opts.prefs?.sort) ? opts.prefs!.sort! : opts.defaultSort,
    order: opts.prefs?.order ?? 'asc',
  }));
  const sortCol = columns.find((c) => c.key === state.sortKey);
  const sorted = useMemo(() => sortRows(rows, sortCol, state.order), [rows, state.sortKey, state.order]); // eslint-disable-line react-hooks/exhaustive-deps
  const view = useMemo(() => filterRows(sorted, state.filter, opts.filterText), [sorted, state.filter]); // eslint-disable-line react-hooks/exhaustive-deps

  // The cursor follows its record when rows are added, removed or reordered.
  let cursor = state.selectedId ? view.findIndex((r) => r.id === state.selectedId) : -1;
  if (cursor < 0) cursor = Math.min(state.cursor, Math.max(0, view.length - 1));
  const top = windowTop(cursor, state.top, opts.height, view.length);

  const live = useRef({ view, cursor, top });
  live.current = { view, cursor, top };

  const persist = (s: State) => opts.onPrefs?.({ sort: s.sortKey, order: s.order, filter: s.filter });

  const moveTo = (index: (cur: number, count: number) => number) =>
    setState((s) => {
      const { view: v, cursor: c, top: t } = live.current;
      if (v.length === 0) return s;
      const next = Math.max(0, Math.min(v.length - 1, index(c, v.length)));
      live.current = { view: v, cursor: next, top: windowTop(next, t, opts.height, v.length) };
      return { ...s, cursor: next, selectedId: v[next].id, top: live.current.top };
    });

  const setFilter = (f: (s: State) => Partial<State>) =>
    setState((s) => {
      const n = { ...s, ...f(s), selectedId: null, cursor: 0, top: 0 };
      if (n.filter !== s.filter) persist(n);
      return n;
    });

  const handleKey = (input: string, key: Key): boolean => {
    if (state.filtering) {
      if (key.escape) setFilter(() => ({ filter: '', filtering: false }));
      else if (key.return) setState((s) => ({ ...s, filtering: false }));
      else if (key.backspace || key.delete) setFilter((s) => ({ filter: s.filter.slice(0, -1) }));
      else if (input && !key.ctrl && !key.meta && !key.upArrow && !key.downArrow) setFilter((s) => ({ filter: s.filter + input }));
      else if (key.upArrow) moveTo((c) => c - 1);
      else if (key.downArrow) moveTo((c) => c + 1);
      return true;
    }
    const page = Math.max(1, opts.height - 1);
    if (key.upArrow || input === 'k') moveTo((c) => c - 1);
    else if (key.downArrow || input === 'j') moveTo((c) => c + 1);
    else if (key.pageUp) moveTo((c) => c - page);
    else if (key.pageDown) moveTo((c) => c + page);
    else if (key.home) moveTo(() => 0);
    else if (key.end) moveTo((_c, n) => n - 1);
    else if (input === '/') setState((s) => ({ ...s, filtering: true }));
    else if (key.escape && state.filter) setFilter(() => ({ filter: '' }));
    else if (input === 's' || input === 'S') {
      setState((s) => {
        let n: State;
        if (input === 'S') n = { ...s, order: s.order === 'asc' ? 'desc' : 'asc' };
        else {
          const i = columns.findIndex((c) => c.key === s.sortKey);
          n = { ...s, sortKey: columns[(i + 1) % columns.length].key, order: 'asc' };
        }
        persist(n);
        return n;
      });
    } else return false;
    return true;
  };

  return {
    view,
    cursor,
    top,
    height: opts.height,
    selected: view[cursor],
    filter: state.filter,
    filtering: state.filtering,
    sortKey: state.sortKey,
    order: state.order,
    handleKey,
    select: (id) => setState((s) => ({ ...s, selectedId: id })),
    setFilter: (text) => setFilter(() => ({ filter: text, filtering: false })),
  };
}
