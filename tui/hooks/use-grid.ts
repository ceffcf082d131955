// Grid state: sort (with a stable second key), filter-as-you-type with field filters, the cursor
// (kept on the same record across updates) and the visible window. The pure parts are exported
// for tests and benchmarks.
import type { Key } from 'ink';
import { useMemo, useRef, useState } from 'react';
import { textWidth } from '../format.js';
import type { KeyResult } from '../input/key-router.js';
import { gridKey } from './grid-keys.js';
import { useTextField } from '../input/text-field.js';
import type { GridPrefs } from '../prefs.js';

export interface Column<T> {
  key: string;
  title: string;
  get: (row: T) => string;
  /** Defaults to get(row), lower-cased. */
  sortValue?: (row: T) => string | number;
  /** The server's sort field for this column (default: its key); null when the server cannot sort by it. */
  sortBy?: string | null;
  color?: (row: T) => string | undefined;
  /** Narrowest useful width (default: the title and its sort marker, at most 10). */
  min?: number;
  /** Widest worth giving, however long the content (default: no cap). */
  max?: number;
  /** Gets the columns left over once every column has its content's width. */
  grow?: number;
  /** Shown only when every column fits at its content's width; higher numbers go first. */
  optional?: number;
  /** How readily it gives up width when space is short (default 1; the identifying column less). */
  shrink?: number;
}

export interface Row {
  id: string;
}

const isEmpty = (k: string | number) => k === '' || k === '—';

/** Sorts by a column; ties by the `tie` column, then by id, so equal rows never swap places. */
export function sortRows<T extends Row>(
  rows: readonly T[],
  col: Column<T> | undefined,
  order: 'asc' | 'desc',
  tie?: Column<T>,
): T[] {
  if (!col) return [...rows];
  const value = col.sortValue ?? ((r: T) => col.get(r).toLowerCase());
  const second = tie && tie !== col ? (tie.sortValue ?? ((r: T) => tie.get(r).toLowerCase())) : null;
  const keyed = rows.map((r) => {
    const k = value(r);
    return { k, t: second ? second(r) : '', r, e: isEmpty(k) };
  });
  const dir = order === 'desc' ? -1 : 1;
  // Empty values last in either direction, as the server sorts.
  keyed.sort((a, b) =>
    a.e !== b.e
      ? a.e
        ? 1
        : -1
      : a.k < b.k
        ? -dir
        : a.k > b.k
          ? dir
          : a.t < b.t
            ? -1
            : a.t > b.t
              ? 1
              : a.r.id < b.r.id
                ? -1
                : a.r.id > b.r.id
                  ? 1
                  : 0,
  );
  return keyed.map((x) => x.r);
}

export interface ParsedFilter {
  text: string;
  fields: { name: string; value: string }[];
}

/** "status:pending bob" → a field filter and free text. Unknown names stay part of the text. */
export function parseFilter(filter: string, names: readonly string[]): ParsedFilter {
  const fields: ParsedFilter['fields'] = [];
  const text: string[] = [];
  for (const word of filter.trim().split(/\s+/)) {
    const m = /^([a-z]+):(.*)$/i.exec(word);
    if (m && names.includes(m[1].toLowerCase())) fields.push({ name: m[1].toLowerCase(), value: m[2].toLowerCase() });
    else if (word) text.push(word);
  }
  return { text: text.join(' ').toLowerCase(), fields };
}

export type FieldFilters<T> = Record<string, (row: T) => string>;

/** Keeps rows whose text holds the free text and whose named fields start with each field value. */
export function filterRows<T>(rows: T[], filter: string, text: (row: T) => string, fields: FieldFilters<T> = {}): T[] {
  const f = parseFilter(filter, Object.keys(fields));
  if (!f.text && f.fields.length === 0) return rows;
  return rows.filter(
    (r) =>
      (!f.text || text(r).toLowerCase().includes(f.text)) &&
      f.fields.every(({ name, value }) => fields[name](r).toLowerCase().startsWith(value)),
  );
}

/** The first visible row so that the cursor is on screen, moving as little as possible. */
export function windowTop(cursor: number, top: number, height: number, count: number): number {
  if (height <= 0) return 0;
  let t = Math.min(top, Math.max(0, count - height));
  if (cursor < t) t = cursor;
  if (cursor >= t + height) t = cursor - height + 1;
  return Math.max(0, t);
}

