// The PostgreSQL schema as versioned migrations, applied at start under an advisory lock so two
// servers starting at once do not race.
import type pg from 'pg';

/**
 * Records are stored whole as jsonb (parsed with the same zod schemas as the embedded engine's
 * file) and indexed on the expressions the queries use. Sort keys follow the domain's keyset
 * order: lower-cased text compared bytewise (COLLATE "C"), ties by id.
 * Each entry is applied once, in order, in its own transaction; never edit one that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the tables
  `
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE TABLE meta (key text PRIMARY KEY, value jsonb NOT NULL);
  CREATE TABLE users (id text COLLATE "C" PRIMARY KEY, doc jsonb NOT NULL);
  CREATE UNIQUE INDEX users_email ON users ((doc->>'email'));
  CREATE INDEX users_email_sort ON users ((lower(doc->>'email') COLLATE "C"), id);
  CREATE INDEX users_search ON users USING gin ((lower(doc->>'email' || ' ' || (doc->>'firstName') || ' ' || (doc->>'lastName'))) gin_trgm_ops);
  CREATE TABLE projects (id text COLLATE "C" PRIMARY KEY, seq bigserial, doc jsonb NOT NULL);
  CREATE TABLE sessions (id text COLLATE "C" PRIMARY KEY, doc jsonb NOT NULL);
  CREATE UNIQUE INDEX sessions_token ON sessions ((doc->>'tokenHash')) WHERE doc->>'tokenHash' IS NOT NULL;
  CREATE INDEX sessions_user_live ON sessions ((doc->>'userId')) WHERE doc->>'endedAt' IS NULL;
  CREATE INDEX sessions_api_live ON sessions ((doc->>'apiTokenId')) WHERE doc->>'endedAt' IS NULL AND doc->>'apiTokenId' IS NOT NULL;
  CREATE INDEX sessions_live_started ON sessions ((lower(doc->>'startedAt') COLLATE "C"), id) WHERE doc->>'endedAt' IS NULL;
  CREATE INDEX sessions_live_activity ON sessions ((lower(doc->>'lastActivityAt') COLLATE "C"), id) WHERE doc->>'endedAt' IS NULL;
  CREATE INDEX sessions_live_email ON sessions ((lower(doc->>'email') COLLATE "C"), id) WHERE doc->>'endedAt' IS NULL;
  CREATE INDEX sessions_ended ON sessions ((lower(doc->>'endedAt') COLLATE "C"), id) WHERE doc->>'endedAt' IS NOT NULL;
  CREATE INDEX sessions_email_search ON sessions USING gin ((lower(doc->>'email')) gin_trgm_ops);
  CREATE TABLE api_tokens (id text COLLATE "C" PRIMARY KEY, doc jsonb NOT NULL);
  CREATE UNIQUE INDEX api_tokens_hash ON api_tokens ((doc->>'tokenHash'));
  CREATE INDEX api_tokens_user ON api_tokens ((doc->>'userId'));
  CREATE TABLE action_tokens (id text COLLATE "C" PRIMARY KEY, doc jsonb NOT NULL);
  CREATE UNIQUE INDEX action_tokens_hash ON action_tokens ((doc->>'tokenHash'));
  CREATE INDEX action_tokens_user ON action_tokens ((doc->>'userId'), (doc->>'kind'));
  CREATE TABLE mails (id text COLLATE "C" PRIMARY KEY, seq bigserial, doc jsonb NOT NULL, raw bytea);
  CREATE INDEX mails_seq ON mails (seq);
  CREATE TABLE audit (id text COLLATE "C" PRIMARY KEY, seq bigserial, doc jsonb NOT NULL);
  CREATE INDEX audit_seq ON audit (seq);
  CREATE TABLE outbox (id text COLLATE "C" PRIMARY KEY, seq bigserial, doc jsonb NOT NULL);
  CREATE INDEX outbox_due ON outbox (((doc->>'nextAttemptAt') COLLATE "C"), seq) WHERE doc->>'status' = 'queued';
  -- Events committed by any server, in commit order (ids are taken under a lock at commit), so a
  -- server that reconnects reads on from the last id it saw: no gaps.
  CREATE TABLE events (id bigserial PRIMARY KEY, origin text NOT NULL, at timestamptz NOT NULL DEFAULT now(), type text NOT NULL, data jsonb);
  `,
];

/** The advisory lock key that serialises migrations ("seatdesk" as a number). */
const MIGRATION_LOCK = 0x5ea7de5c;

/** Brings the database to the newest schema; safe to call from several servers at once. */
export async function migrateSchema(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    const current = rows[0].v ?? 0;
    if (current > MIGRATIONS.length)
      throw new Error(`the database was migrated by a newer Seatdesk (schema ${current}; this one knows up to ${MIGRATIONS.length}). Upgrade Seatdesk.`);
    for (let v = current + 1; v <= MIGRATIONS.length; v++) {
      await client.query('BEGIN');
      try {
        await client.query(MIGRATIONS[v - 1]);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}
