import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SCHEMA_VERSION } from '../../src/domain/schemas.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { configFromEnv } from '../../server/config.js';
import { startServer } from '../../server/main.js';
import { realFileOps } from '../../server/store/embedded/durable-file.js';
import { SNAPSHOT_FILE, Store } from '../../server/store/embedded/store.js';
import { loadToken, saveToken } from '../../src/client/token-file.js';
import {
  ADMIN,
  EMBEDDED,
  PASSWORD,
  activeUser,
  removeDir,
  startTestServer,
  type TestServer,
} from '../helpers/server.js';

const dirs: string[] = [];
const tmp = async () => {
  const d = await mkdtemp(join(tmpdir(), 'seatdesk-rel-'));
  dirs.push(d);
  return d;
};
let servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.stop();
  servers = [];
  for (const d of dirs.splice(0)) await removeDir(d);
});

describe('durability', () => {
  it('every acknowledged change survives SIGKILL at random moments, many times over', async () => {
    const dir = await tmp();
    const acked = new Set<string>();
    let next = 0;
    for (let round = 0; round < 6; round++) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', resolve('test/helpers/write-storm.ts'), dir, String(next), String(64 * 1024)],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let buf = '';
      let ready = false;
      const readyP = new Promise<void>((r) =>
        child.stdout.on('data', (d: Buffer) => {
          buf += d.toString();
          const lines = buf.split('\n');
          buf = lines.pop()!;
          for (const l of lines) {
            if (l === 'ready' && !ready) {
              ready = true;
              r();
            } else if (l.startsWith('ack ')) acked.add(l.slice(4));
          }
        }),
      );
      const exited = new Promise((r) => child.once('exit', r));
      await readyP;
      // Let it write for a random while (the random moment of the crash), then pull the plug.
      await new Promise((r) => setTimeout(r, 30 + Math.floor(Math.random() * 250)));
      child.kill('SIGKILL');
      await exited;
      const store = await Store.open(dir);
      for (const id of acked) expect(store.get('users', id), `acknowledged ${id} lost in round ${round}`).toBeDefined();
      next = store.count('users') + 1000 * (round + 1);
      await store.close();
    }
    expect(acked.size).toBeGreaterThan(50);
  }, 60_000);

  it('an older store layout is migrated on load; a newer one is refused untouched', async () => {
    const dir = await tmp();
    const v0 = {
      site: { name: 'Old', createdAt: '2025-01-01T00:00:00.000Z' },
      license: { plan: 'trial', seats: 5, expiresAt: null },
      settings: { idleTimeoutMinutes: null, maxSessionsPerUser: 3, mailRetention: 5000 },
      users: [
        {
          id: 'u1',
          email: 'old@example.com',
          firstName: 'Old',
          lastName: 'Timer',
          status: 'active',
          userProfile: 'Default',
          adminProfile: 'Site Administrator',
          projects: [],
          passwordHash: null,
          createdAt: '2025-01-01T00:00:00.000Z',
          invitedBy: null,
          activatedAt: null,
          lastLoginAt: null,
          deactivatedAt: null,
        },
      ],
      projects: [],
      sessions: [],
      apiTokens: [],
      actionTokens: [],
      mails: [],
      audit: [],
    };
    await writeFile(join(dir, SNAPSHOT_FILE), JSON.stringify(v0));
    const store = await Store.open(dir);
    expect(store.get('users', 'u1')).toMatchObject({ email: 'old@example.com', suspendedProjects: [] });
    await store.close();
    expect(JSON.parse(await readFile(join(dir, SNAPSHOT_FILE), 'utf8')).schemaVersion).toBe(SCHEMA_VERSION);

    const newer = JSON.stringify({ ...v0, schemaVersion: 99, seq: 0 });
    await writeFile(join(dir, SNAPSHOT_FILE), newer);
    await expect(Store.open(dir)).rejects.toThrow(/newer Seatdesk/);
    expect(await readFile(join(dir, SNAPSHOT_FILE), 'utf8')).toBe(newer);
  });

  it('disk full: 503 storage_unavailable, nothing half-applied, and recovery when the disk is back', async () => {
    let full = false;
    const enospc = () => Promise.reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
    const s = await startTestServer({
      config: EMBEDDED,
      start: {
        fileOps: {
          writeDurable: (f, t) => (full ? enospc() : realFileOps.writeDurable(f, t)),
          appendDurable: (fh, t) => (full ? enospc() : realFileOps.appendDurable(fh, t)),
        },
      },
    });
    servers.push(s);
    const before = await s.admin.license();
    full = true;
    const err = await s.admin.invite({ email: 'full@example.com' }).catch((e) => e);
    expect(err).toMatchObject({ status: 503, code: 'storage_unavailable' });
    expect(err.message).toMatch(/ENOSPC/);
    full = false;
    expect((await s.admin.users({ q: 'full@' })).total).toBe(0);
    expect(await s.admin.license()).toEqual(before);
    await expect(s.admin.latestMail({ to: 'full@example.com' })).rejects.toMatchObject({ code: 'no_message' });
    const ok = await s.admin.invite({ email: 'full@example.com' });
    expect(ok.user.status).toBe('pending');
  });
});

