// Test databases on the cluster the global setup started: one per test server (or shared by the
// servers of a multi-server test), copied from the migrated template, dropped with the test's dir.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { dropDatabase } from '../../server/store/pg/local-postgres.js';

/** The server suite runs on PostgreSQL when SEATDESK_TEST_ENGINE=postgres (`.ci/run` does both). */
export const TEST_ENGINE: 'embedded' | 'postgres' =
  process.env.SEATDESK_TEST_ENGINE === 'postgres' ? 'postgres' : 'embedded';

const URL_FILE = 'test-database-url';

export function pgAvailable(): string {
  const url = inject('pgUrl');
  if (!url) throw new Error(`the test PostgreSQL did not start: ${inject('pgError')}`);
  return url;
}

/** A new, empty Seatdesk database (schema applied, not yet seeded). */
export async function newTestDatabase(): Promise<string> {
  const base = new URL(pgAvailable());
  const name = `t_${randomBytes(6).toString('hex')}`;
  base.pathname = '/postgres';
  const client = new pg.Client({ connectionString: base.toString() });
  await client.connect();
  try {
    await client.query(
      `CREATE DATABASE ${name} TEMPLATE ${client.escapeIdentifier(inject('pgTemplate'))} STRATEGY FILE_COPY`,
    );
  } finally {
    await client.end();
  }
  base.pathname = `/${name}`;
  return base.toString();
}

/** The database of a test data dir: the one made for it before, or a new one remembered there. */
export async function databaseFor(dir: string): Promise<string> {
  const file = join(dir, URL_FILE);
  const known = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (known) return known;
  const url = await newTestDatabase();
  await writeFile(file, url);
  return url;
}

export async function dropDatabaseOf(dir: string): Promise<void> {
  const url = (await readFile(join(dir, URL_FILE), 'utf8').catch(() => '')).trim();
  if (url) await dropDatabase(url).catch(() => {});
}
