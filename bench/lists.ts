// List routes against their peer: a bare Hono server answering the same URLs with the same bytes
// after a bearer check. Throughput in alternating rounds (ours, peer, ours, …) and the latency of
// one request at a time on an idle server, interleaved with the peer's, 250 samples each.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort, median, percentile, ROOT, type BenchServer } from './lib.js';

export interface ListRoute {
  label: string;
  path: string;
}

export interface ListResult {
  route: ListRoute;
  bytes: number;
  rps: number;
  peerRps: number;
  p95: number;
  peerP95: number;
  p50: number;
  samples: number;
}

const ROUNDS = 3;
const SECONDS = 2;
const SAMPLES = 250;

async function cannon(url: string, token: string, seconds: number): Promise<number> {
  const r = await autocannon({
    url,
    connections: 10,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
  });
  if (r.errors + r.non2xx > 0) throw new Error(`${r.errors + r.non2xx} failed requests to ${url}`);
  return r.requests.average;
}

async function timed(url: string, token: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${res.status} from ${url}`);
  return performance.now() - t;
}

export async function compareLists(s: BenchServer, routes: ListRoute[], tmp: string): Promise<ListResult[]> {
  const token = s.admin.token!;
  const bodies: Record<string, string> = {};
  for (const r of routes) {
    const res = await fetch(s.url + r.path, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    if (!res.ok) throw new Error(`${r.path}: ${res.status} ${text.slice(0, 300)}`);
    bodies[r.path] = text;
  }
  const file = join(tmp, 'peer-bodies.json');
  await writeFile(file, JSON.stringify({ token, bodies }));
  const port = await freePort();
  const peer = spawn(process.execPath, ['--import', 'tsx', 'bench/peer-lists.ts', String(port), file], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    peer.stdout!.once('data', () => resolve());
    peer.once('exit', (code) => reject(new Error(`the peer exited (${code})`)));
  });
  const peerUrl = `http://127.0.0.1:${port}`;
  try {
    const out: ListResult[] = [];
    for (const r of routes) {
      await cannon(s.url + r.path, token, 1); // warm both up
      await cannon(peerUrl + r.path, token, 1);
      const ours: number[] = [];
      const theirs: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        ours.push(await cannon(s.url + r.path, token, SECONDS));
        theirs.push(await cannon(peerUrl + r.path, token, SECONDS));
      }
      const lat: number[] = [];
      const peerLat: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        lat.push(await timed(s.url + r.path, token));
        peerLat.push(await timed(peerUrl + r.path, token));
      }
      out.push({
        route: r,
        bytes: Buffer.byteLength(bodies[r.path]),
        rps: median(ours),
        peerRps: median(theirs),
        p95: percentile(lat, 95),
        peerP95: percentile(peerLat, 95),
        p50: median(lat),
        samples: SAMPLES,
      });
    }
    return out;
  } finally {
    peer.kill();
  }
}

/** One request at a time: p50 and p95 of `n` samples of each path. */
export async function latencies(s: BenchServer, paths: string[], n = 200): Promise<{ p50: number; p95: number }[]> {
  const token = s.admin.token!;
  const out: { p50: number; p95: number }[] = [];
  for (const p of paths) {
    await timed(s.url + p, token);
    const xs: number[] = [];
    for (let i = 0; i < n; i++) xs.push(await timed(s.url + p, token));
    out.push({ p50: median(xs), p95: percentile(xs, 95) });
  }
  return out;
}

/** The cursor of page `pages` (each of `limit`), walked from the first page; null when the list ends first. */
export async function deepCursor(s: BenchServer, path: string, pages: number): Promise<string | null> {
  let cursor: string | null = null;
  for (let i = 0; i < pages; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await fetch(`${s.url}${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`, {
      headers: { authorization: `Bearer ${s.admin.token}` },
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${(await res.text()).slice(0, 200)}`);
    const body = (await res.json()) as { nextCursor?: string | null };
    if (!body.nextCursor) return null;
    cursor = body.nextCursor;
  }
  return cursor;
}