describe('process', () => {
  it('takes over a lock left by a dead process', async () => {
    const dir = await tmp();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    }).stdout;
    await writeFile(join(dir, 'server.lock'), dead);
    const s = await startTestServer({ dir });
    servers.push(s);
    expect((await s.admin.health()).status).toBe('ok');
    expect(await readFile(join(dir, 'server.lock'), 'utf8')).toBe(String(process.pid));
  });

  it('refuses a non-loopback address unless allowed', async () => {
    const dir = await tmp();
    await expect(
      startServer({ ...configFromEnv({}), host: '0.0.0.0', port: 0, smtpPort: null, dataDir: dir }, { quiet: true }),
    ).rejects.toThrow(/--allow-remote/);
  });

  it('a corrupt store stops the server with the file named', async () => {
    const dir = await tmp();
    await writeFile(join(dir, SNAPSHOT_FILE), '{"schemaVersion":1,"se');
    await expect(startTestServer({ dir, config: EMBEDDED })).rejects.toThrow(join(dir, SNAPSHOT_FILE));
  });
});

describe('secrets', () => {
  it('rehashes a password made with older scrypt parameters at login', async () => {
    const dir = await tmp();
    const weak = await startTestServer({ dir, start: { scrypt: { N: 1024, r: 8, p: 1 } } });
    await weak.stop();
    const s = await startTestServer({ dir });
    servers.push(s);
    const hashOf = async () => (await s.services.ctx.repo.userByEmail(ADMIN.email))!.passwordHash!;
    await s.client().login(ADMIN); // startTestServer logged in already; this one checks again
    expect(await hashOf()).toMatch(/^scrypt\$4096\$8\$1\$/);
  });

  it('never writes link tokens to the request log', async () => {
    const s = await startTestServer({ config: { requestLog: true } });
    servers.push(s);
    const inv = await s.admin.invite({ email: 'log@example.com' });
    const token = inv.activationLink!.split('/').pop()!;
    await fetch(`${s.url}/activate/${token}`);
    await s.stop();
    servers = [];
    const log = await readFile(join(s.dir, 'server.log'), 'utf8');
    const lines = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        method: 'GET',
        path: '/activate/[token]',
        status: 200,
        ms: expect.any(Number),
        time: expect.any(String),
      }),
    );
    // pino's line format, field for field, so log tools that read pino's lines read these.
    for (const l of lines) expect(Object.keys(l)).toEqual(['level', 'time', 'method', 'path', 'status', 'ms']);
    expect(lines.every((l) => !Number.isNaN(Date.parse(l.time)))).toBe(true);
    expect(log).not.toContain(token);
    expect(log).not.toContain(s.admin.token!);
    dirs.push(s.dir);
  });

  it('setup is refused from a non-loopback address', async () => {
    const s = await startTestServer({ seedAdmin: false });
    servers.push(s);
    const app = createApp(s.services);
    const remote = { incoming: { socket: { remoteAddress: '10.1.2.3', remotePort: 5555, remoteFamily: 'IPv4' } } };
    const res = await app.request(
      '/api/setup',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'x@example.com', password: 'a-long-password-x' }),
      },
      remote,
    );
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('setup_local_only');
    expect(await s.services.users.needsSetup()).toBe(true);
  });

  it('the remembered console token is 0600 and ignored when others can read it', async () => {
    const dir = await tmp();
    process.env.SEATDESK_TOKEN_FILE = join(dir, 'token.json');
    try {
      await saveToken({ url: 'http://x', token: 'sds_abc', email: 'a@example.com' });
      expect(await loadToken('http://x')).toMatchObject({ token: 'sds_abc' });
      await chmod(join(dir, 'token.json'), 0o644);
      expect(await loadToken('http://x')).toBeNull();
    } finally {
      delete process.env.SEATDESK_TOKEN_FILE;
    }
  });

  it('an inactive user has no usable session or API token', async () => {
    const s = await startTestServer();
    servers.push(s);
    const u = await activeUser(s, 'gone@example.com');
    const c = s.client((await s.client().login({ email: u.email, password: PASSWORD })).token);
    const api = s.client((await c.createToken('t')).token);
    await api.me();
    await s.admin.deactivate(u.id);
    await expect(c.me()).rejects.toMatchObject({ status: 401, code: 'session_terminated' });
    await expect(api.me()).rejects.toMatchObject({ status: 403, code: 'account_inactive' });
  });
});
