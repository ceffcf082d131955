// The PostgreSQL engine's budgets, each beside the embedded engine where it has a peer: /api/me,
// 200 concurrent invitations across two servers on one database, and grid pages at 500k sessions.
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { encodeCursor } from '../src/domain/keyset.js';
import { createDatabase, start as startPostgres } from '../server/store/pg/local-postgres.js';
import { bigSite, median, percentile, ROOT, startBenchServer, type BenchServer } from './lib.js';

export interface PgRow {
  bench: string;
  figure: string;
  value: number;
  unit: string;
  budget: string;
  peer?: number;
  ratio?: number;
  pass: boolean;
}

const run = promisify(execFile);

/** A durable local cluster for the bench (fsync on, as a real one), and a new database on it. */
async function newDatabase(): Promise<string> {
  const port = Number(process.env.SEATDESK_BENCH_PG_PORT || 54331);
  const base = await startPostgres({ dir: join(tmpdir(), `seatdesk-bench-pg-${port}`), port });
  return createDatabase(base, `bench_${Date.now()}_${Math.floor(Math.random() * 1e6)}`);
}

/** The seeded large site copied into a new database with `seatdesk migrate`, as a site would move. */
async function bigSiteInPostgres(): Promise<string> {
  const url = await newDatabase();
  await run(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'migrate', '--from-data-dir', await bigSite(), '--database-url', url],
    { cwd: ROOT },
  );
  return url;
}

async function rps(url: string, token: string, seconds: number) {
  const r = await autocannon({
    url: `${url}/api/me`,
    connections: 50,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
  });
  if (r.errors + r.non2xx) throw new Error(`${r.errors + r.non2xx} failed requests against ${url}/api/me`);
  return r.requests.average;
}

async function burst(servers: BenchServer[], n: number, tag: string): Promise<number[]> {
  const lat: number[] = [];
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const s = servers[i % servers.length];
      const t = performance.now();
      const res = await fetch(`${s.url}/api/users/invite`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.admin.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: `bench-${tag}-${i}@example.com` }),
      });
      await res.arrayBuffer();
      lat.push(performance.now() - t);
      if (res.status !== 201) throw new Error(`invite ${i} on ${s.url}: ${res.status}`);
    }),
  );
  return lat;
}

