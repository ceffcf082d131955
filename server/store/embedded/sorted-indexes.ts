// Sorted indexes for the embedded engine: one B+ tree per sortable column, kept current on every
// change, so a window of a list costs O(log n + limit) instead of a filter and a full sort.
//
// The order is the domain's keyset order (src/domain/keyset.ts). A tree key is a small object
// holding the row's compared value (shared with the record when it needs no lower-casing) and id.
// Rows are partitioned by list (sessions: live or ended) and facet (sessions: the client), each
// partition with its own trees, so "every client but explorer" merges three trees rather than
// stepping over explorer rows. A tree is built on first use (one sort and a bulk load) or by
// warm() in idle time, then kept current; start-up builds nothing. Filter text is grouped by
// distinct value (a login email's sessions share one entry), so a `q` scan visits each email once.
import btree from 'sorted-btree';
import { bulkLoad } from 'sorted-btree/extended/bulkLoad.js';
import {
  comparePositions,
  decodeCursor,
  encodeCursor,
  sortValue,
  type Order,
  type Position,
} from '../../../src/domain/keyset.js';

// sorted-btree is CommonJS: the class is its `exports.default`.
type Tree = btree.default<Position, undefined>;

const NODE = 64;

class Key implements Position {
  constructor(
    readonly value: string | null,
    readonly id: string,
  ) {}
}
const keyOf = (row: object, col: string, id: string) => new Key(sortValue((row as Record<string, unknown>)[col]), id);
/** Ascending keyset order: a tree's own order. */
const compareKeys = (a: Position, b: Position): number => comparePositions(a, b, 'asc');
/** Sits after every filled key and before every empty one (no id is empty). */
const FIRST_EMPTY = new Key(null, '');
const before = (a: Position, b: Position, order: Order): boolean => comparePositions(a, b, order) < 0;

interface Row {
  id: string;
}

/** Where a row is: its list, its facet, its filter text. */
interface Entry {
  id: string;
  group: string;
  facet: string;
  text: string;
}

interface Partition {
  ids: Set<string>;
  /** Built on first use; absent until then. */
  trees: Map<string, Tree>;
}

export interface IndexSpec<T extends Row> {
  /** Sortable columns; a tree each, per partition. */
  columns: readonly string[];
  /** Which list the row belongs to (sessions: live or ended), or null for none. Default: one list. */
  group?: (row: T) => string | null;
  /** A field the lists are split by, so filtering on it costs nothing (sessions: the client). */
  facet?: (row: T) => string;
  /** The text `q` searches, lower-cased (kept per row, so a filter never lower-cases at query time). */
  text?: (row: T) => string;
  /** Fields whose changes never affect a filter (session activity): they do not invalidate counts. */
  volatile?: readonly string[];
  /** Up to this many matches, a filtered page sorts the matches instead of walking the trees. */
  fewMatches?: number;
}

export interface IndexQuery<T extends Row> {
  group?: string;
  sort: string;
  order: Order;
  cursor?: string;
  offset?: number;
  limit: number;
  /** Facet values to keep; all when absent. */
  facets?: ReadonlySet<string>;
  /** Lower-cased substring of the row's text. */
  needle?: string;
  /**
   * Any other filter, with a key naming it for the count memo: the key must change whenever the
   * test could answer differently for a row that did not change (a time it compares with, say).
   */
  where?: { key: string; test: (row: T) => boolean };
}

export interface IndexPage<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
}

/** Filtered counts (and, when few, the matching ids) remembered until the list's rows change. */
interface Memo {
  version: number;
  count: number;
  ids: string[] | null;
}
const MEMOS = 32;

export class SortedIndexes<T extends Row> {
  private readonly parts = new Map<string, Partition>();
  private readonly entries = new Map<string, Entry>();
  /** Per list: filter text → the rows with that text. */
  private readonly texts = new Map<string, Map<string, Entry[]>>();
  private readonly versions = new Map<string, number>();
  private readonly memos = new Map<string, Memo>();
  private readonly volatile: ReadonlySet<string>;
  private readonly few: number;
  /** Moves on every change (volatile ones too): a page read at one value is still the answer while it holds. */
  changes = 0;

  constructor(
    private readonly spec: IndexSpec<T>,
    private readonly get: (id: string) => T | undefined,
  ) {
    this.volatile = new Set(spec.volatile ?? []);
    this.few = spec.fewMatches ?? 2_000;
  }

