// The PostgreSQL engine: several servers share one database; every rule is held by the database's
// row locks, events reach the other servers through the events table and NOTIFY.
import type { OutboxMessage } from '../../../src/domain/schemas.js';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { AppError } from '../../../src/domain/errors.js';
import { assertSeatFree, assertSeatsCover } from '../../../src/domain/seats.js';
import { sampleProject } from '../../../src/domain/sample-project.js';
import type { BusEvent } from '../../events.js';
import type { Repository, RepositoryOptions, Tx } from '../repository.js';
import { EVENTS_CHANNEL, EventFeed } from './pg-events.js';
import { PgReads, type Query } from './pg-reads.js';
import { migrateSchema } from './pg-schema.js';
import { pruneAudit, pruneEnded, PgTx, type Keep } from './pg-tx.js';

export interface PgRepositoryOptions extends RepositoryOptions {
  url: string;
  /** Where committed events go on this server (the event bus). */
  publish?: (event: BusEvent) => void;
  /** Connections in the pool. */
  poolSize?: number;
  /** How often old events, history beyond its limit and old audit entries are removed. */
  maintenanceMs?: number;
}

/** Deadlock, serialization failure, a unique key raced by another server: the transaction is run again. */
const RETRY = new Set(['40P01', '40001', '23505']);
const ATTEMPTS = 5;
const EVENTS_KEEP_MS = 15 * 60_000;

export class PgRepository extends PgReads implements Repository {
  /** This process's name in the events table: its own events are published locally, not read back. */
  readonly origin = randomUUID();
  private readonly feed: EventFeed;
  private readonly maintenance: NodeJS.Timeout;
  private closed = false;
  private readonly keep: Keep;
  /** Captured mail's raw source is kept in its row, so every server serves the same mail. */
  readonly keepsMailSource = true;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly opts: PgRepositoryOptions,
  ) {
    const q: Query = async (text, params) => (await pool.query(text, params)).rows;
    super(q, false, true);
    this.feed = new EventFeed(opts.url, this.origin, pool);
    this.keep = {
      sessionHistory: opts.sessionHistory,
      auditKeep: opts.auditKeep ?? 50_000,
      endedSince: 0,
      auditSince: 0,
    };
    this.maintenance = setInterval(() => void this.maintain().catch(() => {}), opts.maintenanceMs ?? 30_000);
    this.maintenance.unref();
  }

  static async open(opts: PgRepositoryOptions): Promise<PgRepository> {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    pool.on('error', () => {}); // an idle connection dropped; the next checkout makes a new one
    try {
      await migrateSchema(pool);
      await seed(pool, (opts.now?.() ?? new Date()).toISOString());
    } catch (e) {
      await pool.end().catch(() => {});
      throw e;
    }
    const repo = new PgRepository(pool, opts);
    await repo.feed.start();
    return repo;
  }

  /** Claims by writing the lease into nextAttemptAt; SKIP LOCKED keeps two servers' claims apart. */
  claimOutbox(
    nowIso: string,
    leaseUntilIso: string,
    limit: number,
    except: readonly string[] = [],
  ): Promise<OutboxMessage[]> {
    return this.transaction(async (tx) => {
      const due = await tx.dueOutbox(nowIso, limit, except);
      for (const m of due) tx.putOutbox({ ...m, nextAttemptAt: leaseUntilIso });
      return due;
    });
  }

  async transaction<R>(fn: (tx: Tx) => Promise<R> | R): Promise<R> {
    if (this.closed) throw new AppError('storage_unavailable', 'The store is closed; the server is shutting down.');
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (e) {
        throw unavailable(e);
      }
      const run: Query = async (text, params) => (await client.query(text, params)).rows;
      const tx = new PgTx(run, this.keep);
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(tx);
        // The rest of the writes, the events and COMMIT in one round trip.
        const tail = await tx.takeBatch();
        if (tx.events.length) tail.push(eventsSql(this.origin, tx.events));
        tail.push('COMMIT');
        await client.query(tail.join(';\n'));
        client.release();
        for (const e of tx.events) this.publish(e);
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch((err: Error) => (broken = err));
        client.release(broken);
        const code = (e as { code?: string }).code;
        if (code && RETRY.has(code) && attempt < ATTEMPTS) continue;
        throw isConnectionError(e) ? unavailable(e) : (ruleError(e) ?? e);
      }
    }
  }

  private publish(e: BusEvent): void {
    try {
      this.opts.publish?.(e);
    } catch {
      // a listener's failure is not the transaction's
    }
  }

  onRemoteEvent(listener: (event: BusEvent) => void): () => void {
    return this.feed.subscribe(listener);
  }

  /** Housekeeping every server may run at once: each statement is idempotent. */
  async maintain(): Promise<void> {
    await this.pool.query(`DELETE FROM events WHERE at < now() - $1::interval`, [`${EVENTS_KEEP_MS} milliseconds`]);
    await this.pool.query(pruneEnded(this.keep.sessionHistory));
    await this.pool.query(pruneAudit(this.keep.auditKeep));
  }

  /** Runs raw SQL (the migration tool and tests). */
  query: Query = async (text, params) => (await this.pool.query(text, params)).rows;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.maintenance);
    await this.feed.close();
    await this.pool.end();
  }
}

