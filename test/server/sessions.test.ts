import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../src/client/api-client.js';
import {
  ADMIN,
  PASSWORD,
  activeUser,
  eventually,
  removeDir,
  startTestServer,
  type TestServer,
} from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await s.admin.updateLicense({ seats: 50 });
});
afterAll(async () => {
  await s.stop();
  await removeDir(s.dir);
});

const login = (email: string, extra: Record<string, unknown> = {}) =>
  s.client().login({ email, password: PASSWORD, ...extra });

describe('clients and the same browser', () => {
  it('the same client id reuses the session; another makes a new one', async () => {
    const u = await activeUser(s, 'tabs@example.com');
    const a = await login(u.email, { clientId: 'browser-1' });
    const b = await login(u.email, { clientId: 'browser-1' });
    const c = await login(u.email, { clientId: 'browser-2' });
    expect(b.session.id).toBe(a.session.id);
    expect(c.session.id).not.toBe(a.session.id);
    expect(a.session).toMatchObject({ client: 'web', address: '127.0.0.1' });
  });

  it('a web login without a client id gets a seatdesk_client cookie that identifies the browser', async () => {
    const u = await activeUser(s, 'cookie@example.com');
    const res = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'TestBrowser/1' },
      body: JSON.stringify({ email: u.email, password: PASSWORD }),
    });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/seatdesk_client=[^;]+; .*HttpOnly/i);
    const first = await res.json();
    expect(first.session.userAgent).toBe('TestBrowser/1');
    const again = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookie.split(';')[0] },
      body: JSON.stringify({ email: u.email, password: PASSWORD }),
    });
    expect((await again.json()).session.id).toBe(first.session.id);
  });
});

