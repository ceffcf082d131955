// The journal: one JSON line per committed batch, appended and fdatasync'd before the batch is
// acknowledged; replayed over the snapshot on load.
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreCorruptError, type FileOps } from './durable-file.js';
import { parseJournalEntry } from './journal-entry.js';
import type { CollName, SingletonName, Tables } from './tables.js';

export type Op =
  | { c: CollName; put: { id: string } }
  | { c: CollName; patch: { id: string } & Record<string, unknown> }
  | { c: CollName; del: string }
  | { s: SingletonName; set: unknown };

export interface JournalEntry {
  seq: number;
  ops: Op[];
}

export const JOURNAL_FILE = 'journal.ndjson';
/** The journal set aside while a background snapshot is written; deleted once it is on disk. */
export const OLD_JOURNAL_FILE = 'journal.1.ndjson';

/** An open journal file and its size (the last good byte: a failed append is cut back to it). */
export class Journal {
  private fh: FileHandle | null = null;
  bytes = 0;

  constructor(
    private readonly dir: string,
    private readonly fileOps: FileOps,
  ) {}

  get isOpen(): boolean {
    return this.fh !== null;
  }

  async open(): Promise<void> {
    this.fh = null;
    const fh = await open(join(this.dir, JOURNAL_FILE), 'a', 0o600);
    this.bytes = (await fh.stat()).size;
    this.fh = fh;
  }

  /**
   * Appends entry `seq` whose ops are given as JSON (each a comma-separated run of them): the
   * line is what JSON.stringify({ seq, ops }) writes, without serializing a whole group commit's
   * records in one go.
   */
  async append(seq: number, ops: readonly string[]): Promise<void> {
    if (!this.fh) await this.open();
    const line = `{"seq":${seq},"ops":[${ops.join(',')}]}\n`;
    // On failure appendDurable leaves the journal as it was (no partial line): nothing to undo here.
    await this.fileOps.appendDurable(this.fh!, line);
    this.bytes += Buffer.byteLength(line);
  }

  async empty(): Promise<void> {
    await this.fh!.truncate(0);
    await this.fh!.datasync();
    this.bytes = 0;
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    await fh?.close();
  }
}

/** Applies one journal op to the tables. */
export function applyOp(tables: Tables, op: Op): void {
  if ('s' in op) tables.single = { ...tables.single, [op.s]: op.set };
  else if ('put' in op) tables.put(op.c, Object.freeze(op.put) as never);
  else if ('patch' in op) {
    const prev = tables.get(op.c, op.patch.id);
    if (prev) tables.put(op.c, Object.freeze({ ...prev, ...op.patch }) as never);
  } else tables.del(op.c, op.del);
}

/**
 * Applies a journal's entries newer than `seq`; returns the new seq, or null when there is no
 * such file. A torn last line was never acknowledged (acknowledgement waits for fsync): dropped.
 */
export async function replayJournal(tables: Tables, dir: string, name: string, seq: number): Promise<number | null> {
  const file = join(dir, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StoreCorruptError(file, (e as Error).message);
  }
  const lines = text.split('\n');
  const complete = lines.length - 1; // the last piece is '' or a torn write
  // Every line is checked before any is applied, so a bad journal changes nothing.
  const entries: JournalEntry[] = [];
  let previous: number | null = null;
  for (let i = 0; i < complete; i++) {
    let entry: JournalEntry;
    try {
      entry = parseJournalEntry(JSON.parse(lines[i])) as JournalEntry;
    } catch (e) {
      throw new StoreCorruptError(
        file,
        `line ${i + 1}: ${e instanceof SyntaxError ? 'not valid JSON' : (e as Error).message}`,
      );
    }
    // Entries are numbered one by one: a gap or a step back means lines were lost or made up.
    if (previous !== null && entry.seq !== previous + 1)
      throw new StoreCorruptError(
        file,
        `line ${i + 1}: entry seq ${entry.seq} does not follow seq ${previous} on the line before`,
      );
    previous = entry.seq;
    if (entry.seq <= seq) continue;
    if (entry.seq !== seq + 1 + entries.length)
      throw new StoreCorruptError(
        file,
        `line ${i + 1}: entry seq ${entry.seq} leaves a gap after seq ${seq + entries.length} (the state so far); entries are missing`,
      );
    entries.push(entry);
  }
  for (const entry of entries) {
    for (const op of entry.ops) applyOp(tables, op);
    seq = entry.seq;
  }
  return seq;
}
