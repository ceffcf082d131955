// A grid over a server-side list window: the same keys and the same Grid shape as useGrid, but
// the sort, the filter and the count are the server's, and only the rows near the view are held.
import type { Key } from 'ink';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { commandFor } from '../commands.js';
import { SAME, type KeyResult } from '../input/key-router.js';
import { useTextField } from '../input/text-field.js';
import type { GridPrefs } from '../prefs.js';
import type { ListWindow, WindowQuery } from './list-window.js';
import {
  naturalWidths,
  nextSortKey,
  sortedLayout,
  windowTop,
  type Column,
  type Grid,
  type Row,
  type RowsView,
} from './use-grid.js';

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
  filtering: boolean;
  sortKey: string;
  order: 'asc' | 'desc';
}

export interface WindowGrid<T> extends Grid<T> {
  /** The rows for the current filter and sort have not arrived yet. */
  loading: boolean;
  /** The count with no filter (for "12 of 340"), once known. */
  baseTotal: number | null;
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
    /** Query parameters besides sort, order and q (client, …). */
    params?: Record<string, string>;
    /** False while the screen has never been shown: nothing is fetched for it yet. */
    enabled?: boolean;
  },
): WindowGrid<T> {
  const sortable = (c: Column<T>) => c.sortBy !== null;
  const [state, setState] = useState<State>(() => ({
    selectedId: null,
    cursor: 0,
    top: 0,
    filtering: false,
    sortKey: columns.some((c) => c.key === opts.prefs?.sort && sortable(c)) ? opts.prefs!.sort! : opts.defaultSort,
    order: opts.prefs?.order ?? opts.defaultOrder ?? 'asc',
  }));
  const field = useTextField(opts.prefs?.filter ?? '');
  const filter = field.value;
  const sortCol = columns.find((c) => c.key === state.sortKey);
  const query: WindowQuery = {
    sort: sortCol?.sortBy ?? state.sortKey,
    order: state.order,
    q: filter.trim(),
    params: opts.params,
  };
  const queryKey = JSON.stringify(query);
  useSyncExternalStore(win.subscribe, () => win.version);
  // A hidden screen fetches nothing until it is first shown; then it keeps its window current.
  const shown = useRef(false);
  if (opts.enabled !== false) shown.current = true;
  if (shown.current) win.setQuery(query);

  const baseTotal = useRef<number | null>(null);
  if (!query.q && !win.loading && win.total !== null) baseTotal.current = win.total;

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

  // Columns sized by the rows on screen (the window holds no more); the sorted one has room for its marker.
  // Widths only grow as rows are seen: while a page loads (no rows yet) or on scrolling, the
  // columns stay put, and a column sorted by `s` does not vanish when its rows arrive. Worked out
  // again only when the rows on screen change (a cursor move inside the view keeps it).
  const rows = useMemo(() => new WindowRows(win), [win]);
  const seen = useRef<number[]>([]);
  const { layout, natural } = useMemo(() => {
    const onScreen = rows.slice(top, top + opts.height).filter((r): r is T => r !== undefined);
    const widths = naturalWidths(columns, onScreen).map((w, i) => Math.max(w, seen.current[i] ?? 0));
    seen.current = widths;
    return { layout: sortedLayout(columns, opts.width, widths, state.sortKey), natural: widths };
  }, [rows, win.version, top, opts.height, opts.width, columns, state.sortKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const live = useRef({ cursor, top, count });
  live.current = { cursor, top, count };
  const persist = (s: Pick<State, 'sortKey' | 'order'>, f: string) =>
    opts.onPrefs?.({ sort: s.sortKey, order: s.order, filter: f });

  const moveTo = (index: (cur: number, count: number) => number) =>
    setState((s) => {
      const { cursor: c, top: t, count: n } = live.current;
      if (n === 0) return s;
      const next = Math.max(0, Math.min(n - 1, index(c, n)));
      const nextTop = windowTop(next, t, opts.height, n);
      live.current = { cursor: next, top: nextTop, count: n };
      return { ...s, cursor: next, selectedId: win.rowAt(next)?.id ?? null, top: nextTop };
    });

  const filterChanged = () => {
    setState((s) => ({ ...s, selectedId: null, cursor: 0, top: 0 }));
    persist(state, field.latest());
  };

  const handleKey = (input: string, key: Key): KeyResult => {
    if (state.filtering) {
      if (key.escape) {
        field.set('');
        setState((s) => ({ ...s, filtering: false }));
        filterChanged();
      } else if (key.return) setState((s) => ({ ...s, filtering: false }));
      else if (key.upArrow) moveTo((c) => c - 1);
      else if (key.downArrow) moveTo((c) => c + 1);
      else if (field.handle(input, key)) {
        filterChanged();
        return SAME; // the filter's text: the keys after it still go to the filter
      }
      return true;
    }
    const page = Math.max(1, opts.height - 1);
    switch (commandFor('list', input, key)) {
      case 'up':
        moveTo((c) => c - 1);
        break;
      case 'down':
        moveTo((c) => c + 1);
        break;
      case 'pageUp':
        moveTo((c) => c - page);
        break;
      case 'pageDown':
        moveTo((c) => c + page);
        break;
      case 'halfUp':
        moveTo((c) => c - Math.ceil(page / 2));
        break;
      case 'halfDown':
        moveTo((c) => c + Math.ceil(page / 2));
        break;
      case 'top':
        moveTo(() => 0);
        break;
      case 'bottom':
        moveTo((_c, n) => n - 1);
        break;
      case 'filter':
        setState((s) => ({ ...s, filtering: true }));
        break;
      case 'clearFilter':
        if (!filter) return false;
        field.set('');
        filterChanged();
        break;
      case 'sort':
      case 'reverse':
        setState((s) => {
          let n: State;
          if (input === 'S') n = { ...s, order: s.order === 'asc' ? 'desc' : 'asc' };
          else {
            // The columns on screen that the server can sort by, so the marker is always in sight.
            if (!layout.columns.some(sortable)) return s;
            n = { ...s, sortKey: nextSortKey(columns, opts.width, natural, s.sortKey, sortable), order: 'asc' };
          }
          persist(n, field.latest());
          return { ...n, selectedId: null, cursor: 0, top: 0 };
        });
        break;
      default:
        return false;
    }
    return true;
  };

  return {
    layout,
    view: rows,
    cursor,
    top,
    height: opts.height,
    selected: win.rowAt(cursor),
    filter,
    filterCursor: field.cursor,
    filtering: state.filtering,
    sortKey: state.sortKey,
    order: state.order,
    handleKey,
    select: (id) => setState((s) => ({ ...s, selectedId: id })),
    setFilter: (text) => {
      field.set(text);
      setState((s) => ({ ...s, filtering: false, selectedId: null, cursor: 0, top: 0 }));
      persist(state, text);
    },
    loading: win.loading,
    baseTotal: baseTotal.current,
  };
}