  /** Call after a row was stored (prev: what it replaced). */
  put(prev: T | undefined, next: T): void {
    this.changes++;
    const group = this.spec.group ? this.spec.group(next) : '';
    const facet = this.spec.facet ? this.spec.facet(next) : '';
    const old = prev ? this.entries.get(prev.id) : undefined;
    if (prev && old && old.group === group && old.facet === facet) {
      // Same partition: move only the columns whose value changed (activity touches one tree).
      const p = prev as unknown as Record<string, unknown>;
      const n = next as unknown as Record<string, unknown>;
      for (const [col, tree] of this.parts.get(group + '\u0000' + facet)!.trees) {
        if (p[col] === n[col]) continue;
        const a = sortValue(p[col]);
        const b = sortValue(n[col]);
        if (a === b) continue;
        tree.delete(new Key(a, prev.id));
        tree.set(new Key(b, next.id), undefined);
      }
      if (this.filterChanged(p, n)) {
        const text = this.spec.text ? this.spec.text(next) : '';
        if (text !== old.text) {
          this.unlinkText(old);
          const e = { id: next.id, group, facet, text };
          this.entries.set(next.id, e);
          this.linkText(e);
        }
        this.touch(group);
      }
      return;
    }
    if (prev) this.del(prev);
    if (group === null) return;
    const part = this.partition(group, facet);
    part.ids.add(next.id);
    const n = next as unknown as Record<string, unknown>;
    for (const [col, tree] of part.trees) tree.set(keyOf(n, col, next.id), undefined);
    const e = { id: next.id, group, facet, text: this.spec.text ? this.spec.text(next) : '' };
    this.entries.set(next.id, e);
    this.linkText(e);
    this.touch(group);
  }

  /** Call after a row was removed. */
  del(prev: T): void {
    this.changes++;
    const e = this.entries.get(prev.id);
    if (!e) return;
    const part = this.parts.get(e.group + '\u0000' + e.facet)!;
    part.ids.delete(prev.id);
    const p = prev as unknown as Record<string, unknown>;
    for (const [col, tree] of part.trees) tree.delete(keyOf(p, col, prev.id));
    this.entries.delete(prev.id);
    this.unlinkText(e);
    this.touch(e.group);
  }

  clear(): void {
    this.changes++;
    this.parts.clear();
    this.entries.clear();
    this.texts.clear();
    this.memos.clear();
    for (const g of this.versions.keys()) this.touch(g);
  }

  /** Rows in a list (all facets). */
  count(group = ''): number {
    let n = 0;
    for (const p of this.partsOf(group)) n += p.ids.size;
    return n;
  }

  /** Builds every tree now (otherwise each is built on its first query). */
  warm(): void {
    for (const part of this.parts.values()) for (const col of this.spec.columns) this.tree(part, col);
  }

  /** Builds the trees not yet built, one per turn of the event loop, so requests go on meanwhile. */
  async warmInBackground(): Promise<void> {
    for (const part of [...this.parts.values()]) {
      for (const col of this.spec.columns) {
        if (part.trees.has(col)) continue;
        await new Promise((r) => setImmediate(r));
        this.tree(part, col);
      }
    }
  }