describe('the per-user session limit', () => {
  it('refuses the 4th session, listing the live ones; replaceSessionId and terminateOldest make room', async () => {
    const u = await activeUser(s, 'limit@example.com');
    const s1 = await login(u.email, { clientId: 'c1' });
    const s2 = await login(u.email, { clientId: 'c2', client: 'tui' });
    const s3 = await login(u.email, { clientId: 'c3', client: 'explorer' });
    const err = await login(u.email, { clientId: 'c4' }).catch((e) => e);
    expect(err).toMatchObject({ status: 409, code: 'session_limit_reached' });
    expect((err.details.sessions as { id: string }[]).map((x) => x.id).sort()).toEqual(
      [s1, s2, s3].map((x) => x.session.id).sort(),
    );

    const s4 = await login(u.email, { clientId: 'c4', replaceSessionId: s2.session.id });
    await expect(s.client(s2.token).me()).rejects.toMatchObject({
      code: 'session_terminated',
      details: { reason: 'limit' },
    });

    s.clock.advance(1000);
    await s.client(s3.token).me(); // s1 is now the least recently active
    s.clock.advance(1000);
    await s.client(s4.token).me();
    const s5 = await login(u.email, { clientId: 'c5', terminateOldest: true });
    await expect(s.client(s1.token).me()).rejects.toMatchObject({
      code: 'session_terminated',
      details: { reason: 'limit' },
    });
    expect((await s.client(s5.token).me()).session.id).toBe(s5.session.id);
    await expect(login(u.email, { clientId: 'c6', replaceSessionId: 'not-one-of-them' })).rejects.toMatchObject({
      code: 'session_limit_reached',
    });
  });

  it('API token sessions never count toward the limit', async () => {
    const u = await activeUser(s, 'apiuser@example.com');
    const web = await login(u.email, { clientId: 'w1' });
    const owner = s.client(web.token);
    const tokens = await Promise.all([owner.createToken('one'), owner.createToken('two'), owner.createToken('three')]);
    for (const t of tokens) await s.client(t.token).me();
    await login(u.email, { clientId: 'w2' });
    await login(u.email, { clientId: 'w3' });
    const list = await s.admin.sessions({ q: 'apiuser', client: 'all' });
    expect(list.items.filter((x) => x.client === 'api')).toHaveLength(3);
    expect(list.items.filter((x) => x.client === 'web')).toHaveLength(3);
    // One token's requests share one api session.
    await s.client(tokens[0].token).me();
    expect((await s.admin.sessions({ q: 'apiuser', client: 'api' })).total).toBe(3);
    expect((await owner.listTokens()).items.map((t) => t.name).sort()).toEqual(['one', 'three', 'two']);
    await owner.revokeToken(tokens[0].id);
    await expect(s.client(tokens[0].token).me()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('concurrent logins at the limit never leave more than the limit', async () => {
    const u = await activeUser(s, 'burst@example.com');
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => login(u.email, { clientId: `burst-${i}` })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect((await s.admin.sessions({ q: 'burst@', client: 'all' })).total).toBe(3);
  });
});

describe('idle expiry and termination', () => {
  it('an idle session is refused at once, and the sweep ends the rest with reason idle', async () => {
    const u = await activeUser(s, 'idle@example.com');
    const a = await login(u.email, { clientId: 'i1' });
    const b = await login(u.email, { clientId: 'i2' });
    await login(u.email, { clientId: 'i3' }); // never used again: left for the sweep
    await s.admin.updateSettings({ idleTimeoutMinutes: 5 });
    try {
      s.clock.advance(4 * 60_000);
      await s.client(a.token).me(); // still fine, and now fresh
      await s.admin.me();
      s.clock.advance(2 * 60_000);
      // b expired a minute ago and no sweep has run: refused all the same
      await expect(s.client(b.token).me()).rejects.toMatchObject({
        status: 401,
        code: 'session_terminated',
        details: { reason: 'idle' },
      });
      await s.admin.me();
      expect(await s.services.sessions.sweepIdle()).toBeGreaterThan(0);
      expect((await s.admin.sessions({ q: 'idle@' })).items.map((x) => x.id)).toEqual([a.session.id]);
      s.clock.advance(6 * 60_000);
      await s.services.sessions.sweepIdle();
      // the admin's own session idled out too: sign in again
      s.admin.token = (
        await s.client().login({ email: 'admin@example.com', password: 'admin-password-123', client: 'tui' })
      ).token;
      const ended = await s.admin.sessions({ q: 'idle@', state: 'ended' });
      expect(ended.items.map((x) => x.endReason)).toEqual(['idle', 'idle', 'idle']);
    } finally {
      await s.admin.updateSettings({ idleTimeoutMinutes: null });
    }
  });

  it('an administrator ends a session; its holder is told so', async () => {
    const u = await activeUser(s, 'ended@example.com');
    const a = await login(u.email, { clientId: 'e1' });
    await s.admin.terminateSession(a.session.id);
    const err = await s
      .client(a.token)
      .me()
      .catch((e) => e);
    expect(err).toMatchObject({
      status: 401,
      code: 'session_terminated',
      message: 'Your session was terminated by the site administrator.',
      details: { reason: 'admin' },
    });
    const me = (await s.admin.me()).user;
    const hist = await s.admin.sessions({ state: 'ended', q: 'ended@' });
    expect(hist.items[0]).toMatchObject({ endReason: 'admin', endedBy: me.id });
    await expect(s.admin.terminateSession(a.session.id)).rejects.toMatchObject({ code: 'invalid_state' });
    await expect(s.admin.terminateSession('nope')).rejects.toMatchObject({ status: 404 });
  });

  it("ends all of a user's sessions at once", async () => {
    const u = await activeUser(s, 'all@example.com');
    await login(u.email, { clientId: 'a1' });
    await login(u.email, { clientId: 'a2' });
    expect((await s.admin.terminateUserSessions(u.id)).ended).toBe(2);
    expect((await s.admin.sessions({ q: 'all@' })).total).toBe(0);
  });
});

describe('the session grid', () => {
  it('hides explorer sessions unless asked, filters by email, sorts by any column', async () => {
    const u = await activeUser(s, 'grid@example.com');
    await login(u.email, { clientId: 'g1', client: 'explorer' });
    await login(u.email, { clientId: 'g2', client: 'tui' });
    const def = await s.admin.sessions({ q: 'grid@' });
    expect(def.items.map((x) => x.client)).toEqual(['tui']);
    const withExplorer = await s.admin.sessions({ q: 'grid@', client: 'all' });
    expect(withExplorer.items.map((x) => x.client).sort()).toEqual(['explorer', 'tui']);
    expect(def.activeCount).toBeGreaterThanOrEqual(def.total);
    for (const sort of ['email', 'client', 'address', 'userAgent', 'startedAt', 'lastActivityAt']) {
      const page = await s.admin.sessions({ sort, order: 'desc', client: 'all', limit: 1000 });
      const vals = page.items.map((x) => String((x as unknown as Record<string, unknown>)[sort]).toLowerCase());
      expect(vals).toEqual([...vals].sort().reverse());
    }
    expect(def.items[0]).not.toHaveProperty('tokenHash');
    await expect(s.admin.sessions({ client: 'fax' })).rejects.toMatchObject({ status: 400 });
  });
});

describe('live events', () => {
  it('streams session, user, license, settings and mail events over SSE', async () => {
    const events: ServerEvent[] = [];
    const ac = new AbortController();
    let opened!: () => void;
    const open = new Promise<void>((r) => (opened = r));
    const done = s.admin.events((e) => events.push(e), ac.signal, opened).catch(() => {});
    await open;
    await eventually(() => events.some((e) => e.type === 'ready'));
    const u = await activeUser(s, 'live@example.com');
    const a = await login(u.email, { clientId: 'l1' });
    await s.admin.terminateSession(a.session.id);
    await s.admin.updateSettings({ maxSessionsPerUser: 4 });
    await eventually(() =>
      events.some(
        (e) => e.type === 'session.ended' && (e.data as { session: { id: string } }).session.id === a.session.id,
      ),
    );
    const wanted = [
      'session.created',
      'session.ended',
      'user.updated',
      'license.updated',
      'mail.received',
      'settings.updated',
    ];
    await eventually(() => wanted.every((t) => events.some((e) => e.type === t))).catch((e) => {
      throw new Error(`${e.message}; missing ${wanted.filter((t) => !events.some((x) => x.type === t))}`);
    });
    ac.abort();
    await done;
    await eventually(() => s.services.ctx.bus.size === 0);
    await s.admin.updateSettings({ maxSessionsPerUser: 3 });
  });

  it('needs an admin', async () => {
    const u = await activeUser(s, 'noevents@example.com');
    const c = s.client((await login(u.email)).token);
    await expect(c.events(() => {}, new AbortController().signal)).rejects.toMatchObject({ status: 403 });
  });
});

describe('history', () => {
  it('keeps only the newest ended sessions', async () => {
    const h = await startTestServer({ config: { sessionHistory: 20 } });
    try {
      await h.admin.updateLicense({ seats: 10 });
      const u = await activeUser(h, 'hist@example.com');
      for (let i = 0; i < 30; i++)
        await h
          .client((await h.client().login({ email: u.email, password: PASSWORD, clientId: `h${i}` })).token)
          .logout();
      const ended = await h.admin.sessions({ state: 'ended', client: 'all', limit: 1000 });
      expect(ended.total).toBeLessThanOrEqual(21);
      expect(ended.total).toBeGreaterThanOrEqual(20);
      // the newest stay
      const newest = ended.items.map((x) => x.clientId);
      expect(newest).toContain('h29');
      expect(newest).not.toContain('h0');
    } finally {
      await h.stop();
      await removeDir(h.dir);
    }
  });
});

describe('a slow event subscriber', () => {
  it('is dropped instead of slowing the server or holding memory', async () => {
    const http = await import('node:http');
    const before = s.services.ctx.bus.size;
    // A client that connects and then never reads.
    const req = http.get(`${s.url}/api/events`, { headers: { authorization: `Bearer ${s.admin.token}` } });
    const res = await new Promise<import('node:http').IncomingMessage>((r) => req.once('response', r));
    expect(res.statusCode).toBe(200);
    res.pause();
    await eventually(() => s.services.ctx.bus.size === before + 1);
    const big = 'x'.repeat(4000);
    for (let i = 0; i < 5000; i++) s.services.ctx.bus.emit('settings.updated', { settings: { i, big } });
    // Other requests are still served at once, and the stalled subscriber is let go.
    expect((await s.admin.health()).status).toBe('ok');
    await eventually(() => s.services.ctx.bus.size === before, 10_000);
    req.destroy();
  });
});

describe('activity', () => {
  it('is kept in memory, written in batches, and there after a restart', async () => {
    let h = await startTestServer();
    try {
      const c = h.client((await h.client().login({ ...ADMIN, clientId: 'act' })).token);
      h.clock.advance(120_000);
      const { session } = await c.me();
      const journal = async () => (await h.services.ctx.repo.session(session.id))!.lastActivityAt;
      expect(await journal()).not.toBe(session.lastActivityAt); // not written per request
      await h.services.sessions.flushActivity();
      expect(await journal()).toBe(session.lastActivityAt);
      h = await h.restart();
      const after = await h.admin.sessions({ q: ADMIN.email, client: 'web' });
      expect(after.items.find((x) => x.id === session.id)?.lastActivityAt).toBe(session.lastActivityAt);
    } finally {
      await h.stop();
      await removeDir(h.dir);
    }
  });
});

describe('background timers', () => {
  it('the server sweeps idle sessions and writes activity on its own', async () => {
    const h = await startTestServer({ start: { sweepMs: 50, activityFlushMs: 50 } });
    try {
      const c = h.client((await h.client().login({ ...ADMIN, clientId: 'timers' })).token);
      h.clock.advance(60_000);
      const { session } = await c.me();
      // activity reaches the store without anyone calling flushActivity
      await eventually(
        async () => (await h.services.ctx.repo.session(session.id))!.lastActivityAt === session.lastActivityAt,
      );
      await h.admin.updateSettings({ idleTimeoutMinutes: 1 });
      h.clock.advance(2 * 60_000);
      // ended by the sweep timer, not by a request on the session
      await eventually(async () => (await h.services.ctx.repo.session(session.id))!.endReason === 'idle');
    } finally {
      await h.stop();
      await removeDir(h.dir);
    }
  });
});
