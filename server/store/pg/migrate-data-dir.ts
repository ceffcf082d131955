// Reads an embedded store as its server would (snapshot and journals, checked against the
// schema) without changing its files, and copies it into PostgreSQL.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { StoreData } from '../../../src/domain/schemas.js';
import { DurableJSONFile } from '../embedded/durable-file.js';
import { loadStore, SNAPSHOT_FILE } from '../embedded/load.js';
import { Tables } from '../embedded/tables.js';
import { countData, importStore, type TableCounts } from './pg-import.js';

export async function readEmbedded(dir: string): Promise<StoreData> {
  await access(join(dir, SNAPSHOT_FILE)).catch(() => {
    throw new Error(`${dir} holds no Seatdesk store (no ${SNAPSHOT_FILE}).`);
  });
  const pid = Number((await readFile(join(dir, 'server.lock'), 'utf8').catch(() => '')).trim());
  if (pid && alive(pid))
    throw new Error(
      `a Seatdesk server (pid ${pid}) is using ${dir}; stop it first (seatdesk stop), so nothing changes during the copy.`,
    );
  const tables = new Tables();
  const low = new Low<StoreData | null>(new DurableJSONFile(join(dir, SNAPSHOT_FILE)), null);
  const { seq } = await loadStore(tables, dir, low, new Date());
  return tables.toData(seq);
}

export async function migrateDataDir(dir: string, url: string): Promise<{ source: TableCounts; target: TableCounts }> {
  const data = await readEmbedded(dir);
  let sources = 0;
  const rawOf = async (file: string) => {
    const raw = await readFile(join(dir, 'mail', file)).catch(() => null);
    if (raw) sources++;
    return raw;
  };
  const target = await importStore(url, data, rawOf);
  return { source: countData(data, sources), target };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return pid !== process.pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
