// Global setup: a local PostgreSQL for the tests that need one (the PostgreSQL engine's tests, the
// multi-server test, and the whole server suite when SEATDESK_TEST_ENGINE=postgres), with a
// migrated template database each test's database is copied from.
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDatabase, dropDatabase, start } from '../../server/store/pg/local-postgres.js';
import { MIGRATIONS, migrateSchema } from '../../server/store/pg/pg-schema.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test cluster's `seatdesk` database, or '' when it could not start. */
    pgUrl: string;
    pgError: string;
    /** A database with the current schema; tests copy it. */
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const port = Number(process.env.SEATDESK_TEST_PG_PORT || 54330);
  const dir = process.env.SEATDESK_TEST_PG_DIR || join(tmpdir(), `seatdesk-test-pg-${port}`);
  let url = '';
  let error = '';
  let template = '';
  try {
    // Left running afterwards: other checkouts on this machine may share it, and the next run starts at once.
    url = await start({ dir, port, durable: false });
    template = `seatdesk_tpl_${createHash('sha256').update(MIGRATIONS.join('\0')).digest('hex').slice(0, 16)}`;
    await ensureTemplate(url, template);
  } catch (e) {
    error = (e as Error).message;
    if (process.env.SEATDESK_TEST_ENGINE === 'postgres') throw e;
  }
  project.provide('pgUrl', url);
  project.provide('pgError', error);
  project.provide('pgTemplate', template);
}

/** Builds the template under a temporary name and renames it, so no test copies a half-built one. */
async function ensureTemplate(url: string, name: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    if ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount) return;
    const building = await createDatabase(url, `${name}_${randomBytes(4).toString('hex')}`);
    const pool = new pg.Pool({ connectionString: building, max: 1 });
    await migrateSchema(pool);
    await pool.end();
    try {
      await client.query(
        `ALTER DATABASE ${client.escapeIdentifier(new URL(building).pathname.slice(1))} RENAME TO ${client.escapeIdentifier(name)}`,
      );
    } catch (e) {
      if ((e as { code?: string }).code !== '42P04') throw e; // another run built it meanwhile
      await dropDatabase(building);
    }
  } finally {
    await client.end();
  }
}
