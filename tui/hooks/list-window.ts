// A window onto a server-side list: the console holds only the rows around what it shows, asks
// the server for more as the cursor moves (by keyset cursor when the rows just before are loaded,
// by offset otherwise), and never loads a whole collection. Filter and sort are the server's;
// so is the count. Framework-free: the use-list-window hook subscribes a component to it.
import { cursorOf } from '../../src/domain/keyset.js';

export interface WindowQuery {
  /** The server's sort column. */
  sort: string;
  order: 'asc' | 'desc';
  /** Filter text (`q`). */
  q: string;
  /** Further query parameters (client, state, …). */
  params?: Record<string, string>;
}

export interface FetchArgs extends WindowQuery {
  cursor?: string;
  offset?: number;
  limit: number;
}

export interface FetchedPage<T> {
  items: T[];
  total: number;
  nextCursor?: string | null;
}

export type Fetcher<T> = (args: FetchArgs, signal: AbortSignal) => Promise<FetchedPage<T>>;

/** Rows asked for at once; the window keeps about this many on each side of what is shown. */
export const CHUNK = 100;
/** Rows held at most (about): those far from the view are dropped. */
const KEEP = 2_000;

const keyOfQuery = (q: WindowQuery) => JSON.stringify([q.sort, q.order, q.q, q.params ?? {}]);

export class ListWindow<T extends { id: string }> {
  private rows = new Map<number, T>();
  private query: WindowQuery | null = null;
  private key = '';
  private generation = 0;
  private inflight = new Map<number, AbortController>();
  private listeners = new Set<() => void>();
  private lastRange: [number, number] = [0, 0];
  private refreshTimer: NodeJS.Timeout | null = null;
  /** A refresh asked for while the first rows were on their way: done once they arrive. */
  private refreshAfterFirst = false;
  total: number | null = null;
  /** The last page's extra fields (sessions: activeCount). */
  extra: Record<string, unknown> = {};
  /** Bumped on every change, for React's external-store snapshot. */
  version = 0;
  error: unknown = null;

