// The list routes keep a page's JSON for the next request with the same query: every change a
// page could show must still show on the next request for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, activeUser, removeDir, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  // No batched write of activity during the test: only the in-memory overlay shows it.
  s = await startTestServer({ start: { activityFlushMs: 3_600_000 } });
  await s.admin.updateLicense({ seats: 50 });
});
afterAll(async () => {
  await s.stop();
  await removeDir(s.dir);
});

// The administrator's own session is a tui one, active on every request: these pages leave it out.
const webSessions = () => s.admin.sessions({ client: 'web', limit: 50 });

describe('a kept page of the sessions grid', () => {
  it('shows a new session, unwritten activity, a change and an end on the next request', async () => {
    const u = await activeUser(s, 'kept-grid@example.com');
    const before = await webSessions();
    expect(await webSessions()).toEqual(before); // asked again, unchanged

    const { token, session } = await s.client().login({ email: u.email, password: PASSWORD });
    const added = await webSessions();
    expect(added.total).toBe(before.total + 1);
    expect(added.items.map((x) => x.id)).toContain(session.id);

    // Activity is marked in memory (not written: the flush is an hour away), and the grid shows it.
    s.clock.advance(90_000);
    await s.client(token).me();
    const expected = s.clock.now().getTime();
    const active = (await webSessions()).items.find((x) => x.id === session.id)!;
    expect(Date.parse(active.lastActivityAt)).toBeGreaterThanOrEqual(expected - 1000);
    expect(Date.parse(active.lastActivityAt)).toBeGreaterThan(Date.parse(session.lastActivityAt) + 60_000);

    await s.admin.terminateSession(session.id);
    const ended = await webSessions();
    expect(ended.total).toBe(before.total);
    expect(ended.items.map((x) => x.id)).not.toContain(session.id);
  });

  it('a page further on (by cursor) shows a change to a session on it', async () => {
    const u = await activeUser(s, 'kept-cursor@example.com');
    const first = await s.client().login({ email: u.email, password: PASSWORD, clientId: 'k1' });
    const second = await s.client().login({ email: u.email, password: PASSWORD, clientId: 'k2' });
    const all = await s.admin.sessions({ client: 'web', limit: 1000 });
    const at = all.items.findIndex((x) => x.id === second.session.id);
    expect(at).toBeGreaterThan(0);
    const cursor = (await s.admin.sessions({ client: 'web', limit: at })).nextCursor!;
    const page = () => s.admin.sessions({ client: 'web', limit: 5, cursor });
    expect((await page()).items[0].id).toBe(second.session.id);
    await s.admin.terminateSession(second.session.id);
    expect((await page()).items.map((x) => x.id)).not.toContain(second.session.id);
    await s.admin.terminateSession(first.session.id);
  });
});

describe('a kept page of users', () => {
  it('shows a changed user, and a session that starts or ends, on the next request', async () => {
    const u = await activeUser(s, 'kept-users@example.com');
    const row = async () => (await s.admin.users({ limit: 100, q: 'kept-users' })).items.find((x) => x.id === u.id)!;
    const all = () => s.admin.users({ limit: 100 });
    const mine = async () => (await all()).items.find((x) => x.id === u.id)!;
    expect((await mine()).liveSessions).toBe(0);
    expect((await mine()).firstName).toBe('Test');

    await s.admin.patchUser(u.id, { firstName: 'Renamed' });
    expect((await mine()).firstName).toBe('Renamed');
    expect((await row()).firstName).toBe('Renamed');

    const { session } = await s.client().login({ email: u.email, password: PASSWORD });
    const signedIn = await mine();
    expect(signedIn.liveSessions).toBe(1);
    expect(signedIn.lastActiveAt).not.toBeNull();

    // Only a session changes here (not the user record): the page must still show it.
    await s.admin.terminateSession(session.id);
    expect((await mine()).liveSessions).toBe(0);
  });
});
