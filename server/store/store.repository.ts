// The store: records in memory, every change journaled (fsync'd, group-committed) before it is
// acknowledged, and the whole written as a lowdb snapshot when the journal grows.
import { mkdir, open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { AppError } from '../../src/domain/errors.js';
import { sampleProject } from '../../src/domain/sample-project.js';
import {
  SCHEMA_VERSION,
  StoreData,
  type ActionToken,
  type ApiToken,
  type AuditEntry,
  type License,
  type MailEntry,
  type Project,
  type Session,
  type Settings,
  type User,
} from '../../src/domain/schemas.js';
import { DurableJSONFile, fsyncDir, StoreCorruptError, realFileOps, type FileOps } from './durable-file.js';
import { parseJournalEntry } from './journal-entry.js';
import { migrate, NewerStoreError } from './migrations.js';

export interface Collections {
  users: User;
  projects: Project;
  sessions: Session;
  apiTokens: ApiToken;
  actionTokens: ActionToken;
  mails: MailEntry;
  audit: AuditEntry;
}
export type CollName = keyof Collections;
const COLLECTIONS: CollName[] = ['users', 'projects', 'sessions', 'apiTokens', 'actionTokens', 'mails', 'audit'];

interface Singletons {
  site: StoreData['site'];
  license: License;
  settings: Settings;
}
type SingletonName = keyof Singletons;

type Op =
  | { c: CollName; put: { id: string } }
  | { c: CollName; patch: { id: string } & Record<string, unknown> }
  | { c: CollName; del: string }
  | { s: SingletonName; set: unknown };

/** Unique secondary indexes: field values that identify one record. */
const INDEXED: Partial<Record<CollName, string>> = {
  users: 'email',
  sessions: 'tokenHash',
  apiTokens: 'tokenHash',
  actionTokens: 'tokenHash',
};

export interface Tx {
  put<C extends CollName>(c: C, record: Collections[C]): void;
  /** Changes some fields of a record; only those fields are journaled (cheap for hot fields). */
  patch<C extends CollName>(c: C, id: string, fields: Partial<Collections[C]>): void;
  del(c: CollName, id: string): void;
  set<S extends SingletonName>(s: S, value: Singletons[S]): void;
}

interface Batch {
  ops: Op[];
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

export const SNAPSHOT_FILE = 'seatdesk.json';
export const JOURNAL_FILE = 'journal.ndjson';
/** The journal set aside while a background snapshot is written; deleted once it is on disk. */
export const OLD_JOURNAL_FILE = 'journal.1.ndjson';

export class Store {
  private maps = Object.fromEntries(COLLECTIONS.map((c) => [c, new Map()])) as {
    [C in CollName]: Map<string, Collections[C]>;
  };
  private indexes = new Map<CollName, Map<string, string>>();
  private single!: Singletons;
  private seq = 0;
  private pending = emptyBatch();
  private flushing: Promise<void> | null = null;
  private journal!: FileHandle;
  private journalBytes = 0;
  private forceSnapshot = false;
  private closed = false;
  /** A snapshot being written in the background, while new changes go to a fresh journal. */
  private background: Promise<void> | null = null;
  private oldJournal = false;
  private readonly low: Low<StoreData | null>;
  private readonly compactBytes: number;
  private readonly fileOps: FileOps;

  private constructor(
    readonly dir: string,
    opts: StoreOptions,
  ) {
    this.fileOps = opts.fileOps ?? realFileOps;
    this.low = new Low<StoreData | null>(new DurableJSONFile(join(dir, SNAPSHOT_FILE), this.fileOps), null);
    this.compactBytes = opts.compactBytes ?? 32 * 1024 * 1024;
    for (const [c] of Object.entries(INDEXED)) this.indexes.set(c as CollName, new Map());
  }

  static async open(dir: string, opts: StoreOptions = {}): Promise<Store> {
    await mkdir(dir, { recursive: true });
    const store = new Store(dir, opts);
    await store.load(opts.now?.() ?? new Date());
    return store;
  }

  // ---- reads: records are frozen, so handing them out is safe ----

  get<C extends CollName>(c: C, id: string): Collections[C] | undefined {
    return this.maps[c].get(id);
  }
  values<C extends CollName>(c: C): IterableIterator<Collections[C]> {
    return this.maps[c].values();
  }
  count(c: CollName): number {
    return this.maps[c].size;
  }
  findBy<C extends CollName>(c: C, value: string): Collections[C] | undefined {
    const id = this.indexes.get(c)?.get(value);
    return id === undefined ? undefined : this.maps[c].get(id);
  }
  get license(): License {
    return this.single.license;
  }
  get settings(): Settings {
    return this.single.settings;
  }
  get site(): Singletons['site'] {
    return this.single.site;
  }

  // ---- writes ----

  /**
   * Runs `fn` synchronously against the current state (so check-then-change is atomic), applies
   * its changes in memory, and resolves once they are durable. If the disk write fails, the
   * changes (and any queued behind them) are undone and the promise rejects `storage_unavailable`.
   */
  transact<R>(fn: (tx: Tx) => R): Promise<R> {
    if (this.closed) return Promise.reject(new AppError('storage_unavailable', 'The store is closed; the server is shutting down.'));
    const ops: Op[] = [];
    const undo: (() => void)[] = [];
    const tx: Tx = {
      put: (c, record) => {
        const prev = this.maps[c].get(record.id);
        this.applyPut(c, Object.freeze({ ...record }) as never);
        undo.push(() => (prev ? this.applyPut(c, prev) : this.applyDel(c, record.id)));
        ops.push({ c, put: record });
      },
      patch: (c, id, fields) => {
        const prev = this.maps[c].get(id);
        if (!prev) return;
        this.applyPut(c, Object.freeze({ ...prev, ...fields }) as never);
        undo.push(() => this.applyPut(c, prev));
        ops.push({ c, patch: { ...fields, id } as { id: string } & Record<string, unknown> });
      },
      del: (c, id) => {
        const prev = this.maps[c].get(id);
        if (!prev) return;
        this.applyDel(c, id);
        undo.push(() => this.applyPut(c, prev));
        ops.push({ c, del: id });
      },
      set: (s, value) => {
        const prev = this.single[s];
        this.single = { ...this.single, [s]: Object.freeze({ ...value }) };
        undo.push(() => (this.single = { ...this.single, [s]: prev }));
        ops.push({ s, set: value });
      },
    };
    let result: R;
    try {
      result = fn(tx);
    } catch (e) {
      for (let i = undo.length - 1; i >= 0; i--) undo[i]();
      throw e;
    }
    if (ops.length === 0) return Promise.resolve(result);
    return new Promise<R>((resolve, reject) => {
      this.pending.ops.push(...ops);
      this.pending.undo.push(...undo);
      this.pending.waiters.push({ resolve: () => resolve(result), reject });
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

  async close(): Promise<void> {
    if (this.closed) return;
    await this.snapshot().catch(() => {});
    this.closed = true;
    await this.flushing;
    await this.background;
    if (this.journalOpen) await this.journal.close();
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
          await this.writeSnapshot();
        } else {
          // Compaction: capture the state now (memory holds exactly the durable state plus this
          // batch), append the batch, then set the journal aside and write the snapshot in the
          // background, so neither acknowledgements nor the event loop wait for 30 MB of JSON.
          const compact = this.journalBytes > this.compactBytes && !this.background && !this.oldJournal;
          const data = compact ? this.toData(this.seq + (batch.ops.length > 0 ? 1 : 0)) : null;
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

  /** Rotates the journal and writes `data` as the snapshot without holding anything up. */
  private async snapshotInBackground(data: StoreData): Promise<void> {
    const current = join(this.dir, JOURNAL_FILE);
    const old = join(this.dir, OLD_JOURNAL_FILE);
    try {
      this.journalOpen = false;
      await this.journal.close();
      await rename(current, old);
      this.oldJournal = true;
    } catch {
      // Could not set the journal aside: carry on appending to it; compaction is tried later.
    }
    try {
      await this.openJournal();
    } catch {
      return; // appendJournal opens it again, and fails its batch while it cannot
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

  private journalOpen = false;
  private async openJournal(): Promise<void> {
    this.journalOpen = false;
    this.journal = await open(join(this.dir, JOURNAL_FILE), 'a', 0o600);
    this.journalBytes = (await this.journal.stat()).size;
    this.journalOpen = true;
  }

  private async appendJournal(ops: Op[]): Promise<void> {
    if (!this.journalOpen) await this.openJournal();
    const line = JSON.stringify({ seq: this.seq + 1, ops }) + '\n';
    // On failure appendDurable leaves the journal as it was (no partial line): nothing to undo here.
    await this.fileOps.appendDurable(this.journal, line);
    this.seq++;
    this.journalBytes += Buffer.byteLength(line);
  }

  private async writeSnapshot(): Promise<void> {
    this.low.data = this.toData(this.seq + 1);
    await this.low.write();
    this.seq++;
    // The snapshot holds everything; lines left in the journals are skipped on load by their seq.
    await this.journal.truncate(0);
    await this.journal.datasync();
    this.journalBytes = 0;
    if (this.oldJournal) {
      await unlink(join(this.dir, OLD_JOURNAL_FILE)).catch(() => {});
      this.oldJournal = false;
    }
  }

  private toData(seq: number): StoreData {
    const data = { schemaVersion: SCHEMA_VERSION, seq, ...this.single } as StoreData;
    for (const c of COLLECTIONS) (data as unknown as Record<string, unknown[]>)[c] = [...this.maps[c].values()];
    return data;
  }

  // ---- loading ----

  private async load(now: Date): Promise<void> {
    const file = join(this.dir, SNAPSHOT_FILE);
    await this.low.read();
    const raw = this.low.data;
    let isNew = false;
    let upgraded = false;
    if (raw === null) {
      isNew = true;
      this.fromData(defaultData(now));
    } else {
      let migrated: unknown;
      try {
        migrated = migrate(raw);
      } catch (e) {
        if (e instanceof NewerStoreError) throw new StoreCorruptError(file, e.message);
        throw e;
      }
      const parsed = StoreData.safeParse(migrated);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new StoreCorruptError(file, `it does not match the store schema (${issue.path.join('.')}: ${issue.message})`);
      }
      upgraded = (raw as { schemaVersion?: unknown }).schemaVersion !== SCHEMA_VERSION;
      this.fromData(parsed.data);
    }
    this.oldJournal = await this.replayJournal(OLD_JOURNAL_FILE);
    await this.replayJournal(JOURNAL_FILE);
    // Only now that every file checked out is anything in the dir changed.
    await this.removeTempFiles();
    await this.openJournal();
    if (isNew || upgraded || this.oldJournal || this.journalBytes > 0) await this.snapshot();
  }

  private fromData(data: StoreData): void {
    this.seq = data.seq;
    this.single = { site: data.site, license: data.license, settings: data.settings };
    for (const c of COLLECTIONS) {
      this.maps[c].clear();
      this.indexes.get(c)?.clear();
      for (const r of data[c] as { id: string }[]) this.applyPut(c, Object.freeze(r) as never);
    }
  }

  /** Applies a journal's entries newer than the state; false when there is no such file. */
  private async replayJournal(name: string): Promise<boolean> {
    const file = join(this.dir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new StoreCorruptError(file, (e as Error).message);
    }
    const lines = text.split('\n');
    const complete = text.endsWith('\n') ? lines.length - 1 : lines.length - 1; // the last piece is '' or a torn write
    let previous: number | null = null;
    for (let i = 0; i < complete; i++) {
      let entry: { seq: number; ops: Op[] };
      try {
        entry = parseJournalEntry(JSON.parse(lines[i])) as { seq: number; ops: Op[] };
      } catch (e) {
        throw new StoreCorruptError(file, `line ${i + 1}: ${e instanceof SyntaxError ? 'not valid JSON' : (e as Error).message}`);
      }
      // Entries are numbered one by one: a gap or a step back means lines were lost or made up.
      if (previous !== null && entry.seq !== previous + 1)
        throw new StoreCorruptError(file, `line ${i + 1}: entry seq ${entry.seq} does not follow seq ${previous} on the line before`);
      previous = entry.seq;
      if (entry.seq <= this.seq) continue;
      if (entry.seq !== this.seq + 1)
        throw new StoreCorruptError(file, `line ${i + 1}: entry seq ${entry.seq} leaves a gap after seq ${this.seq} (the state so far); entries are missing`);
      for (const op of entry.ops) {
        if ('s' in op) this.single = { ...this.single, [op.s]: op.set };
        else if ('put' in op) this.applyPut(op.c, Object.freeze(op.put) as never);
        else if ('patch' in op) {
          const prev = this.maps[op.c].get(op.patch.id);
          if (prev) this.applyPut(op.c, Object.freeze({ ...prev, ...op.patch }) as never);
        } else this.applyDel(op.c, op.del);
      }
      this.seq = entry.seq;
    }
    // A torn last line was never acknowledged (acknowledgement waits for fsync): drop it.
    return true;
  }

  private async removeTempFiles(): Promise<void> {
    for (const name of await readdir(this.dir)) {
      if (name.startsWith(`.${SNAPSHOT_FILE}.tmp-`)) await unlink(join(this.dir, name)).catch(() => {});
    }
  }

  private applyPut<C extends CollName>(c: C, record: Collections[C]): void {
    const field = INDEXED[c];
    if (field) {
      const index = this.indexes.get(c)!;
      const prev = this.maps[c].get(record.id) as Record<string, unknown> | undefined;
      if (prev && prev[field] != null) index.delete(String(prev[field]));
      const value = (record as unknown as Record<string, unknown>)[field];
      if (value != null) index.set(String(value), record.id);
    }
    this.maps[c].set(record.id, record);
  }

  private applyDel(c: CollName, id: string): void {
    const field = INDEXED[c];
    const prev = this.maps[c].get(id) as Record<string, unknown> | undefined;
    if (field && prev && prev[field] != null) this.indexes.get(c)!.delete(String(prev[field]));
    this.maps[c].delete(id);
  }
}

export function defaultData(now: Date): StoreData {
  const at = now.toISOString();
  return {
    schemaVersion: SCHEMA_VERSION,
    seq: 0,
    site: { name: 'Seatdesk', createdAt: at },
    license: { plan: 'trial', seats: 5, expiresAt: null },
    settings: { idleTimeoutMinutes: null, maxSessionsPerUser: 3, mailRetention: 5000 },
    users: [],
    projects: [sampleProject(at)],
    sessions: [],
    apiTokens: [],
    actionTokens: [],
    mails: [],
    audit: [],
  };
}