export const PG_BENCHES: Record<string, (add: (r: PgRow) => void) => Promise<void>> = {
  async 'pg-api'(add) {
    const embedded = await startBenchServer(await bigSite());
    const postgres = await startBenchServer(null, { env: { SEATDESK_DATABASE_URL: await bigSiteInPostgres() } });
    try {
      await rps(embedded.url, embedded.admin.token!, 2); // warm up both
      await rps(postgres.url, postgres.admin.token!, 2);
      const ours: number[] = [];
      const peer: number[] = [];
      for (let round = 0; round < 3; round++) {
        ours.push(await rps(postgres.url, postgres.admin.token!, 4));
        peer.push(await rps(embedded.url, embedded.admin.token!, 4));
      }
      const r = median(ours) / median(peer);
      add({
        bench: 'pg-api',
        figure: 'GET /api/me req/s, PostgreSQL engine (embedded beside it)',
        value: median(ours),
        unit: 'req/s',
        budget: 'ratio ≥ 0.50',
        peer: median(peer),
        ratio: r,
        pass: r >= 0.5,
      });
    } finally {
      await postgres.stop();
      await embedded.stop();
    }
  },

  async 'pg-write'(add) {
    const embedded = await startBenchServer(null);
    const url = await newDatabase();
    const a = await startBenchServer(null, { env: { SEATDESK_DATABASE_URL: url } });
    const b = await startBenchServer(null, { env: { SEATDESK_DATABASE_URL: url } });
    try {
      await embedded.admin.updateLicense({ seats: 100_000 });
      await a.admin.updateLicense({ seats: 100_000 });
      await burst([embedded], 20, 'warm-e');
      await burst([a, b], 20, 'warm-p');
      const ours: number[] = [];
      const peer: number[] = [];
      for (let round = 0; round < 3; round++) {
        ours.push(median(await burst([a, b], 200, `p${round}`)));
        peer.push(median(await burst([embedded], 200, `e${round}`)));
      }
      const r = median(ours) / median(peer);
      add({
        bench: 'pg-write',
        figure: '200 concurrent invites across two PostgreSQL servers, p50 (single embedded server beside it)',
        value: median(ours),
        unit: 'ms',
        budget: 'ratio ≤ 2',
        peer: median(peer),
        ratio: r,
        pass: r <= 2,
      });
    } finally {
      await Promise.all([a.stop(), b.stop(), embedded.stop()]);
    }
  },

  async 'pg-grid'(add) {
    const url = await newDatabase();
    const s = await startBenchServer(null, { env: { SEATDESK_DATABASE_URL: url } });
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      // 500k live sessions of 10k users, written straight into the table (the server is the reader here).
      const t0 = performance.now();
      // Bulk load: the per-row counter trigger is off, and the counts are made once afterwards.
      await db.query('BEGIN');
      await db.query('ALTER TABLE sessions DISABLE TRIGGER session_count_ins');
      await db.query(`INSERT INTO sessions (id, doc)
        SELECT md5('s' || g), jsonb_build_object('id', md5('s' || g), 'userId', 'u' || (g % 10000), 'email', 'user' || lpad((g % 10000)::text, 5, '0') || '@example.com',
          'client', (ARRAY['web','tui','explorer','api'])[1 + g % 4], 'clientId', NULL, 'apiTokenId', NULL, 'tokenHash', NULL,
          'address', '10.' || (g % 250) || '.' || (g % 199) || '.' || (g % 7), 'userAgent', 'agent/' || (g % 13),
          'startedAt', to_char(timestamp '2026-01-01' + g * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'lastActivityAt', to_char(timestamp '2026-02-01' + (g::bigint * 7919 % 500000) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'endedAt', NULL, 'endReason', NULL, 'endedBy', NULL)
        FROM generate_series(1, 500000) AS g`);
      await db.query('ALTER TABLE sessions ENABLE TRIGGER session_count_ins');
      await db.query(`DELETE FROM session_counts`);
      await db.query(
        `INSERT INTO session_counts SELECT doc->>'client', doc->>'endedAt' IS NULL, 0, count(*) FROM sessions GROUP BY 1, 2`,
      );
      await db.query('COMMIT');
      // Settle what a bulk load leaves behind (visibility map, statistics, dirty pages) before timing.
      await db.query('VACUUM (ANALYZE) sessions');
      await db.query('CHECKPOINT');
      console.log(`  (500k sessions written in ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      const first: number[] = [];
      const deep: number[] = [];
      const sorts = ['startedAt', 'lastActivityAt', 'email'] as const;
      for (const sort of sorts)
        for (const order of ['asc', 'desc'] as const) await s.admin.sessions({ sort, order, limit: 100 }); // warm up
      for (let i = 0; i < 60; i++) {
        const sort = sorts[i % sorts.length];
        const order = i % 2 ? 'desc' : 'asc';
        // Where the 1,000th page of 100 starts in this order: the cursor of the row just before it.
        const dir = order === 'desc' ? 'DESC' : 'ASC';
        const { rows } = await db.query(
          `SELECT id, lower(doc->>'${sort}') AS v FROM sessions WHERE doc->>'endedAt' IS NULL AND doc->>'client' <> 'explorer'
           ORDER BY (lower(doc->>'${sort}') COLLATE "C") ${dir}, id ${dir} OFFSET 99899 LIMIT 1`,
        );
        const cursor = encodeCursor(sort, { value: rows[0].v, id: rows[0].id });
        let t = performance.now();
        const p1 = await s.admin.sessions({ sort, order, limit: 100 });
        first.push(performance.now() - t);
        t = performance.now();
        const p1000 = await s.admin.sessions({ sort, order, limit: 100, cursor } as never);
        deep.push(performance.now() - t);
        if (i === 0 && (p1.total < 370_000 || p1000.items.length !== 100))
          throw new Error(`unexpected pages: total ${p1.total}, deep page ${p1000.items.length} rows`);
      }
      add({
        bench: 'pg-grid',
        figure: 'GET /api/sessions first page of 100 at 500k sessions (PostgreSQL), p95',
        value: percentile(first, 95),
        unit: 'ms',
        budget: '≤ 20 ms',
        pass: percentile(first, 95) <= 20,
      });
      add({
        bench: 'pg-grid',
        figure: 'GET /api/sessions page 1,000 (keyset cursor) at 500k sessions, p95',
        value: percentile(deep, 95),
        unit: 'ms',
        budget: '≤ 20 ms',
        pass: percentile(deep, 95) <= 20,
      });
    } finally {
      await db.end();
      await s.stop();
    }
  },
};
