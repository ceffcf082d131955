// Copies a whole embedded store (its records and the raw source of its captured mail) into an
// empty PostgreSQL database, in one transaction, and counts both sides.
import pg from 'pg';
import type { StoreData } from '../../../src/domain/schemas.js';
import { migrateSchema } from './pg-schema.js';

export type TableCounts = Record<
  | 'users'
  | 'projects'
  | 'sessions'
  | 'apiTokens'
  | 'actionTokens'
  | 'mails'
  | 'mailSources'
  | 'audit'
  | 'outbox'
  | 'seatHistory',
  number
>;

const TABLES = [
  ['users', 'users'],
  ['projects', 'projects'],
  ['sessions', 'sessions'],
  ['apiTokens', 'api_tokens'],
  ['actionTokens', 'action_tokens'],
  ['mails', 'mails'],
  ['audit', 'audit'],
  ['outbox', 'outbox'],
  ['seatHistory', 'seat_history'],
] as const;
const CHUNK = 2000;

export class ImportRefused extends Error {}

/** What the embedded store holds, counted the same way as `countDatabase`. */
export function countData(data: StoreData, mailSources: number): TableCounts {
  const out = { mailSources } as TableCounts;
  for (const [key] of TABLES) out[key] = (data[key] as unknown[] | undefined)?.length ?? 0;
  return out;
}

export async function countDatabase(client: pg.ClientBase): Promise<TableCounts> {
  const out = {} as TableCounts;
  for (const [key, table] of TABLES)
    out[key] = (await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  out.mailSources = (await client.query('SELECT count(*)::int AS n FROM mails WHERE raw IS NOT NULL')).rows[0].n;
  return out;
}

/**
 * Writes `data` into the database at `url` (schema created if need be). Refuses a database that
 * already has users. `rawOf` gives a message's raw source (null when its file is gone).
 */
export async function importStore(
  url: string,
  data: StoreData,
  rawOf: (file: string) => Promise<Buffer | null>,
): Promise<TableCounts> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await migrateSchema(pool);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query('SELECT count(*)::int AS n FROM users');
      if (rows[0].n > 0)
        throw new ImportRefused(`the database already holds ${rows[0].n} users; migrate into a new, empty database`);
      await client.query('DELETE FROM meta');
      await client.query('DELETE FROM projects');
      // The license first: its seats are the slots the users then take.
      await client.query(
        `INSERT INTO meta (key, value) VALUES ('site', $1::jsonb), ('license', $2::jsonb), ('settings', $3::jsonb)`,
        [JSON.stringify(data.site), JSON.stringify(data.license), JSON.stringify(data.settings)],
      );
      // Bulk load: the per-row triggers (seat slots, session counts) are off, and what they keep is
      // made once afterwards.
      await client.query('ALTER TABLE users DISABLE TRIGGER users_seat');
      await client.query('ALTER TABLE sessions DISABLE TRIGGER session_count_ins');
      for (const [key, table] of TABLES) {
        const records = (data[key] as { id: string }[] | undefined) ?? [];
        for (let i = 0; i < records.length; i += CHUNK) {
          const chunk = records.slice(i, i + CHUNK);
          // In order, so mail and audit keep their newest-first order (their seq follows insertion).
          await client.query(
            `INSERT INTO ${table} (id, doc) SELECT id, doc FROM unnest($1::text[], $2::jsonb[]) WITH ORDINALITY AS x(id, doc, n) ORDER BY n`,
            [chunk.map((r) => r.id), chunk.map((r) => JSON.stringify(r))],
          );
        }
      }
      await client.query('ALTER TABLE users ENABLE TRIGGER users_seat');
      await client.query('ALTER TABLE sessions ENABLE TRIGGER session_count_ins');
      const held = (
        await client.query(`SELECT count(*)::int AS n FROM users WHERE doc->>'status' IN ('pending', 'active')`)
      ).rows[0].n;
      if (held > data.license.seats)
        throw new ImportRefused(`the store's users hold ${held} seats but its license has ${data.license.seats}`);
      await client.query('DELETE FROM seat_slots');
      await client.query(
        `INSERT INTO seat_slots (slot, user_id) SELECT g, h.id FROM generate_series(1, $1::int) AS g
         LEFT JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM users WHERE doc->>'status' IN ('pending', 'active')) AS h ON h.n = g`,
        [data.license.seats],
      );
      await client.query('DELETE FROM session_counts');
      await client.query(
        `INSERT INTO session_counts SELECT doc->>'client', doc->>'endedAt' IS NULL, 0, count(*) FROM sessions GROUP BY 1, 2`,
      );
      for (const m of data.mails) {
        const raw = await rawOf(m.file);
        if (raw) await client.query('UPDATE mails SET raw = $2 WHERE id = $1', [m.id, raw]);
      }
      const counts = await countDatabase(client);
      await client.query('COMMIT');
      return counts;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
  }
}
