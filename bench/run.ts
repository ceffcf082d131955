// npm run bench [-- name ...] [--out file.json]: every performance budget, measured side by side
// with its peer where it has one, printed as a table and written as JSON.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import nodemailer from 'nodemailer';
import { PG_BENCHES } from './pg.js';
import { RECLAIM_BENCHES } from './reclaim.js';
import { bigSite, cleanupBase, diag, freePort, median, percentile, ROOT, startBenchServer } from './lib.js';
import { scaleBench, scaleTable, type Row, type ScaleRow } from './scale.js';

const rows: Row[] = [];
const loopP99: number[] = [];
const add = (r: Row) => {
  rows.push(r);
  const peer = r.peer !== undefined ? `  peer ${fmt(r.peer)}` : '';
  const ratio = r.ratio !== undefined ? `  ratio ${r.ratio.toFixed(2)}` : '';
  console.log(
    `  ${r.pass ? 'PASS' : 'FAIL'}  ${r.bench}: ${r.figure} = ${fmt(r.value)} ${r.unit}  (budget ${r.budget})${peer}${ratio}`,
  );
};
const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));

async function cannon(url: string, headers: Record<string, string>, seconds: number) {
  const r = await autocannon({ url, connections: 50, duration: seconds, headers });
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

let scaling: ScaleRow[] = [];
let scales: number[] | undefined;

const BENCHES: Record<string, () => Promise<void>> = {
  /** Issue 10: list routes against their peer, the console in a pty, memory, the scaling table. */
  async scale() {
    scaling = await scaleBench(add, scales);
  },

  async api() {
    const s = await startBenchServer(await bigSite());
    const size = Buffer.byteLength(JSON.stringify(await s.admin.me()));
    const peerPort = await freePort();
    const peer = spawn(process.execPath, ['--import', 'tsx', 'bench/peer-server.ts', String(size), String(peerPort)], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    try {
      await waitHealthyPeer(`http://127.0.0.1:${peerPort}/api/me`);
      const ours: { rps: number; p99: number }[] = [];
      const theirs: { rps: number; p99: number }[] = [];
      await cannon(`${s.url}/api/me`, { authorization: `Bearer ${s.admin.token}` }, 2); // warm up both
      await cannon(`http://127.0.0.1:${peerPort}/api/me`, {}, 2);
      await diag(s, true);
      for (let round = 0; round < 3; round++) {
        const a = await cannon(`${s.url}/api/me`, { authorization: `Bearer ${s.admin.token}` }, 5);
        if (a.errors) throw new Error(`${a.errors} failed requests against /api/me`);
        ours.push(a);
        theirs.push(await cannon(`http://127.0.0.1:${peerPort}/api/me`, {}, 5));
      }
      const d = await diag(s);
      loopP99.push(d.loop.p99);
      const rps = median(ours.map((x) => x.rps));
      const peerRps = median(theirs.map((x) => x.rps));
      add({
        bench: 'api',
        figure: `GET /api/me req/s (${size} B JSON)`,
        value: rps,
        unit: 'req/s',
        budget: 'ratio ≥ 0.70',
        peer: peerRps,
        ratio: rps / peerRps,
        pass: rps / peerRps >= 0.7,
      });
      const p99 = median(ours.map((x) => x.p99));
      const peerP99 = median(theirs.map((x) => x.p99));
      add({
        bench: 'api',
        figure: 'GET /api/me p99 latency',
        value: p99,
        unit: 'ms',
        budget: '≤ 2× peer',
        peer: peerP99,
        ratio: p99 / peerP99,
        pass: p99 <= 2 * Math.max(peerP99, 1),
      });
      add({
        bench: 'loop',
        figure: 'event-loop delay p99 during api',
        value: d.loop.p99,
        unit: 'ms',
        budget: '≤ 20 ms',
        pass: d.loop.p99 <= 20,
      });
    } finally {
      peer.kill();
      await s.stop();
    }
  },

  /** Issue 9: invitations against a peer that only appends a line with group-committed fdatasync. */
  async 'api-write'() {
    const s = await startBenchServer(await bigSite());
    const peerPort = await freePort();
    const peerDir = await mkdtemp(join(tmpdir(), 'seatdesk-peer-write-'));
    const peer = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/peer-write.ts', join(peerDir, 'peer.ndjson'), String(peerPort)],
      { cwd: ROOT, stdio: 'ignore' },
    );
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    let n = 0;
    const invite = async (base: string, token: string | null) => {
      const t = performance.now();
      const res = await fetch(`${base}/api/users/invite`, {
        method: 'POST',
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
        body: JSON.stringify({ email: `bench-write-${n++}@example.com` }),
      });
      const body = (await res.json()) as { mail?: { status: string } };
      if (res.status !== 201 || body.mail?.status !== 'queued')
        throw new Error(`invite: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      return performance.now() - t;
    };
    const burst = (base: string, token: string | null) =>
      Promise.all(Array.from({ length: 200 }, () => invite(base, token)));
    try {
      const held = (await s.admin.license()).held;
      await s.admin.updateLicense({ seats: held + 5_000 });
      await waitHealthyPeer(`${peerUrl}/api/users/invite`, 'POST');
      await burst(s.url, s.admin.token); // warm up both
      await burst(peerUrl, null);
      const ours: number[] = [];
      const theirs: number[] = [];
      const loops: number[] = [];
      for (let round = 0; round < 3; round++) {
        await diag(s, true); // the loop window covers the burst only
        ours.push(...(await burst(s.url, s.admin.token)));
        loops.push((await diag(s)).loop.p99);
        theirs.push(...(await burst(peerUrl, null)));
      }
      const [p50, p95, peer50, peer95] = [median(ours), percentile(ours, 95), median(theirs), percentile(theirs, 95)];
      add({
        bench: 'api-write',
        figure: 'invite response p50 in a burst of 200 (600 samples)',
        value: p50,
        unit: 'ms',
        budget: '≤ 2× peer',
        peer: peer50,
        ratio: p50 / peer50,
        pass: p50 <= 2 * peer50,
      });
      add({
        bench: 'api-write',
        figure: 'invite response p95 in a burst of 200',
        value: p95,
        unit: 'ms',
        budget: '≤ 2× peer',
        peer: peer95,
        ratio: p95 / peer95,
        pass: p95 <= 2 * peer95,
      });
      const loop = Math.max(...loops);
      loopP99.push(loop);
      add({
        bench: 'loop',
        figure: 'event-loop delay p99 during the invite bursts (worst of 3)',
        value: loop,
        unit: 'ms',
        budget: '≤ 30 ms',
        pass: loop <= 30,
      });
      // One at a time: the latency one administrator sees; alternating blocks of 25.
      const one: number[] = [];
      const peerOne: number[] = [];
      for (let block = 0; block < 8; block++) {
        for (let i = 0; i < 25; i++) one.push(await invite(s.url, s.admin.token));
        for (let i = 0; i < 25; i++) peerOne.push(await invite(peerUrl, null));
      }
      add({
        bench: 'api-write',
        figure: 'invite ack p50, one at a time (200 samples)',
        value: median(one),
        unit: 'ms',
        budget: '≤ 3× peer',
        peer: median(peerOne),
        ratio: median(one) / median(peerOne),
        pass: median(one) <= 3 * median(peerOne),
      });
      const seq: number[] = [];
      const pending = (await s.admin.users({ q: 'bench-write-', limit: 100 })).items;
      for (const u of pending) {
        const t = performance.now();
        await s.admin.deactivate(u.id);
        seq.push(performance.now() - t);
      }
      add({
        bench: 'api-write',
        figure: 'deactivate ack p50, one at a time (100 samples)',
        value: median(seq),
        unit: 'ms',
        budget: '≤ 3× peer invite',
        peer: median(peerOne),
        ratio: median(seq) / median(peerOne),
        pass: median(seq) <= 3 * median(peerOne),
      });
    } finally {
      peer.kill();
      await s.stop();
      await rm(peerDir, { recursive: true, force: true });
    }
  },

  async sink() {
    const s = await startBenchServer(null);
    const peerDir = await mkdtemp(join(tmpdir(), 'seatdesk-bench-smtp-peer-'));
    const peerPort = await freePort();
    const peer = spawn(process.execPath, ['--import', 'tsx', 'bench/smtp-peer.ts', peerDir, String(peerPort)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        peer.stdout!.once('data', () => resolve());
        peer.once('exit', (code) => reject(new Error(`the SMTP peer exited with ${code}`)));
      });
      await s.admin.updateSettings({ mailRetention: 100_000 });
      const pool = (port: number) =>
        nodemailer.createTransport({ host: '127.0.0.1', port, pool: true, maxConnections: 10, maxMessages: Infinity });
      const ours = pool(s.smtpPort);
      const theirs = pool(peerPort);
      const blast = async (smtp: ReturnType<typeof pool>, count: number, body: string) => {
        let next = 0;
        const t = performance.now();
        await Promise.all(
          Array.from({ length: 10 }, async () => {
            while (next < count) {
              const i = next++;
              await smtp.sendMail({
                from: 'bench@example.org',
                to: `sink${i}@example.com`,
                subject: `bench ${i}`,
                text: body,
              });
            }
          }),
        );
        return count / ((performance.now() - t) / 1000);
      };
      const small = 'x'.repeat(2000);
      await blast(ours, 400, small); // warm up both (their 10 connections, the JIT)
      await blast(theirs, 400, small);
      const a: number[] = [];
      const b: number[] = [];
      // Short rounds, alternating, so a shift in the machine's load falls on both sides.
      for (let round = 0; round < 7; round++) {
        a.push(await blast(ours, 500, small));
        b.push(await blast(theirs, 500, small));
      }
      console.log(`  (sink ${a.map(fmt).join(', ')} msg/s; peer ${b.map(fmt).join(', ')} msg/s)`);
      const rate = median(a);
      const peerRate = median(b);
      add({
        bench: 'sink',
        figure: '2 KB messages over 10 connections (peer: smtp-server, file + fdatasync per message)',
        value: rate,
        unit: 'msg/s',
        budget: 'ratio ≥ 0.60',
        peer: peerRate,
        ratio: rate / peerRate,
        pass: rate / peerRate >= 0.6,
      });
      // 1 MB messages: each fdatasynced on both sides; the peer's figure is shown for scale.
      const mb = 'y'.repeat(76).concat('\n').repeat(13_500);
      const bigA: number[] = [];
      const bigB: number[] = [];
      for (let round = 0; round < 3; round++) {
        bigA.push(await blast(ours, 20, mb));
        bigB.push(await blast(theirs, 20, mb));
      }
      const big = median(bigA);
      const bigPeer = median(bigB);
      add({
        bench: 'sink',
        figure: '1 MB messages',
        value: big,
        unit: 'msg/s',
        budget: '≥ 15 msg/s',
        peer: bigPeer,
        ratio: big / bigPeer,
        pass: big >= 15,
      });
      ours.close();
      theirs.close();
    } finally {
      peer.kill();
      await rm(peerDir, { recursive: true, force: true });
      await s.stop();
    }
    // One big message on a fresh server: its own peak RSS (getrusage) against its peak before.
    const h = await startBenchServer(null);
    try {
      const size = 20 * 1024 * 1024; // its encoded form stays under the 25 MB limit
      const one = nodemailer.createTransport({ host: '127.0.0.1', port: h.smtpPort });
      await one.sendMail({ from: 'bench@example.org', to: 'warm@example.com', subject: 'warm', text: 'warm up' });
      const before = (await h.admin.request<{ rss: number }>('GET', '/api/diag?track=1')).rss;
      await one.sendMail({
        from: 'bench@example.org',
        to: 'huge@example.com',
        subject: 'huge',
        text: 'z'
          .repeat(76)
          .concat('\n')
          .repeat(Math.floor(size / 77)),
      });
      await h.admin.latestMail({ to: 'huge@example.com', wait: 10 });
      one.close();
      const peak = (await diag(h)).trackedPeak!;
      const growth = (peak - before) / size;
      console.log(`  (RSS ${(before / 2 ** 20).toFixed(0)} MB before, peak ${(peak / 2 ** 20).toFixed(0)} MB)`);
      add({
        bench: 'sink',
        figure: 'peak RSS growth for one 20 MB message',
        value: growth,
        unit: '× message',
        budget: '≤ 3×',
        pass: growth <= 3,
      });
    } finally {
      await h.stop();
    }
  },
};

for (const [name, bench] of Object.entries(PG_BENCHES)) BENCHES[name] = () => bench(add);
for (const [name, bench] of Object.entries(RECLAIM_BENCHES)) BENCHES[name] = () => bench(add);

async function waitHealthyPeer(url: string, method = 'GET') {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      const body = method === 'POST' ? JSON.stringify({ email: 'warm@example.com' }) : undefined;
      if ((await fetch(url, { method, body, headers: body ? { 'content-type': 'application/json' } : {} })).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the peer server did not start');
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string', default: 'bench-results.json' }, scales: { type: 'string' } },
  });
  scales = values.scales?.split(',').map(Number);
  const names = positionals.length ? positionals : Object.keys(BENCHES);
  for (const n of names)
    if (!BENCHES[n] && n !== 'loop')
      throw new Error(`no benchmark "${n}"; there are: ${Object.keys(BENCHES).join(', ')}`);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  console.log(`Seatdesk benchmarks on ${machine}`);
  const started = Date.now();
  const run =
    names.includes('loop') && !names.includes('api')
      ? [...names.filter((n) => n !== 'loop'), 'api', 'api-write']
      : names.filter((n) => n !== 'loop');
  for (const n of [...new Set(run)]) {
    console.log(`\n[${n}]`);
    try {
      await BENCHES[n]();
    } catch (e) {
      add({ bench: n, figure: `error: ${(e as Error).message}`, value: NaN, unit: '', budget: '', pass: false });
    }
  }
  await cleanupBase();
  console.log('\n| bench | figure | value | budget | peer | ratio | result |\n|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.bench} | ${r.figure} | ${fmt(r.value)} ${r.unit} | ${r.budget} | ${r.peer !== undefined ? `${fmt(r.peer)}${r.peerIs ? ` (${r.peerIs})` : ''}` : ''} | ${r.ratio !== undefined ? r.ratio.toFixed(2) : ''} | ${r.pass ? 'pass' : 'FAIL'} |`,
    );
  if (scaling.length)
    console.log(`\nScaling (p50 of 200 requests one at a time; console at 120×40 in a pty):\n\n${scaleTable(scaling)}`);
  await writeFile(
    values.out!,
    JSON.stringify(
      { machine, at: new Date().toISOString(), seconds: (Date.now() - started) / 1000, rows, scaling },
      null,
      2,
    ),
  );
  console.log(
    `\n${rows.filter((r) => r.pass).length} passed, ${rows.filter((r) => !r.pass).length} failed (written to ${values.out}, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  process.exit(0);
}

await main();