  constructor(
    private readonly fetch: Fetcher<T>,
    private readonly onError: (e: unknown) => void = () => {},
    private readonly keep = KEEP,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** True while the rows for the current query have not arrived. */
  get loading(): boolean {
    return this.total === null || this.inflight.size > 0;
  }

  /** Rows held in memory. */
  get held(): number {
    return this.rows.size;
  }

  /**
   * Every row of the current query, fetched in pages of `page` by keyset cursor (at most `max`):
   * for acting on all the rows a filter matches, which the window itself never holds.
   */
  async fetchAll(max = 10_000, page = 1_000, signal: AbortSignal = new AbortController().signal): Promise<T[]> {
    if (!this.query) return [];
    const out: T[] = [];
    for (let cursor: string | undefined; out.length < max;) {
      const r = await this.fetch({ ...this.query, cursor, limit: Math.min(page, max - out.length) }, signal);
      out.push(...r.items);
      if (!r.nextCursor || r.items.length === 0) break;
      cursor = r.nextCursor;
    }
    return out;
  }

  /** Rows in the list (0 until the first page of the current query arrives). */
  get count(): number {
    return this.total ?? 0;
  }

  rowAt(i: number): T | undefined {
    return this.rows.get(i);
  }

  private loadedCache: { version: number; rows: T[] } | null = null;
  /** The rows held now (near the view), in list order; the same array until the window changes. */
  loadedRows(): T[] {
    if (this.loadedCache?.version !== this.version) {
      this.loadedCache = {
        version: this.version,
        rows: [...this.rows.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r),
      };
    }
    return this.loadedCache.rows;
  }

  indexOf(id: string): number {
    for (const [i, r] of this.rows) if (r.id === id) return i;
    return -1;
  }

  /** Changes the query: the old rows go at once (an action never lands on a row of the old list). */
  setQuery(q: WindowQuery): void {
    const key = keyOfQuery(q);
    if (key === this.key && this.query) return;
    this.query = q;
    this.key = key;
    this.generation++;
    for (const ac of this.inflight.values()) ac.abort();
    this.inflight.clear();
    this.rows = new Map();
    this.loadedCache = null;
    this.total = null;
    this.refreshAfterFirst = false;
    // Before any view asked for a range, the first chunk is enough (a second one would only
    // compete with it for the first frame).
    this.ensure(0, this.lastRange[1] - this.lastRange[0] || CHUNK / 2);
  }

  /** Makes sure rows [start, end) are loaded (plus a margin), fetching what is missing. */
  ensure(start: number, end: number): void {
    if (!this.query) return;
    this.lastRange = [start, end];
    const margin = Math.max(CHUNK / 2, end - start);
    const from = Math.max(0, start - margin);
    const to = this.total === null ? end + margin : Math.min(this.total, end + margin);
    for (let i = from; i < to; i++) {
      if (this.rows.has(i) || this.pending(i)) continue;
      this.load(i);
      // Skip over what that request covers.
      i += CHUNK - 1;
    }
    this.trim(start, end);
  }

  /** Something changed on the server: fetch the shown rows again soon (bursts coalesce). */
  invalidate(delayMs = 150): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.refresh();
    }, delayMs);
    this.refreshTimer.unref?.();
  }

  /** Replaces a loaded row in place (an event carried its new state). */
  patch(row: T): void {
    const i = this.indexOf(row.id);
    if (i < 0) return;
    this.rows.set(i, row);
    this.changed();
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const ac of this.inflight.values()) ac.abort();
    this.inflight.clear();
    this.listeners.clear();
  }

  private refresh(): void {
    if (!this.query) return;
    // The first rows are on their way: show them, then fetch again (rather than throw them away,
    // which at start-up made the first frame wait for a second round trip).
    if (this.rows.size === 0 && this.inflight.size > 0) {
      this.refreshAfterFirst = true;
      return;
    }
    const [start, end] = this.lastRange;
    this.generation++;
    for (const ac of this.inflight.values()) ac.abort();
    this.inflight.clear();
    // Keep the rows on screen while their fresh copies load; drop the rest.
    const keep = new Map<number, T>();
    for (const [i, r] of this.rows) if (i >= start && i < end) keep.set(i, r);
    this.rows = keep;
    this.loadedCache = null;
    const from = Math.max(0, start - CHUNK / 2);
    this.load(from, true, Math.max(CHUNK, end - from + CHUNK / 2));
  }

  private pending(i: number): boolean {
    for (const s of this.inflight.keys()) if (i >= s && i < s + CHUNK) return true;
    return false;
  }

  private load(start: number, replace = false, limit = CHUNK): void {
    const q = this.query!;
    const gen = this.generation;
    // Keyset when the row just before is loaded (O(log n) on the server); offset otherwise.
    const before = start > 0 && !replace ? this.rows.get(start - 1) : undefined;
    const args: FetchArgs = { ...q, limit, ...(before ? { cursor: cursorOf(before, q.sort) } : { offset: start }) };
    const ac = new AbortController();
    this.inflight.set(start, ac);
    this.fetch(args, ac.signal).then(
      (page) => {
        if (gen !== this.generation) return;
        this.inflight.delete(start);
        if (replace) for (const i of [...this.rows.keys()]) if (i >= start && i < start + limit) this.rows.delete(i);
        page.items.forEach((r, j) => this.rows.set(start + j, r));
        const ended = page.items.length < limit;
        const { items: _i, total, nextCursor: _n, ...extra } = page;
        this.extra = extra as Record<string, unknown>;
        if (this.total !== null && total !== this.total) {
          // The list changed length under us: what is loaded may have shifted; reload around the view.
          this.total = total;
          this.invalidate(0);
        }
        this.total = total;
        this.error = null;
        this.changed();
        if (this.refreshAfterFirst && this.inflight.size === 0) {
          this.refreshAfterFirst = false;
          this.invalidate(0);
        }
        if (ended && page.items.length === 0) return;
        const [s, e] = this.lastRange;
        this.ensure(s, e);
      },
      (e) => {
        if (gen !== this.generation || (e as Error).name === 'AbortError') return;
        this.inflight.delete(start);
        this.error = e;
        this.onError(e);
        this.changed();
      },
    );
  }

  /** Forgets rows far from the view, so browsing a long list keeps memory flat. */
  private trim(start: number, end: number): void {
    if (this.rows.size <= this.keep) return;
    for (const i of this.rows.keys()) if (i < start - this.keep / 2 || i > end + this.keep / 2) this.rows.delete(i);
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}