/** A new database gets the same starting state as a new embedded store: a 5-seat trial, the Sample Project. */
async function seed(pool: pg.Pool, at: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rowCount } = await client.query(
      `INSERT INTO meta (key, value) VALUES ('site', $1::jsonb) ON CONFLICT DO NOTHING`,
      [JSON.stringify({ name: 'Seatdesk', createdAt: at })],
    );
    if (rowCount) {
      await client.query(`INSERT INTO meta (key, value) VALUES ('license', $1::jsonb), ('settings', $2::jsonb)`, [
        JSON.stringify({ plan: 'trial', seats: 5, expiresAt: null }),
        JSON.stringify({ idleTimeoutMinutes: null, maxSessionsPerUser: 3, mailRetention: 5000 }),
      ]);
      const p = sampleProject(at);
      await client.query('INSERT INTO projects (id, doc) VALUES ($1, $2::jsonb)', [p.id, JSON.stringify(p)]);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

/** The events table row of each event, and a NOTIFY naming them (delivered at commit, in commit order). */
function eventsSql(origin: string, events: BusEvent[]): string {
  const values = events
    .map(
      (e) =>
        `(${pg.escapeLiteral(origin)}, ${pg.escapeLiteral(e.type)}, ${pg.escapeLiteral(JSON.stringify(e.data ?? null))}::jsonb)`,
    )
    .join(', ');
  return `WITH e AS (INSERT INTO events (origin, type, data) VALUES ${values} RETURNING id)
    SELECT pg_notify('${EVENTS_CHANNEL}', json_build_object('o', ${pg.escapeLiteral(origin)}::text, 'ids', (SELECT json_agg(id ORDER BY id) FROM e))::text)`;
}

/** The schema's own rule checks (seats), as the domain's errors. */
function ruleError(e: unknown): AppError | null {
  const { code, detail, message } = e as { code?: string; detail?: string; message?: string };
  const n = Number(detail);
  try {
    if (code === 'SD001')
      assertSeatFree(
        { plan: 'standard', seats: n, expiresAt: null },
        n,
        `give ${message?.replace('no free seat for ', '') ?? 'the user'} a seat`,
      );
    if (code === 'SD002') assertSeatsCover(0, n);
  } catch (err) {
    return err as AppError;
  }
  return null;
}

function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  return (
    /^(08|57P|53)/.test(code) ||
    /^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT)$/.test(code) ||
    /Connection terminated|not queryable/i.test((e as Error).message ?? '')
  );
}

function unavailable(e: unknown): AppError {
  return new AppError(
    'storage_unavailable',
    `The database could not be reached (${(e as Error).message}); nothing was changed. Try again shortly.`,
  );
}