const SAMPLE = 500;

/** Each column's content width (title and sort marker included), over a sample of the rows. */
export function naturalWidths<T>(columns: Column<T>[], rows: readonly T[]): number[] {
  const step = Math.max(1, Math.floor(rows.length / SAMPLE));
  return columns.map((c) => {
    let w = textWidth(c.title);
    for (let i = 0; i < rows.length; i += step) w = Math.max(w, textWidth(c.get(rows[i])));
    return c.max ? Math.min(w, c.max) : w;
  });
}

export interface Layout<T> {
  columns: Column<T>[];
  widths: number[];
}

/**
 * Columns sized by content and the terminal: optional columns only when everything fits at its
 * content width; then columns shrink toward their minimum (widest first) or grow into what is left.
 */
export function layoutColumns<T>(columns: Column<T>[], total: number, natural: number[], keep?: string): Layout<T> {
  let idx = columns.map((_c, i) => i);
  const minOf = (i: number) => Math.min(natural[i], columns[i].min ?? Math.min(10, textWidth(columns[i].title) + 2));
  const sum = (f: (i: number) => number) => idx.reduce((n, i) => n + f(i), 0) + idx.length - 1;
  // The sorted column stays, so its marker is always in sight.
  const optional = idx
    .filter((i) => columns[i].optional && columns[i].key !== keep)
    .sort((a, b) => columns[b].optional! - columns[a].optional!);
  for (const drop of optional) {
    if (sum((i) => natural[i]) <= total) break;
    idx = idx.filter((i) => i !== drop);
  }
  const widths = idx.map((i) => natural[i]);
  let over = sum((i) => natural[i]) - total;
  while (over > 0) {
    let widest = -1;
    const slack = (j: number) => (widths[j] - minOf(idx[j])) * (columns[idx[j]].shrink ?? 1);
    widths.forEach((w, j) => {
      if (w > minOf(idx[j]) && (widest < 0 || slack(j) > slack(widest))) widest = j;
    });
    if (widest < 0) break;
    widths[widest]--;
    over--;
  }
  // What is left goes to the growing columns, a little each (a wide terminal is not a reason to
  // push the columns apart); the rest stays blank on the right.
  // Still too wide with the sorted column kept: without it, rather than a line cut short.
  if (over > 0 && keep !== undefined && columns.some((c) => c.key === keep && c.optional))
    return layoutColumns(columns, total, natural);
  const grows = idx.reduce((n, i) => n + (columns[i].grow ?? 0), 0);
  if (over < 0 && grows > 0) {
    const spare = -over;
    idx.forEach((i, j) => {
      const share = Math.floor((spare * (columns[i].grow ?? 0)) / grows);
      widths[j] += Math.min(share, Math.ceil(natural[i] / 4) + 2);
    });
  }
  return { columns: idx.map((i) => columns[i]), widths };
}

/** The layout with `key` sorted: its column has room for the marker and is kept if it can be. */
export function sortedLayout<T>(columns: Column<T>[], total: number, natural: number[], key: string): Layout<T> {
  const nat = natural.map((w, i) => (columns[i].key === key ? Math.max(w, textWidth(columns[i].title) + 2) : w));
  return layoutColumns(columns, total, nat, key);
}

/** The column `s` sorts by next: one on screen whose marker will still be in sight once sorted. */
export function nextSortKey<T>(
  columns: Column<T>[],
  total: number,
  natural: number[],
  current: string,
  eligible: (c: Column<T>) => boolean = () => true,
): string {
  const shown = sortedLayout(columns, total, natural, current).columns.filter(eligible);
  const at = shown.findIndex((c) => c.key === current);
  for (let k = 1; k <= shown.length; k++) {
    const next = shown[(at + k) % shown.length].key;
    if (sortedLayout(columns, total, natural, next).columns.some((c) => c.key === next)) return next;
  }
  return current;
}

