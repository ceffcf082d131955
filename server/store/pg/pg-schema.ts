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
  CREATE INDEX outbox_user ON outbox ((doc->>'userId'), seq);
  CREATE INDEX outbox_due ON outbox (((doc->>'nextAttemptAt') COLLATE "C"), seq) WHERE doc->>'status' = 'queued';
  -- Events committed by any server, in commit order (ids are taken under a lock at commit), so a
  -- server that reconnects reads on from the last id it saw: no gaps.
  CREATE TABLE events (id bigserial PRIMARY KEY, origin text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp(), type text NOT NULL, data jsonb);
  CREATE INDEX events_at ON events (at);

  -- Seats as rows: a user who comes to hold a seat (pending or active) takes a free slot, skipping
  -- slots other transactions are taking, so invitations at several servers run side by side and
  -- the last seat still goes to exactly one of them; none free raises SD001.
  CREATE TABLE seat_slots (slot int PRIMARY KEY, user_id text COLLATE "C" UNIQUE);
  CREATE INDEX seat_slots_free ON seat_slots (slot) WHERE user_id IS NULL;
  CREATE FUNCTION users_seat() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    was boolean := TG_OP <> 'INSERT' AND OLD.doc->>'status' IN ('pending', 'active');
    holds boolean := TG_OP <> 'DELETE' AND NEW.doc->>'status' IN ('pending', 'active');
    seats int;
  BEGIN
    IF was AND NOT holds THEN
      UPDATE seat_slots SET user_id = NULL WHERE user_id = OLD.id;
    ELSIF holds AND NOT was THEN
      UPDATE seat_slots SET user_id = NEW.id
        WHERE slot = (SELECT slot FROM seat_slots WHERE user_id IS NULL ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED);
      IF NOT FOUND THEN
        SELECT count(*) INTO seats FROM seat_slots;
        RAISE EXCEPTION 'no free seat for %', NEW.doc->>'email' USING ERRCODE = 'SD001', DETAIL = seats::text;
      END IF;
    END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER users_seat AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION users_seat();

  -- The license's seat count is the number of slots; lowering it below the seats held raises SD002.
  CREATE FUNCTION license_slots() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    want int := (NEW.value->>'seats')::int;
    held int;
  BEGIN
    IF NEW.key <> 'license' OR (TG_OP = 'UPDATE' AND (OLD.value->>'seats') = (NEW.value->>'seats')) THEN RETURN NULL; END IF;
    LOCK TABLE seat_slots IN EXCLUSIVE MODE; -- waits for transactions taking or freeing a seat
    SELECT count(*) INTO held FROM users WHERE doc->>'status' IN ('pending', 'active');
    IF held > want THEN
      RAISE EXCEPTION 'seats below held' USING ERRCODE = 'SD002', DETAIL = held::text;
    END IF;
    DELETE FROM seat_slots;
    INSERT INTO seat_slots (slot, user_id)
      SELECT g, h.id FROM generate_series(1, want) AS g
      LEFT JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM users WHERE doc->>'status' IN ('pending', 'active')) AS h ON h.n = g;
    RETURN NULL;
  END $$;
  CREATE TRIGGER license_slots AFTER INSERT OR UPDATE ON meta FOR EACH ROW EXECUTE FUNCTION license_slots();

  -- Live and ended sessions counted per client, so the grid's totals do not count 500k rows per
  -- page. Spread over 16 rows per key, so logins at the same moment rarely wait for each other.
  CREATE TABLE session_counts (client text NOT NULL, live boolean NOT NULL, shard int NOT NULL, n bigint NOT NULL, PRIMARY KEY (client, live, shard));
  CREATE FUNCTION session_count() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE k int := floor(random() * 16)::int;
  BEGIN
    IF TG_OP <> 'INSERT' THEN
      INSERT INTO session_counts VALUES (OLD.doc->>'client', OLD.doc->>'endedAt' IS NULL, k, -1)
        ON CONFLICT (client, live, shard) DO UPDATE SET n = session_counts.n - 1;
    END IF;
    IF TG_OP <> 'DELETE' THEN
      INSERT INTO session_counts VALUES (NEW.doc->>'client', NEW.doc->>'endedAt' IS NULL, k, 1)
        ON CONFLICT (client, live, shard) DO UPDATE SET n = session_counts.n + 1;
    END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER session_count_ins AFTER INSERT OR DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION session_count();
  CREATE TRIGGER session_count_upd AFTER UPDATE ON sessions FOR EACH ROW
    WHEN (OLD.doc->>'client' IS DISTINCT FROM NEW.doc->>'client' OR (OLD.doc->>'endedAt' IS NULL) <> (NEW.doc->>'endedAt' IS NULL))
    EXECUTE FUNCTION session_count();
  `,
  // 2: seat history, and what dormancy asks of sessions (every session of a user, live or ended)
  `
  CREATE TABLE seat_history (id text COLLATE "C" PRIMARY KEY, seq bigserial, doc jsonb NOT NULL);
  CREATE INDEX seat_history_seq ON seat_history (seq);
  CREATE INDEX sessions_user_activity ON sessions ((doc->>'userId'), (lower(doc->>'lastActivityAt') COLLATE "C"));
  `,
  // 3: mail newest first by arrival and the audit log by time, as the embedded engine orders them
  `
  CREATE INDEX mails_received ON mails ((lower(doc->>'receivedAt') COLLATE "C"), id);
  CREATE INDEX audit_at ON audit ((lower(doc->>'at') COLLATE "C"), id);
  `,
];

/** The advisory lock key that serialises migrations ("seatdesk" as a number). */
const MIGRATION_LOCK = 0x5ea7de5c;

/** Brings the database to the newest schema; safe to call from several servers at once. */
export async function migrateSchema(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    const current = rows[0].v ?? 0;
    if (current > MIGRATIONS.length)
      throw new Error(
        `the database was migrated by a newer Seatdesk (schema ${current}; this one knows up to ${MIGRATIONS.length}). Upgrade Seatdesk.`,
      );
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
