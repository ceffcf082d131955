// Bench helpers: servers in their own processes, statistics, and the seeded base data dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiClient } from '../src/client/api-client.js';
import { SCHEMA_VERSION } from '../src/domain/schemas.js';
import { BENCH_ADMIN, seed, type SeedSize } from './seed.js';

export const ROOT = resolve(import.meta.dirname, '..');

import { freePort } from '../test/helpers/net.js';

export { freePort };

export const median = (xs: number[]) => percentile(xs, 50);
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export async function waitHealthy(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`server at ${url} did not answer within ${timeoutMs} ms`);
}

export interface BenchServer {
  url: string;
  smtpPort: number;
  child: ChildProcess;
  startMs: number;
  admin: ApiClient;
  stop(): Promise<void>;
}

/** Runs `seatdesk server` in its own process on a copy of `baseDir` (with real GC: --expose-gc). */
export async function startBenchServer(
  baseDir: string | null,
  opts: { login?: boolean; env?: Record<string, string> } = {},
): Promise<BenchServer> {
  const dir = await mkdtemp(join(tmpdir(), 'seatdesk-bench-run-'));
  if (baseDir) await cp(baseDir, dir, { recursive: true });
  const port = await freePort();
  const smtpPort = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(ROOT, 'src/cli.ts'), 'server'], {
    cwd: ROOT,
    env: {
      ...process.env,
      SEATDESK_DATA_DIR: dir,
      SEATDESK_PORT: String(port),
      SEATDESK_SMTP_PORT: String(smtpPort),
      SEATDESK_ADMIN_EMAIL: BENCH_ADMIN.email,
      SEATDESK_ADMIN_PASSWORD: BENCH_ADMIN.password,
      ...opts.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child, 300_000);
  const startMs = performance.now() - t0;
  const admin = new ApiClient(url);
  if (opts.login !== false)
    admin.token = (await admin.login({ ...BENCH_ADMIN, client: 'tui', terminateOldest: true })).token;
  return {
    url,
    smtpPort,
    child,
    startMs,
    admin,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface Diag {
  rss: number;
  /** Peak RSS since the server started. */
  maxRss: number;
  trackedPeak: number | null;
  loop: { p50: number; p99: number; max: number; mean: number };
}
export const diag = (s: BenchServer, reset = false): Promise<Diag> =>
  s.admin.request<Diag>('GET', `/api/diag${reset ? '?reset=1' : ''}`);
/** RSS after a full garbage collection in the server. */
export const rssAfterGc = async (s: BenchServer): Promise<number> =>
  (await s.admin.request<Diag>('GET', '/api/diag?gc=1')).rss;

export const TMP = join(ROOT, 'bench', 'tmp');

/**
 * A seeded site of this size, made once and kept in bench/tmp (named by the size, the seed
 * script and the store schema, so a change to either makes a new one). Servers run on copies.
 */
export async function seededSite(n: SeedSize): Promise<string> {
  const hash = createHash('sha256')
    .update(readFileSync(join(ROOT, 'bench', 'seed.ts')))
    .update(String(SCHEMA_VERSION))
    .digest('hex')
    .slice(0, 10);
  const dir = join(TMP, `seed-u${n.users}-s${n.sessions}-e${n.ended ?? 0}-m${n.mails}-${hash}`);
  if (existsSync(dir)) return dir;
  await mkdir(TMP, { recursive: true });
  const work = await mkdtemp(join(TMP, 'seeding-'));
  const t = performance.now();
  console.log(
    `  (seeding ${n.users} users, ${n.sessions} sessions, ${n.ended ?? 0} ended, ${n.mails} mails into bench/tmp, once)`,
  );
  await seed(work, n, () => {});
  await rename(work, dir);
  console.log(`  (seeded in ${((performance.now() - t) / 1000).toFixed(0)} s)`);
  return dir;
}

/** The large site the api, api-write and sink benches use. */
export const bigSite = (): Promise<string> => seededSite({ users: 10_000, sessions: 50_000, mails: 5_000 });
export async function cleanupBase(): Promise<void> {}