interface State {
  selectedId: string | null;
  cursor: number;
  top: number;
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
  layout: Layout<T>;
  view: RowsView<T>;
  cursor: number;
  top: number;
  height: number;
  selected: T | undefined;
  filter: string;
  filterCursor: number;
  /** The field filters this grid knows (status, client…), for the filter's hint. */
  fieldNames?: string[];
  filtering: boolean;
  sortKey: string;
  order: 'asc' | 'desc';
  /** Handles a grid key; false when the key is not a grid key. While filtering every key is used. */
  handleKey(input: string, key: Key): KeyResult;
  select(id: string): void;
  setFilter(text: string): void;
}

export function useGrid<T extends Row>(
  rows: T[],
  columns: Column<T>[],
  opts: {
    height: number;
    width: number;
    prefs?: GridPrefs;
    onPrefs?: (p: GridPrefs) => void;
    filterText: (row: T) => string;
    fields?: FieldFilters<T>;
    defaultSort: string;
    defaultOrder?: 'asc' | 'desc';
    /** The second sort key (default: the first column). */
    tie?: string;
  },
): Omit<Grid<T>, 'view'> & { view: T[] } {
  const [state, setState] = useState<State>(() => ({
    selectedId: null,
    cursor: 0,
    top: 0,
    filtering: false,
    sortKey: columns.some((c) => c.key === opts.prefs?.sort) ? opts.prefs!.sort! : opts.defaultSort,
    order: opts.prefs?.order ?? opts.defaultOrder ?? 'asc',
  }));
  const field = useTextField(opts.prefs?.filter ?? '');
  const filter = field.value;
  const sortCol = columns.find((c) => c.key === state.sortKey);
  const tieCol = columns.find((c) => c.key === (opts.tie ?? columns[0].key));
  const sorted = useMemo(() => sortRows(rows, sortCol, state.order, tieCol), [rows, state.sortKey, state.order]); // eslint-disable-line react-hooks/exhaustive-deps
  const view = useMemo(() => filterRows(sorted, filter, opts.filterText, opts.fields), [sorted, filter]); // eslint-disable-line react-hooks/exhaustive-deps

  // The cursor follows its record when rows are added, removed or reordered.
  let cursor = state.selectedId ? view.findIndex((r) => r.id === state.selectedId) : -1;
  if (cursor < 0) cursor = Math.min(state.cursor, Math.max(0, view.length - 1));
  const top = windowTop(cursor, state.top, opts.height, view.length);

  const natural = useMemo(() => naturalWidths(columns, rows), [columns, rows]);
  // The sorted column also wants room for its marker.
  const layout = useMemo(
    () => sortedLayout(columns, opts.width, natural, state.sortKey),
    [columns, opts.width, natural, state.sortKey],
  );

  const live = useRef({ view, cursor, top });
  live.current = { view, cursor, top };

  const persist = (s: Pick<State, 'sortKey' | 'order'>, f: string) =>
    opts.onPrefs?.({ sort: s.sortKey, order: s.order, filter: f });

  const moveTo = (index: (cur: number, count: number) => number) =>
    setState((s) => {
      const { view: v, cursor: c, top: t } = live.current;
      if (v.length === 0) return s;
      const next = Math.max(0, Math.min(v.length - 1, index(c, v.length)));
      live.current = { view: v, cursor: next, top: windowTop(next, t, opts.height, v.length) };
      return { ...s, cursor: next, selectedId: v[next].id, top: live.current.top };
    });

  const filterChanged = () => {
    setState((s) => ({ ...s, selectedId: null, cursor: 0, top: 0 }));
    persist(state, field.latest());
  };

  const handleKey = (input: string, key: Key): KeyResult =>
    gridKey(
      {
        filtering: state.filtering,
        filter: field,
        page: opts.height - 1,
        setFiltering: (on) => setState((s) => ({ ...s, filtering: on })),
        filterChanged,
        moveTo,
        sort: (how) =>
          setState((s) => {
            let n: State;
            if (how === 'reverse') n = { ...s, order: s.order === 'asc' ? 'desc' : 'asc' };
            // Only columns on screen, so the sort marker is always in sight.
            else n = { ...s, sortKey: nextSortKey(columns, opts.width, natural, s.sortKey), order: 'asc' };
            persist(n, field.latest());
            return n;
          }),
      },
      input,
      key,
    );

  return {
    layout,
    view,
    cursor,
    top,
    height: opts.height,
    selected: view[cursor],
    filter,
    filterCursor: field.cursor,
    fieldNames: Object.keys(opts.fields ?? {}),
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
  };
}
