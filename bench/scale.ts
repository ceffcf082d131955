// Issue 10's benchmarks in one pass over three sizes of site (1k, 10k, 100k users; sessions 5×):
// start-up, memory, stop (the final snapshot), windowed grid queries, the console's first frame,
// and, side by side with the bare Hono peer, the list routes; at 100k the console in a
// pseudo-terminal (filter, j held, sort) and memory after it browsed every screen.
import { launchConsole, browseEveryScreen, filterKeystrokes, holdKey, sortChanges } from './console.js';
import { deepCursor, compareLists, latencies, type ListResult } from './lists.js';
import { median, percentile, rssAfterGc, seededSite, startBenchServer, TMP, type BenchServer } from './lib.js';
import { rssOf } from './pty.js';
import type { SeedSize } from './seed.js';

export interface Row {
  bench: string;
  figure: string;
  value: number;
  unit: string;
  budget: string;
  peer?: number;
  ratio?: number;
  pass: boolean;
  /** What the peer was, for the README. */
  peerIs?: string;
}

export const SCALES: SeedSize[] = [
  { users: 1_000, sessions: 5_000, ended: 1_000, mails: 500 },
  { users: 10_000, sessions: 50_000, ended: 10_000, mails: 5_000 },
  { users: 100_000, sessions: 500_000, ended: 10_000, mails: 5_000 },
];

export interface ScaleRow {
  users: number;
  sessions: number;
  startMs: number;
  rssMb: number;
  stopMs: number;
  usersFirst: number;
  sessionsFirst: number;
  sessionsMiddle: number;
  usersFilter: number;
  consoleFirstFrame: number;
}

const MB = 2 ** 20;
const PEER = 'bare Hono server, same bytes, bearer check';

/** A list route's two rows: throughput as a ratio to its peer, and idle p95 (with a budget, or none). */
function addListRows(add: (r: Row) => void, r: ListResult, minRatio: number, maxP95: number | null): void {
  add({
    bench: 'lists',
    figure: `${r.route.label} req/s (${r.bytes} B)`,
    value: r.rps,
    unit: 'req/s',
    budget: `ratio ≥ ${minRatio}`,
    peer: r.peerRps,
    ratio: r.rps / r.peerRps,
    pass: r.rps / r.peerRps >= minRatio,
    peerIs: PEER,
  });
  add({
    bench: 'lists',
    figure: `${r.route.label} p95, idle (${r.samples} samples)`,
    value: r.p95,
    unit: 'ms',
    budget: maxP95 === null ? '—' : `≤ ${maxP95} ms`,
    peer: r.peerP95,
    ratio: r.p95 / r.peerP95,
    pass: maxP95 === null || r.p95 <= maxP95,
    peerIs: PEER,
  });
}

async function stopTimed(s: BenchServer): Promise<number> {
  const t = performance.now();
  await s.stop();
  return performance.now() - t;
}

