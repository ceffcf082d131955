// A grid over a server-side list window: the same keys and the same Grid shape as useGrid, but
// the sort, the filter and the count are the server's, and only the rows near the view are held.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { Key } from 'ink';
import type { GridPrefs } from '../prefs.js';
import type { ListWindow, WindowQuery } from './list-window.js';
import { layoutColumns, naturalWidths, windowTop, type Column, type Grid, type Row, type RowsView } from './use-grid.js';

/** The rows a view can show: `slice` gives undefined for a row not loaded yet. */
class WindowRows<T extends Row> implements RowsView<T> {
  constructor(private readonly win: ListWindow<T>) {}
  get length(): number {
    return this.win.count;
  }
  slice(start: number, end: number): (T | undefined)[] {
    const out: (T | undefined)[] = [];
    for (let i = start; i < Math.min(end, this.length); i++) out.push(this.win.rowAt(i));
    return out;
  }
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

export function useWindowGrid<T extends Row>(
  win: ListWindow<T>,
  columns: Column<T>[],
  opts: {
    height: number;
    width: number;
    prefs?: GridPrefs;
    onPrefs?: (p: GridPrefs) => void;
    defaultSort: string;
    defaultOrder?: 'asc' | 'desc';
    /** Query parameters besides sort, order and q (client, state, …). */
    params?: Record<string, string>;
    /** False while the screen has never been shown: nothing is fetched for it yet. */
    enabled?: boolean;
  },
): Grid<T> & { loading: boolean; baseTotal: number | null } {
  const sortable = columns.filter((c) => c.sortBy !== null);
  const [state, setState] = useState<State>(() => ({
    selectedId: null,
    cursor: 0,
    top: 0,
    filter: opts.prefs?.filter ?? '',
    filtering: false,
    sortKey: sortable.some((c) => c.key === opts.prefs?.sort) ? opts.prefs!.sort! : opts.defaultSort,
    order: opts.prefs?.order ?? opts.defaultOrder ?? 'asc',
  }));
  const sortCol = columns.find((c) => c.key === state.sortKey);
  const query: WindowQuery = { sort: sortCol?.sortBy ?? state.sortKey, order: state.order, q: state.filter.trim(), params: opts.params };
  const queryKey = JSON.stringify(query);
  useSyncExternalStore(win.subscribe, () => win.version);
  // A hidden screen fetches nothing until it is first shown; then it keeps its window current.
  const shown = useRef(false);
  if (opts.enabled !== false) shown.current = true;
  if (shown.current) win.setQuery(query);

  // The count with no filter, for "12 of 340".
  const baseTotal = useRef<number | null>(null);
  if (!query.q && win.total !== null) baseTotal.current = win.total;

  const count = win.count;
  // The cursor follows its record when the list moves under it (a refresh after an event).
  let cursor = state.cursor;
  if (state.selectedId && win.rowAt(cursor)?.id !== state.selectedId) {
    const at = win.indexOf(state.selectedId);
    if (at >= 0) cursor = at;
  }
  cursor = Math.min(cursor, Math.max(0, count - 1));
  const top = windowTop(cursor, state.top, opts.height, count);
  useEffect(() => {
    if (shown.current) win.ensure(top, top + opts.height);
  }, [win, top, opts.height, queryKey, shown.current]); // eslint-disable-line react-hooks/exhaustive-deps

  const live = useRef({ cursor, top, count });
  live.current = { cursor, top, count };
  const persist = (s: State) => opts.onPrefs?.({ sort: s.sortKey, order: s.order, filter: s.filter });

  const moveTo = (index: (cur: number, count: number) => number) =>
    setState((s) => {
      const { cursor: c, top: t, count: n } = live.current;
      if (n === 0) return s;
      const next = Math.max(0, Math.min(n - 1, index(c, n)));
      const nextTop = windowTop(next, t, opts.height, n);
      live.current = { cursor: next, top: nextTop, count: n };
      return { ...s, cursor: next, selectedId: win.rowAt(next)?.id ?? null, top: nextTop };
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
    else if ((input === 's' || input === 'S') && sortable.length > 0) {
      setState((s) => {
        let n: State;
        if (input === 'S') n = { ...s, order: s.order === 'asc' ? 'desc' : 'asc' };
        else {
          const i = sortable.findIndex((c) => c.key === s.sortKey);
          n = { ...s, sortKey: sortable[(i + 1) % sortable.length].key, order: 'asc' };
        }
        persist(n);
        return { ...n, selectedId: null, cursor: 0, top: 0 };
      });
    } else return false;
    return true;
  };

  // Columns sized by the rows on screen (the window holds no more).
  const onScreen = new WindowRows(win).slice(top, top + opts.height).filter((r): r is T => r !== undefined);
  return {
    layout: layoutColumns(columns, opts.width, naturalWidths(columns, onScreen)),
    filterCursor: Array.from(state.filter).length,
    view: new WindowRows(win),
    cursor,
    top,
    height: opts.height,
    selected: win.rowAt(cursor),
    filter: state.filter,
    filtering: state.filtering,
    sortKey: state.sortKey,
    order: state.order,
    handleKey,
    select: (id) => setState((s) => ({ ...s, selectedId: id })),
    setFilter: (text) => setFilter(() => ({ filter: text, filtering: false })),
    loading: win.loading,
    baseTotal: baseTotal.current,
  };
}
