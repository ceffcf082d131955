// The console's list window against a real server: it holds only rows near the view, pages by
// keyset cursor when scrolling on, by offset when jumping, and follows filters and changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicUser } from '../../src/domain/schemas.js';
import { CHUNK, ListWindow, type FetchArgs } from '../../tui/hooks/list-window.js';
import { eventually, removeDir, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
const N = 260;

beforeAll(async () => {
  s = await startTestServer();
  await s.admin.updateLicense({ plan: 'standard', seats: N + 20 });
  for (let i = 0; i < N; i += 20) {
    await Promise.all(
      Array.from({ length: 20 }, (_, j) =>
        s.admin.invite({ email: `user${String(i + j).padStart(3, '0')}@example.com` }),
      ),
    );
  }
}, 120_000);
afterAll(async () => {
  await s?.stop();
  if (s) await removeDir(s.dir);
});

function userWindow(keep?: number) {
  const calls: FetchArgs[] = [];
  const win = new ListWindow<PublicUser>(
    (a, signal) => {
      calls.push(a);
      return s.admin.users(
        { sort: a.sort, order: a.order, q: a.q || undefined, cursor: a.cursor, offset: a.offset, limit: a.limit },
        signal,
      );
    },
    undefined,
    keep,
  );
  return { win, calls };
}

const loaded = (win: ListWindow<PublicUser>, from: number, to: number) => () => {
  for (let i = from; i < to; i++) if (!win.rowAt(i)) return false;
  return true;
};

describe('list window', () => {
  it('loads the rows around the view, by cursor when scrolling on, and never the whole list', async () => {
    const all = (await s.admin.users({ sort: 'email', order: 'asc', limit: 1000 })).items.map((u) => u.email);
    expect(all.length).toBe(N + 1);
    const { win, calls } = userWindow(120);
    win.setQuery({ sort: 'email', order: 'asc', q: '' });
    win.ensure(0, 30);
    await eventually(loaded(win, 0, 30));
    expect(win.total).toBe(N + 1);
    for (let top = 30; top < 230; top += 30) {
      win.ensure(top, top + 30);
      await eventually(loaded(win, top, top + 30));
      for (let i = top; i < top + 30; i++) expect(win.rowAt(i)?.email, `row ${i}`).toBe(all[i]);
      expect(win.held).toBeLessThanOrEqual(120 + CHUNK); // rows far from the view are dropped
    }
    expect(calls.some((c) => c.cursor)).toBe(true); // scrolling on pages by keyset
    expect(calls.every((c) => c.limit <= CHUNK)).toBe(true);
    win.dispose();
  });

  it("a jump loads by offset; a filter and a sort are the server's, with its count", async () => {
    const { win } = userWindow();
    win.setQuery({ sort: 'email', order: 'desc', q: '' });
    win.ensure(0, 10);
    await eventually(loaded(win, 0, 10));
    const desc = (await s.admin.users({ sort: 'email', order: 'desc', limit: 1000 })).items.map((u) => u.email);
    win.ensure(240, 250);
    await eventually(loaded(win, 240, 250));
    for (let i = 240; i < 250; i++) expect(win.rowAt(i)?.email).toBe(desc[i]);
    win.setQuery({ sort: 'email', order: 'asc', q: 'user01' });
    await eventually(() => win.total === 10 && win.rowAt(0)?.email === 'user010@example.com');
    win.dispose();
  });

  it('after a change on the server, invalidate brings the view up to date', async () => {
    const { win } = userWindow();
    win.setQuery({ sort: 'email', order: 'asc', q: '' });
    win.ensure(0, 20);
    await eventually(loaded(win, 0, 20));
    const before = win.total!;
    await s.admin.invite({ email: 'aaa-first@example.com' });
    win.invalidate(0);
    await eventually(() => win.total === before + 1 && win.rowAt(0)?.email === 'aaa-first@example.com');
    expect(win.rowAt(1)?.email).toBe('admin@example.com');
    win.dispose();
  });

  it('a refresh asked for while the first rows are on their way shows them, then fetches again', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const signals: AbortSignal[] = [];
    let calls = 0;
    const win = new ListWindow<PublicUser>(async (a, signal) => {
      calls++;
      signals.push(signal);
      if (calls === 1) await held; // the first page is slow to come
      return s.admin.users({ sort: a.sort, order: a.order, offset: a.offset, limit: a.limit }, signal);
    });
    win.setQuery({ sort: 'email', order: 'asc', q: '' });
    win.ensure(0, 20);
    await eventually(() => calls === 1);
    win.invalidate(0); // the event stream opened meanwhile
    await new Promise((r) => setImmediate(r));
    expect(signals[0].aborted).toBe(false);
    expect(calls).toBe(1);
    release();
    await eventually(loaded(win, 0, 20));
    // Then the rows are fetched again, in case something changed before the stream opened.
    await eventually(() => calls === 2 && !win.loading);
    expect(signals[0].aborted).toBe(false);
    expect(win.rowAt(0)?.email).toBeDefined();
    win.dispose();
  });
});