export async function scaleBench(add: (r: Row) => void, only?: number[]): Promise<ScaleRow[]> {
  const table: ScaleRow[] = [];
  for (const n of SCALES) {
    if (only && !only.includes(n.users)) continue;
    const base = await seededSite(n);
    const s = await startBenchServer(base);
    const tag = `${n.users / 1000}k users`;
    try {
      const rssStart = await rssAfterGc(s);
      console.log(`  [${tag}] started in ${s.startMs.toFixed(0)} ms, RSS ${(rssStart / MB).toFixed(0)} MB`);
      // Windowed queries, one at a time: first pages, a page in the middle (by cursor), a filter.
      const sessionsTotal = n.sessions;
      const middle = await deepCursor(
        s,
        '/api/sessions?limit=50&client=all',
        Math.min(1000, Math.floor(sessionsTotal / 50 / 2)),
      );
      const paths = [
        '/api/users?limit=50',
        '/api/sessions?limit=50',
        `/api/sessions?limit=50&client=all&cursor=${encodeURIComponent(middle ?? '')}`,
        '/api/users?limit=50&q=user0',
      ];
      const [uf, sf, sm, fq] = await latencies(s, paths, 200);
      console.log(
        `  [${tag}] p50 users ${uf.p50.toFixed(2)} ms, sessions ${sf.p50.toFixed(2)} ms, middle ${sm.p50.toFixed(2)} ms, filter ${fq.p50.toFixed(2)} ms`,
      );

      let consoleFirst = NaN;
      if (n.users === 10_000) {
        add({
          bench: 'memory',
          figure: 'server RSS after start, 10k users / 50k sessions',
          value: rssStart / MB,
          unit: 'MB',
          budget: '≤ 300 MB',
          pass: rssStart / MB <= 300,
        });
        const [u] = await compareLists(
          s,
          [{ label: 'GET /api/users?limit=50 at 10k users', path: '/api/users?limit=50' }],
          TMP,
        );
        addListRows(add, u, 0.5, null);
      }
      if (n.users === 100_000) {
        const deep = await deepCursor(s, '/api/sessions?limit=50', 1000);
        if (!deep) throw new Error('the sessions grid ended before page 1,000');
        const routes = [
          { label: 'sessions grid first page at 500k', path: '/api/sessions?limit=50' },
          {
            label: 'sessions grid page 1,000 deep (cursor)',
            path: `/api/sessions?limit=50&cursor=${encodeURIComponent(deep)}`,
          },
          { label: 'ended sessions (history) first page', path: '/api/sessions?state=ended&limit=50' },
        ];
        for (const r of await compareLists(s, routes, TMP)) addListRows(add, r, 0.3, 20);
        const { pty, firstFrameMs } = await launchConsole(s);
        consoleFirst = firstFrameMs;
        try {
          add({
            bench: 'console',
            figure: 'launch → first Users frame (100k users, 500k sessions, 120×40 pty)',
            value: firstFrameMs,
            unit: 'ms',
            budget: '≤ 1500 ms',
            pass: firstFrameMs <= 1500,
          });
          const safely = async (what: string, f: () => Promise<void>) => {
            try {
              await f();
            } catch (e) {
              add({
                bench: 'console',
                figure: `${what}: ${(e as Error).message.split('\n')[0]}`,
                value: NaN,
                unit: '',
                budget: '',
                pass: false,
              });
              pty.send('\x1b');
            }
          };
          await safely('filter', async () => {
            const filter = await filterKeystrokes(pty, s, 'user0123', 25);
            add({
              bench: 'console',
              figure: `filter keystroke → frame with its rows, p95 (${filter.length} samples)`,
              value: percentile(filter, 95),
              unit: 'ms',
              budget: '≤ 50 ms',
              pass: percentile(filter, 95) <= 50,
            });
          });
          await safely('j/k held', async () => {
            const held: number[] = [];
            let backlog = 0;
            for (const key of ['j', 'k', 'j', 'k'] as const) {
              const h = await holdKey(pty, key, 2000);
              held.push(...h.lat);
              backlog = Math.max(backlog, h.backlogMs);
            }
            add({
              bench: 'console',
              figure: `j/k held 2 s at 30/s: key → frame, p95 (${held.length} samples)`,
              value: percentile(held, 95),
              unit: 'ms',
              budget: '≤ 16 ms',
              pass: percentile(held, 95) <= 16,
            });
            add({
              bench: 'console',
              figure: 'j/k held: last key → its frame (backlog)',
              value: backlog,
              unit: 'ms',
              budget: '≤ 16 ms',
              pass: backlog <= 16,
            });
          });
          await safely('sort', async () => {
            const sorts = await sortChanges(pty, s, 24);
            add({
              bench: 'console',
              figure: `sort change → frame with its rows, median of ${sorts.length} (worst ${Math.max(...sorts).toFixed(0)} ms)`,
              value: median(sorts),
              unit: 'ms',
              budget: '≤ 150 ms',
              pass: median(sorts) <= 150,
            });
          });
          await safely('browsing every screen', () => browseEveryScreen(pty));
          const pid = pty.programPid();
          const consoleRss = pid ? rssOf(pid) / MB : NaN;
          add({
            bench: 'memory',
            figure: 'console RSS after browsing every screen',
            value: consoleRss,
            unit: 'MB',
            budget: '≤ 150 MB',
            pass: consoleRss <= 150,
          });
          const after = await rssAfterGc(s);
          add({
            bench: 'memory',
            figure: `server RSS after the console browsed every screen (after GC), vs after start (${(rssStart / MB).toFixed(0)} MB)`,
            value: after / MB,
            unit: 'MB',
            budget: '≤ 1.3× start',
            ratio: after / rssStart,
            pass: after / rssStart <= 1.3,
          });
        } finally {
          await pty.close();
        }
      } else {
        const { pty, firstFrameMs } = await launchConsole(s);
        consoleFirst = firstFrameMs;
        await pty.close();
      }
      const stopMs = await stopTimed(s);
      table.push({
        users: n.users,
        sessions: n.sessions,
        startMs: s.startMs,
        rssMb: rssStart / MB,
        stopMs,
        usersFirst: uf.p50,
        sessionsFirst: sf.p50,
        sessionsMiddle: sm.p50,
        usersFilter: fq.p50,
        consoleFirstFrame: consoleFirst,
      });
    } finally {
      await s.stop();
    }
  }
  if (table.length === SCALES.length) {
    const [a, , c] = table;
    // A windowed query may grow at most like log(n): compare 1k with 100k users.
    const allowed = Math.log(c.sessions) / Math.log(a.sessions);
    for (const [figure, x, y] of [
      ['users first page', a.usersFirst, c.usersFirst],
      ['sessions first page', a.sessionsFirst, c.sessionsFirst],
      ['sessions page in the middle (cursor)', a.sessionsMiddle, c.sessionsMiddle],
    ] as const) {
      add({
        bench: 'curve',
        figure: `${figure}: p50 at 100k ÷ p50 at 1k users`,
        value: y / x,
        unit: '×',
        budget: `≤ ${allowed.toFixed(2)} (log n)`,
        pass: y / x <= allowed,
      });
    }
  }
  return table;
}

