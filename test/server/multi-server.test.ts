// Two servers on one PostgreSQL database, as behind a load balancer: what one does, the other
// shows (and streams live); the rules hold across both; one dying loses no acknowledged write.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../../src/client/api-client.js';
import type { ServerEvent } from '../../src/client/api-client.js';
import { dropDatabase } from '../../server/store/pg/local-postgres.js';
import { newTestDatabase } from '../helpers/postgres.js';
import { ADMIN, eventually, removeDir, startTestServer, type TestServer } from '../helpers/server.js';

const servers: TestServer[] = [];
const children: ChildProcess[] = [];
const dbs: string[] = [];
const dirs: string[] = [];
const aborts: AbortController[] = [];
afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort();
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const s of servers.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) await removeDir(d);
  for (const u of dbs.splice(0)) await dropDatabase(u).catch(() => {});
});

async function twoServers(): Promise<[TestServer, TestServer, string]> {
  const url = await newTestDatabase();
  dbs.push(url);
  const a = await startTestServer({ config: { databaseUrl: url } });
  const b = await startTestServer({ config: { databaseUrl: url } });
  servers.push(a, b);
  dirs.push(a.dir, b.dir);
  return [a, b, url];
}

/** Streams a server's /api/events into an array, as the console does; resolves once the stream is open. */
async function listen(client: ApiClient): Promise<ServerEvent[]> {
  const got: ServerEvent[] = [];
  const ac = new AbortController();
  aborts.push(ac);
  await new Promise<void>((opened, failed) => void client.events((e) => got.push(e), ac.signal, opened).catch(failed));
  return got;
}

const setSeats = (s: TestServer, seats: number) => s.admin.updateLicense({ seats });

describe('several servers over one PostgreSQL database', () => {
  it("shows an invitation made on A in B's user list and live in B's event stream; a session ended on B is refused on A", async () => {
    const [a, b] = await twoServers();
    const onB = await listen(b.admin);
    const { user } = await a.admin.invite({ email: 'carol@example.com' });
    expect((await b.admin.users({ q: 'carol' })).items.map((u) => u.id)).toEqual([user.id]);
    await eventually(() => onB.some((e) => e.type === 'user.updated' && JSON.stringify(e.data).includes(user.id)));
    // A's sink captured the invitation; B serves it, raw source included (both live in the database).
    const { mail } = await b.admin.latestMail({ to: 'carol@example.com', wait: 10 });
    expect(await b.admin.rawMail(mail.id)).toContain('/activate/');

    // A session opened on A, ended by the administrator on B.
    const onA = await listen(a.admin);
    const viaA = a.client();
    const { session, token } = await viaA.login({ ...ADMIN, client: 'web', clientId: 'browser-1' });
    viaA.token = token;
    expect((await viaA.me()).user.email).toBe(ADMIN.email);
    await b.admin.terminateSession(session.id);
    await eventually(() => onA.some((e) => e.type === 'session.ended' && JSON.stringify(e.data).includes(session.id)));
    const refused = await viaA.me().catch((e: ApiError) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 401, code: 'session_terminated' });
  });

  it('gives the last seat to exactly one of 50 concurrent invitations split across both servers', async () => {
    const [a, b] = await twoServers();
    await setSeats(a, (await a.admin.license()).held + 1);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).admin.invite({ email: `last${i}@example.com` })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect((r.reason as ApiError).code).toBe('no_available_licenses');
    expect(await b.admin.license()).toMatchObject({ available: 0 });
  });

  it('keeps serving on B when A is killed mid-burst, with every acknowledged write present', async () => {
    const url = await newTestDatabase();
    dbs.push(url);
    const b = await startTestServer({ config: { databaseUrl: url } });
    servers.push(b);
    dirs.push(b.dir);
    await setSeats(b, 10_000);
    // A runs in its own process, so it can be killed outright.
    const aDir = await mkdtemp(join(tmpdir(), 'seatdesk-multi-'));
    dirs.push(aDir);
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve('src/cli.ts'),
        'server',
        '--port',
        '0',
        '--smtp-port',
        'off',
        '--data-dir',
        aDir,
        '--database-url',
        url,
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, SEATDESK_URL: '' },
      },
    );
    children.push(child);
    const aUrl = await new Promise<string>((done, fail) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /Seatdesk (http:\/\/\S+)/.exec(out);
        if (m) done(m[1]);
      });
      child.once('exit', (code) => fail(new Error(`server A exited (${code}): ${out}`)));
    });
    const a = new ApiClient(aUrl, { token: b.admin.token }); // one database: B's session works on A

    const acked: string[] = [];
    const failedOnB: unknown[] = [];
    let killed = false;
    const burst = Array.from({ length: 120 }, async (_, i) => {
      const email = `burst${i}@example.com`;
      const onA = i % 2 === 0;
      try {
        await (onA ? a : b.admin).invite({ email });
        acked.push(email);
        if (onA && !killed && acked.length >= 20) {
          killed = true;
          child.kill('SIGKILL');
        }
      } catch (e) {
        if (!onA) failedOnB.push(e);
      }
    });
    await Promise.all(burst);
    expect(killed).toBe(true);
    expect(failedOnB).toEqual([]); // B kept serving throughout
    expect(acked.length).toBeGreaterThanOrEqual(60);
    const present = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await b.admin.users({ q: 'burst', limit: 100, cursor } as never);
      for (const u of page.items) present.add(u.email);
      cursor = (page as { nextCursor?: string | null }).nextCursor ?? undefined;
    } while (cursor);
    for (const email of acked) expect(present.has(email), `${email} was acknowledged but is missing`).toBe(true);
    // And B still works for a fresh sign-in.
    expect((await b.client().login({ ...ADMIN, client: 'tui', terminateOldest: true })).user.email).toBe(ADMIN.email);
  }, 60_000);
});
