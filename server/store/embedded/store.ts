// The embedded engine's core: tables in memory, every change journaled (fdatasync'd, group-
// committed) before it is acknowledged, and the whole written as a lowdb snapshot when the
// journal grows (compaction, in the background).
import { mkdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { AppError } from '../../../src/domain/errors.js';
import type { StoreData } from '../../../src/domain/schemas.js';
import { DurableJSONFile, fsyncDir, realFileOps, type FileOps } from './durable-file.js';
import { Journal, JOURNAL_FILE, OLD_JOURNAL_FILE, type Op } from './journal.js';
import { loadStore, SNAPSHOT_FILE } from './load.js';
import { Tables, type Collections, type CollName, type SingletonName, type Singletons } from './tables.js';

export { SNAPSHOT_FILE, JOURNAL_FILE, OLD_JOURNAL_FILE };

/** Changes made inside one transaction: applied to memory at once, journaled at commit. */
export interface Changes {
  put<C extends CollName>(c: C, record: Collections[C]): void;
  /** Changes some fields of a record; only those fields are journaled (cheap for hot fields). */
  patch<C extends CollName>(c: C, id: string, fields: Partial<Collections[C]>): void;
  del(c: CollName, id: string): void;
  set<S extends SingletonName>(s: S, value: Singletons[S]): void;
}

interface Open extends Changes {
  ops: Op[];
  undo: (() => void)[];
}

interface Batch {
  /** Each transaction's ops as JSON, serialized when it commits (in its own event-loop turn). */
  ops: string[];
  undo: (() => void)[];
  waiters: { resolve: () => void; reject: (e: unknown) => void }[];
}
const emptyBatch = (): Batch => ({ ops: [], undo: [], waiters: [] });

export interface StoreOptions {
  fileOps?: FileOps;
  /** Journal size that triggers a snapshot. */
  compactBytes?: number;
  now?: () => Date;
}

export class Store {
  readonly tables = new Tables();
  private seq = 0;
  private pending = emptyBatch();
  private flushing: Promise<void> | null = null;
  private readonly journal: Journal;
  private forceSnapshot = false;
  private closed = false;
  /** A snapshot being written in the background, while new changes go to a fresh journal. */
  private background: Promise<void> | null = null;
  private oldJournal = false;
  private readonly low: Low<StoreData | null>;
  private readonly compactBytes: number;

  private constructor(
    readonly dir: string,
    opts: StoreOptions,
  ) {
    const fileOps = opts.fileOps ?? realFileOps;
    this.low = new Low<StoreData | null>(new DurableJSONFile(join(dir, SNAPSHOT_FILE), fileOps), null);
    this.journal = new Journal(dir, fileOps);
    this.compactBytes = opts.compactBytes ?? 32 * 1024 * 1024;
  }

  static async open(dir: string, opts: StoreOptions = {}): Promise<Store> {
    await mkdir(dir, { recursive: true });
    const store = new Store(dir, opts);
    const loaded = await loadStore(store.tables, dir, store.low, opts.now?.() ?? new Date());
    store.seq = loaded.seq;
    store.oldJournal = loaded.oldJournal;
    await store.journal.open();
    if (loaded.rewrite || store.journal.bytes > 0) await store.snapshot();
    return store;
  }

  // ---- reads (records are frozen, so handing them out is safe) ----

  get<C extends CollName>(c: C, id: string): Collections[C] | undefined {
    return this.tables.get(c, id);
  }
  findBy<C extends CollName>(c: C, value: string): Collections[C] | undefined {
    return this.tables.findBy(c, value);
  }
  count(c: CollName): number {
    return this.tables.count(c);
  }

  // ---- transactions: begin, change in memory, then commit (durable) or roll back ----

  /** A synchronous transaction (the engine's own tests and tools; services use the repository). */
  transact<R>(fn: (tx: Changes) => R): Promise<R> {
    const tx = this.begin();
    let result: R;
    try {
      result = fn(tx);
    } catch (e) {
      this.rollback(tx);
      throw e;
    }
    return this.commit(tx).then(() => result);
  }

  begin(): Open {
    if (this.closed) throw new AppError('storage_unavailable', 'The store is closed; the server is shutting down.');
    const t = this.tables;
    const ops: Op[] = [];
    const undo: (() => void)[] = [];
    return {
      ops,
      undo,
      put: (c, record) => {
        const prev = t.get(c, record.id);
        t.put(c, Object.freeze({ ...record }) as never);
        undo.push(() => (prev ? t.put(c, prev) : t.del(c, record.id)));
        ops.push({ c, put: record });
      },
      patch: (c, id, fields) => {
        const prev = t.get(c, id);
        if (!prev) return;
        t.put(c, Object.freeze({ ...prev, ...fields }) as never);
        undo.push(() => t.put(c, prev));
        ops.push({ c, patch: { ...fields, id } as { id: string } & Record<string, unknown> });
      },
      del: (c, id) => {
        const prev = t.get(c, id);
        if (!prev) return;
        t.del(c, id);
        undo.push(() => t.put(c, prev));
        ops.push({ c, del: id });
      },
      set: (s, value) => {
        const prev = t.single[s];
        t.single = { ...t.single, [s]: Object.freeze({ ...value }) };
        undo.push(() => (t.single = { ...t.single, [s]: prev }));
        ops.push({ s, set: value });
      },
    };
  }

  rollback(tx: Open): void {
    for (let i = tx.undo.length - 1; i >= 0; i--) tx.undo[i]();
  }

  /**
   * Queues the transaction's changes for the next group commit; resolves once they are durable.
   * If the disk write fails, they (and any queued behind them) are undone in memory and the
   * promise rejects `storage_unavailable`.
   */
  commit(tx: Open): Promise<void> {
    if (tx.ops.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.ops.push(tx.ops.map((op) => JSON.stringify(op)).join(','));
      this.pending.undo.push(...tx.undo);
      this.pending.waiters.push({ resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Writes a full snapshot now (and empties the journal). */
  async snapshot(): Promise<void> {
    this.forceSnapshot = true;
    const done = new Promise<void>((resolve, reject) => this.pending.waiters.push({ resolve, reject }));
    this.scheduleFlush();
    await done;
  }

  /** Waits until queued writes and a background snapshot are done (tests; a crash needs no such wait). */
  async settled(): Promise<void> {
    while (this.flushing || this.background) {
      await this.flushing;
      await this.background;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.snapshot().catch(() => {});
    this.closed = true;
    await this.flushing;
    await this.background;
    await this.journal.close();
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = new Promise((done) => setImmediate(() => void this.flushLoop().finally(done)));
  }

  private async flushLoop(): Promise<void> {
    while (this.pending.waiters.length > 0) {
      const batch = this.pending;
      this.pending = emptyBatch();
      try {
        if (this.forceSnapshot) {
          this.forceSnapshot = false;
          await this.background;
          await this.writeSnapshot(); // holds this batch's changes too: they are in memory
        } else {
          // Compaction: capture the state now (memory holds exactly the durable state plus this
          // batch), append the batch, then set the journal aside and write the snapshot in the
          // background, so neither acknowledgements nor the event loop wait for 30 MB of JSON.
          const compact = this.journal.bytes > this.compactBytes && !this.background && !this.oldJournal;
          const data = compact ? this.tables.toData(this.seq + (batch.ops.length > 0 ? 1 : 0)) : null;
          if (batch.ops.length > 0) await this.appendJournal(batch.ops);
          if (data) await this.snapshotInBackground(data);
        }
        for (const w of batch.waiters) w.resolve();
      } catch (e) {
        // Undo newest first: what was queued behind this batch built on it.
        const failed = [batch, this.pending];
        this.pending = emptyBatch();
        for (const b of failed.reverse()) for (let i = b.undo.length - 1; i >= 0; i--) b.undo[i]();
        const err = new AppError(
          'storage_unavailable',
          `The change could not be saved (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); nothing was changed. Try again when the disk is writable.`,
        );
        for (const b of failed) for (const w of b.waiters) w.reject(err);
      }
    }
    this.flushing = null;
  }

  private async appendJournal(ops: string[]): Promise<void> {
    await this.journal.append(this.seq + 1, ops);
    this.seq++;
  }

  /** Rotates the journal and writes `data` as the snapshot without holding anything up. */
  private async snapshotInBackground(data: StoreData): Promise<void> {
    const current = join(this.dir, JOURNAL_FILE);
    const old = join(this.dir, OLD_JOURNAL_FILE);
    try {
      await this.journal.close();
      await rename(current, old);
      this.oldJournal = true;
    } catch {
      // Could not set the journal aside: carry on appending to it; compaction is tried later.
    }
    try {
      await this.journal.open();
    } catch {
      return; // the next append opens it again, and fails its batch while it cannot
    }
    if (!this.oldJournal) return;
    await fsyncDir(this.dir);
    this.background = (async () => {
      try {
        this.low.data = data;
        await this.low.write();
        await unlink(old);
        await fsyncDir(this.dir);
        this.oldJournal = false;
      } catch {
        // The old journal stays and is replayed on load; the next forced snapshot removes it.
      } finally {
        this.background = null;
      }
    })();
  }

  private async writeSnapshot(): Promise<void> {
    this.low.data = this.tables.toData(this.seq + 1);
    await this.low.write();
    this.seq++;
    // The snapshot holds everything; lines left in the journals are skipped on load by their seq.
    if (!this.journal.isOpen) await this.journal.open();
    await this.journal.empty();
    if (this.oldJournal) {
      await unlink(join(this.dir, OLD_JOURNAL_FILE)).catch(() => {});
      this.oldJournal = false;
    }
  }
}