export function scaleTable(table: ScaleRow[]): string {
  const cols: [string, (r: ScaleRow) => string][] = [
    ['users / sessions', (r) => `${r.users.toLocaleString('en')} / ${r.sessions.toLocaleString('en')}`],
    ['start-up', (r) => `${r.startMs.toFixed(0)} ms`],
    ['RSS after start', (r) => `${r.rssMb.toFixed(0)} MB`],
    ['stop (final snapshot)', (r) => `${r.stopMs.toFixed(0)} ms`],
    ['users page p50', (r) => `${r.usersFirst.toFixed(2)} ms`],
    ['sessions page p50', (r) => `${r.sessionsFirst.toFixed(2)} ms`],
    ['sessions middle page p50', (r) => `${r.sessionsMiddle.toFixed(2)} ms`],
    ['users filter q=user0 p50', (r) => `${r.usersFilter.toFixed(2)} ms`],
    ['console first frame', (r) => `${r.consoleFirstFrame.toFixed(0)} ms`],
  ];
  const lines = [`| ${cols.map((c) => c[0]).join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`];
  for (const r of table) lines.push(`| ${cols.map((c) => c[1](r)).join(' | ')} |`);
  if (table.length >= 2) {
    const a = table[0];
    const z = table[table.length - 1];
    const g = (x: number, y: number) => `×${(y / x).toFixed(1)}`;
    lines.push(
      `| growth ${a.users / 1000}k → ${z.users / 1000}k (×${z.users / a.users}) | ${g(a.startMs, z.startMs)} | ${g(a.rssMb, z.rssMb)} | ${g(a.stopMs, z.stopMs)} | ${g(a.usersFirst, z.usersFirst)} | ${g(a.sessionsFirst, z.sessionsFirst)} | ${g(a.sessionsMiddle, z.sessionsMiddle)} | ${g(a.usersFilter, z.usersFilter)} | ${g(a.consoleFirstFrame, z.consoleFirstFrame)} |`,
    );
  }
  return lines.join('\n');
}