  /** One window of a list, in keyset order, with the filtered total. */
  page(q: IndexQuery<T>): IndexPage<T> {
    const group = q.group ?? '';
    if (!this.spec.columns.includes(q.sort)) throw new Error(`no index on "${q.sort}"`);
    const after = q.cursor !== undefined ? decodeCursor(q.cursor, q.sort) : undefined;
    const parts = this.partsOf(group, q.facets);
    let total = 0;
    let few: string[] | null = null;
    if (!q.needle && !q.where) for (const p of parts) total += p.ids.size;
    else {
      const memo = this.matches(group, q);
      total = memo.count;
      few = memo.ids;
    }
    const limit = Math.max(0, q.limit);
    const items: T[] = [];
    let skip = after ? 0 : Math.max(0, q.offset ?? 0);
    let more = false;
    if (few) {
      // Few matches: sort them (k log k) rather than walk the trees past every row that fails.
      const keyed = few.map((id) => keyOf(this.get(id)!, q.sort, id));
      keyed.sort((a, b) => (before(a, b, q.order) ? -1 : before(b, a, q.order) ? 1 : 0));
      let i = Math.min(skip, keyed.length);
      if (after) {
        const k = after;
        let lo = 0;
        let hi = keyed.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (before(k, keyed[mid], q.order)) hi = mid;
          else lo = mid + 1;
        }
        i = lo;
      }
      for (; i < keyed.length && items.length < limit; i++) items.push(this.get(keyed[i].id)!);
      more = i < keyed.length;
    } else {
      const test = q.needle || q.where ? this.matcher(q) : null;
      const trees = parts.map((p) => this.tree(p, q.sort));
      for (const key of merge(
        trees.map((t) => walkKeys(t, q.order, after)),
        q.order,
      )) {
        const id = key.id;
        const row = this.get(id);
        if (!row || (test && !test(row, this.entries.get(id)!))) continue;
        if (skip > 0) {
          skip--;
          continue;
        }
        if (items.length === limit) {
          more = true;
          break;
        }
        items.push(row);
      }
    }
    const last = items[items.length - 1];
    return {
      items,
      total,
      nextCursor:
        more && last
          ? encodeCursor(q.sort, {
              value: sortValue((last as unknown as Record<string, unknown>)[q.sort]),
              id: last.id,
            })
          : null,
    };
  }

  private matcher(q: IndexQuery<T>): (row: T, e: Entry) => boolean {
    const { needle, where } = q;
    return (row, e) => (!needle || e.text.includes(needle)) && (!where || where.test(row));
  }

  /** The filtered total, scanning each distinct text once; remembered until the list changes. */
  private matches(group: string, q: IndexQuery<T>): Memo {
    const key = `${group}\u0000${q.facets ? [...q.facets].sort().join(',') : '*'}\u0000${q.needle ?? ''}\u0000${q.where?.key ?? ''}`;
    const version = this.versions.get(group) ?? 0;
    const hit = this.memos.get(key);
    if (hit && hit.version === version) return hit;
    const { needle, where, facets } = q;
    let count = 0;
    let ids: string[] | null = [];
    for (const [text, list] of this.texts.get(group) ?? []) {
      if (needle && !text.includes(needle)) continue;
      for (const e of list) {
        if (facets && !facets.has(e.facet)) continue;
        if (where && !where.test(this.get(e.id)!)) continue;
        count++;
        if (ids) {
          if (ids.length < this.few) ids.push(e.id);
          else ids = null;
        }
      }
    }
    const memo = { version, count, ids };
    this.memos.delete(key);
    this.memos.set(key, memo);
    if (this.memos.size > MEMOS) this.memos.delete(this.memos.keys().next().value!);
    return memo;
  }

  private partsOf(group: string, facets?: ReadonlySet<string>): Partition[] {
    const out: Partition[] = [];
    for (const [key, part] of this.parts) {
      const sep = key.indexOf('\u0000');
      if (key.slice(0, sep) === group && (!facets || facets.has(key.slice(sep + 1)))) out.push(part);
    }
    return out;
  }

  private partition(group: string, facet: string): Partition {
    const key = group + '\u0000' + facet;
    let part = this.parts.get(key);
    if (!part) this.parts.set(key, (part = { ids: new Set(), trees: new Map() }));
    return part;
  }

  /** A partition's tree for a column, built now (sort + bulk load) if it is the first use. */
  private tree(part: Partition, col: string): Tree {
    let tree = part.trees.get(col);
    if (tree) return tree;
    const keys: Key[] = [];
    for (const id of part.ids) keys.push(keyOf(this.get(id)!, col, id));
    keys.sort(compareKeys);
    tree = bulkLoad<Position, undefined>(keys, new Array(keys.length).fill(undefined), NODE, compareKeys) as Tree;
    part.trees.set(col, tree);
    return tree;
  }

  private linkText(e: Entry): void {
    let byText = this.texts.get(e.group);
    if (!byText) this.texts.set(e.group, (byText = new Map()));
    const list = byText.get(e.text);
    if (list) list.push(e);
    else byText.set(e.text, [e]);
  }

  private unlinkText(e: Entry): void {
    const byText = this.texts.get(e.group);
    const list = byText?.get(e.text);
    if (!list) return;
    const i = list.findIndex((x) => x.id === e.id);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) byText!.delete(e.text);
  }

  private filterChanged(p: Record<string, unknown>, n: Record<string, unknown>): boolean {
    for (const k in n) if (p[k] !== n[k] && !this.volatile.has(k)) return true;
    return false;
  }

  private touch(group: string): void {
    this.versions.set(group, (this.versions.get(group) ?? 0) + 1);
  }
}

/** A tree's keys in keyset order, starting just after `after`. */
function* walkKeys(tree: Tree, order: Order, after?: Position): Generator<Position> {
  if (tree.size === 0) return;
  const reuse: unknown[] = [];
  const skip = (k: Position) => after !== undefined && k.id === after.id && k.value === after.value;
  if (order === 'asc') {
    for (const [k] of tree.entries(after, reuse as never)) if (!skip(k)) yield k;
    return;
  }
  // Descending: the filled values from the top down, then the empty ones by id, descending.
  if (!after || after.value !== null) {
    for (const [k] of tree.entriesReversed(after ?? FIRST_EMPTY, reuse as never)) {
      if (k.value !== null && !skip(k)) yield k;
    }
  }
  for (const [k] of tree.entriesReversed(after && after.value === null ? after : undefined, reuse as never)) {
    if (k.value !== null) return;
    if (!skip(k)) yield k;
  }
}

/** Merges sorted key streams (one per partition) into one, in `order`. */
function* merge(streams: Generator<Position>[], order: Order): Generator<Position> {
  if (streams.length === 1) {
    yield* streams[0];
    return;
  }
  const heads = streams.map((s) => s.next().value as Position | undefined);
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h !== undefined && (best < 0 || before(h, heads[best]!, order))) best = i;
    }
    if (best < 0) return;
    yield heads[best]!;
    heads[best] = streams[best].next().value as Position | undefined;
  }
}
