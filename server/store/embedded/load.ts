// Loading the embedded store: the snapshot (migrated and checked against the schema), then the
// journals replayed over it.
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Low } from 'lowdb';
import { SCHEMA_VERSION, StoreData } from '../../../src/domain/schemas.js';
import { StoreCorruptError } from './durable-file.js';
import { JOURNAL_FILE, OLD_JOURNAL_FILE, replayJournal } from './journal.js';
import { migrate, NewerStoreError } from './migrations.js';
import { defaultData, type Tables } from './tables.js';

export const SNAPSHOT_FILE = 'seatdesk.json';

export interface Loaded {
  seq: number;
  /** The snapshot should be rewritten at once (new, upgraded, or journals to fold in). */
  rewrite: boolean;
  /** The set-aside journal of an interrupted compaction is still there. */
  oldJournal: boolean;
}

export async function loadStore(tables: Tables, dir: string, low: Low<StoreData | null>, now: Date): Promise<Loaded> {
  const file = join(dir, SNAPSHOT_FILE);
  await low.read();
  const raw = low.data;
  let rewrite: boolean;
  let seq: number;
  if (raw === null) {
    rewrite = true;
    const data = defaultData(now);
    tables.fromData(data);
    seq = data.seq;
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
      throw new StoreCorruptError(
        file,
        `it does not match the store schema (${issue.path.join('.')}: ${issue.message})`,
      );
    }
    rewrite = (raw as { schemaVersion?: unknown }).schemaVersion !== SCHEMA_VERSION;
    tables.fromData(parsed.data);
    seq = parsed.data.seq;
  }
  const afterOld = await replayJournal(tables, dir, OLD_JOURNAL_FILE, seq);
  const oldJournal = afterOld !== null;
  if (afterOld !== null) seq = afterOld;
  const afterCurrent = await replayJournal(tables, dir, JOURNAL_FILE, seq);
  if (afterCurrent !== null && afterCurrent !== seq) rewrite = true;
  if (afterCurrent !== null) seq = afterCurrent;
  // Only now that every file checked out is anything in the dir changed.
  await removeTempFiles(dir);
  return { seq, rewrite: rewrite || oldJournal, oldJournal };
}

async function removeTempFiles(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name.startsWith(`.${SNAPSHOT_FILE}.tmp-`)) await unlink(join(dir, name)).catch(() => {});
  }
}
