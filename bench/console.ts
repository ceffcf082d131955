// The real console (bin/seatdesk.js) in a pseudo-terminal against a running server: launch to
// first Users frame, filter keystrokes, holding j, sort changes, and browsing every screen. A
// frame "counts" when the screen shows the right answer (the rows and totals the API gives for
// that filter or sort, the cursor on the expected row), not merely when something was written.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PublicUser } from '../src/domain/schemas.js';
import { ROOT, TMP, type BenchServer } from './lib.js';
import { Pty } from './pty.js';

export const COLS = 120;
export const ROWS = 40;

const FOOTER = /(\d+)\/(\d+)(?: of \d+)? users/;
const footer = (screen: string) => {
  const m = FOOTER.exec(screen);
  return m ? { pos: Number(m[1]), total: Number(m[2]) } : null;
};
/** The first grid row of the Users screen (the line after the header). */
const firstRow = (screen: string) => {
  const lines = screen.split('\n');
  const h = lines.findIndex((l) => l.startsWith('Login email'));
  return h >= 0 ? (lines[h + 1] ?? '') : '';
};

export interface Launched {
  pty: Pty;
  firstFrameMs: number;
}

/** Starts the console signed in (a remembered token), and times launch → first Users frame with rows. */
export async function launchConsole(s: BenchServer): Promise<Launched> {
  const dir = await mkdtemp(join(TMP, 'console-'));
  await writeFile(
    join(dir, 'token.json'),
    JSON.stringify({ url: s.url, token: s.admin.token, email: 'admin@example.com' }),
    { mode: 0o600 },
  );
  const env = {
    ...process.env,
    HOME: dir,
    SEATDESK_URL: s.url,
    SEATDESK_TOKEN_FILE: join(dir, 'token.json'),
    SEATDESK_PREFS_FILE: join(dir, 'console.json'),
    NO_COLOR: '',
  };
  const t0 = performance.now();
  const pty = new Pty([process.execPath, join(ROOT, 'bin/seatdesk.js')], { cols: COLS, rows: ROWS, env, cwd: ROOT });
  pty.afterClose(() => rm(dir, { recursive: true, force: true }));
  const at = await pty.waitFor(
    (sc) => sc.includes('Login email') && footer(sc)?.pos === 1 && firstRow(sc).includes('@'),
    'the Users grid',
    60_000,
  );
  return { pty, firstFrameMs: at - t0 };
}

async function expectedUsers(s: BenchServer, q: Record<string, string>): Promise<{ first: string; total: number }> {
  const page = (await s.admin.request<{ items: PublicUser[]; total: number }>(
    'GET',
    `/api/users?${new URLSearchParams({ limit: '1', ...q })}`,
  )) as {
    items: PublicUser[];
    total: number;
  };
  return { first: page.items[0]?.email ?? '', total: page.total };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Filter keystroke → the frame showing that filter's first row and count. */
export async function filterKeystrokes(pty: Pty, s: BenchServer, text: string, rounds: number): Promise<number[]> {
  const expected: { first: string; total: number }[] = [];
  for (let i = 1; i <= text.length; i++)
    expected.push(await expectedUsers(s, { q: text.slice(0, i), sort: 'email', order: 'asc' }));
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    pty.send('/');
    await pty.waitFor((sc) => /filter:\s+Enter keeps/.test(sc), 'the filter prompt', 10_000);
    for (let i = 0; i < text.length; i++) {
      const typed = text.slice(0, i + 1);
      const e = expected[i];
      const t = pty.send(text[i]);
      const at = await pty.waitFor(
        (sc) =>
          sc.includes(`filter: ${typed} `) &&
          (e.total === 0
            ? /\b0 (of \d+ )?users/.test(sc)
            : footer(sc)?.total === e.total && firstRow(sc).startsWith(e.first)),
        `the rows for "${typed}" (${e.total}, first ${e.first})`,
        10_000,
      );
      out.push(at - t);
      await pause(30); // typing pace
    }
    pty.send('\x1b');
    await pty.waitFor((sc) => !sc.includes('filter:') && footer(sc)?.pos === 1, 'the filter cleared', 10_000);
  }
  return out;
}

/** Holds j (or k) at a key-repeat rate of 30/s for `ms`; each press → the frame with the cursor on its row. */
export async function holdKey(pty: Pty, key: 'j' | 'k', ms: number): Promise<{ lat: number[]; backlogMs: number }> {
  const start = footer(pty.screen())!.pos;
  const waits: Promise<number>[] = [];
  const sent: number[] = [];
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    n++;
    const want = key === 'j' ? start + n : Math.max(1, start - n);
    // Frames may take in several keys at once: a key's frame is the first that shows it (or a later key).
    const reached = (pos: number) => (key === 'j' ? pos >= want : pos <= want);
    waits.push(
      pty.waitFor(
        (sc) => {
          const f = footer(sc);
          return !!f && reached(f.pos);
        },
        `the cursor on row ${want}`,
        10_000,
      ),
    );
    sent.push(pty.send(key));
    await pause(33);
  }
  const done = await Promise.all(waits);
  const lat = done.map((at, i) => at - sent[i]);
  return { lat, backlogMs: done[done.length - 1] - sent[sent.length - 1] };
}

/** `s` (next sort column) and `S` (reverse) → the frame with the new marker and the API's first row for it. */
export async function sortChanges(pty: Pty, s: BenchServer, times: number): Promise<number[]> {
  const BY_TITLE: Record<string, string> = {
    'Login email': 'email',
    Name: 'firstName',
    Status: 'status',
    Profile: 'userProfile',
    Admin: 'adminProfile',
    'Last login': 'lastLoginAt',
    Created: 'createdAt',
  };
  // The first row of every sort, known before any key is pressed (so no lookup falls inside a timing).
  const first = new Map<string, string>();
  for (const [title, sort] of Object.entries(BY_TITLE))
    for (const order of ['asc', 'desc'])
      first.set(`${title} ${order === 'asc' ? '▲' : '▼'}`, (await expectedUsers(s, { sort, order })).first);
  const header = (sc: string) => sc.split('\n').find((l) => l.startsWith('Login email')) ?? '';
  const marker = (sc: string) => [...first.keys()].find((m) => header(sc).includes(m)) ?? '';
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const before = marker(pty.screen());
    const t = pty.send(i % 2 === 1 ? 'S' : 's');
    const at = await pty.waitFor(
      (x) => {
        const m = marker(x);
        return m !== '' && m !== before && firstRow(x).startsWith(first.get(m)!) && footer(x)?.pos === 1;
      },
      `a new sort with its first row (was ${before})`,
      15_000,
    );
    out.push(at - t);
    await pause(50);
  }
  return out;
}

/** Visits every screen (and the ended-session history), waiting for each to show its data. */
export async function browseEveryScreen(pty: Pty): Promise<void> {
  const steps: [string, RegExp, string][] = [
    ['2', /\d+\/\d+ sessions/, 'the Sessions grid'],
    ['h', /ended|Ended/, 'the ended sessions'],
    ['3', /\d+\/\d+ (messages|mails)|Subject/, 'the Mail list'],
    ['4', /Session limit|session limit|Seats|seats/, 'the Settings screen'],
    ['5', /Audit log/, 'the Audit screen'],
    ['1', /\d+\/\d+ users/, 'the Users grid'],
  ];
  for (const [key, re, what] of steps) {
    pty.send(key);
    await pty.waitFor((sc) => re.test(sc), what, 30_000);
    await pause(300);
  }
}
