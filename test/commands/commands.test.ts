// The scripting commands: the real seatdesk binary against a real server, signed in with
// SEATDESK_TOKEN or the console's remembered sign-in; tables, JSON, stderr and exit codes.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicSession, PublicUser } from '../../src/domain/schemas.js';
import { saveToken } from '../../src/client/token-file.js';
import { freePort } from '../helpers/net.js';
import { activeUser, ADMIN, eventually, removeDir, startTestServer, type TestServer } from '../helpers/server.js';

const BIN = resolve('bin/seatdesk.js');
let s: TestServer;
let home = '';
let apiToken = '';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
function seatdesk(args: string[], env: Record<string, string | undefined> = {}, input?: string): Promise<Run> {
  return new Promise((done) => {
    const fullEnv: Record<string, string | undefined> = {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      SEATDESK_TOKEN_FILE: join(home, 'token.json'),
      SEATDESK_URL: s.url,
      SEATDESK_TOKEN: apiToken,
      NO_COLOR: '1',
      ...env,
    };
    for (const k of Object.keys(fullEnv)) if (fullEnv[k] === undefined) delete fullEnv[k];
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: fullEnv as NodeJS.ProcessEnv, timeout: 60_000 },
      (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input ?? '');
  });
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'seatdesk-cli-'));
  s = await startTestServer({ config: { publicUrl: 'http://localhost:4780' } });
  apiToken = (await s.admin.createToken('cli tests')).token;
});
afterAll(async () => {
  await s.stop();
  await removeDir(s.dir);
  await removeDir(home);
});

describe('seatdesk users', () => {
  it('invites, lists as a table and as JSON, and filters by status', async () => {
    const inv = await seatdesk(['users', 'invite', 'Dana@Example.com', '--profile', 'Tester']);
    expect(inv.stderr).toBe('');
    expect(inv.code).toBe(0);
    expect(inv.stdout).toMatch(/^Invited dana@example\.com \(Tester\)/);
    expect(inv.stdout).toMatch(/Activation link: http:\/\/localhost:4780\/activate\/act_\S+\n$/);

    const list = await seatdesk(['users', 'list'], { NO_COLOR: undefined, FORCE_COLOR: '1' });
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\x1b\[1mEMAIL\s+NAME\s+STATUS\s+PROFILE\s+ADMIN\s+LAST LOGIN\s+LAST ACTIVE\x1b\[22m$/);
    expect(lines.some((l) => /^dana@example\.com\s+pending\s+Tester\s+—\s+—$/.test(l))).toBe(true);
    const plain = await seatdesk(['users', 'list'], { NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(plain.stdout).not.toContain('\x1b[');
    expect(plain.stdout.split('\n')[0]).toMatch(/^EMAIL\s+NAME/);

    const json = await seatdesk(['users', 'list', '--status', 'pending', '--json']);
    const users = JSON.parse(json.stdout) as PublicUser[];
    expect(users.map((u) => u.email)).toEqual(['dana@example.com']);
    expect(users[0]).not.toHaveProperty('passwordHash');
  });

  it('resends, resets, deactivates and reactivates by email', async () => {
    await activeUser(s, 'eve@example.com');
    const resend = await seatdesk(['users', 'resend', 'dana@example.com']);
    expect(resend.code).toBe(0);
    expect(resend.stdout).toMatch(/Activation link: http:\/\/localhost:4780\/activate\/act_/);

    const reset = await seatdesk(['users', 'reset', 'eve@example.com', '--json']);
    expect(reset.code).toBe(0);
    expect((JSON.parse(reset.stdout) as { resetLink: string }).resetLink).toMatch(/\/reset-password\/rst_/);

    const off = await seatdesk(['users', 'deactivate', 'eve@example.com']);
    expect(off.stdout).toBe('Deactivated eve@example.com: now inactive.\n');
    expect((await s.admin.users({ status: 'inactive' })).items.map((u) => u.email)).toEqual(['eve@example.com']);

    const again = await seatdesk(['users', 'deactivate', 'eve@example.com']);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^seatdesk: eve@example\.com is already inactive\.\n$/);

    const on = await seatdesk(['users', 'reactivate', 'eve@example.com']);
    expect(on.code).toBe(0);
    expect(on.stdout).toMatch(/^Reactivated eve@example\.com: now active/);
  });

  it('exits 3 for an unknown user, 2 for bad usage, and says why on stderr', async () => {
    const missing = await seatdesk(['users', 'deactivate', 'nobody@example.com']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe('seatdesk: no user has the login email nobody@example.com.\n');

    const badChoice = await seatdesk(['users', 'list', '--status', 'sleeping']);
    expect(badChoice.code).toBe(2);
    expect(badChoice.stderr).toContain("argument 'sleeping' is invalid");

    const help = await seatdesk(['users', 'invite', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--profile <profile>');
  });
});

describe('seatdesk sessions', () => {
  it('lists live sessions and ends one by id; ending it again is an error', async () => {
    const bob = await activeUser(s, 'bob@example.com');
    const login = await s
      .client()
      .login({ email: bob.email, password: 'user-password-456', client: 'web', clientId: 'cli-test' });

    const list = await seatdesk(['sessions', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(
      /^ID\s+EMAIL\s+CLIENT\s+ADDRESS\s+STARTED\s+LAST ACTIVITY\s+USER AGENT$/,
    );
    expect(list.stdout).toContain(login.session.id);

    const end = await seatdesk(['sessions', 'end', login.session.id]);
    expect(end.code).toBe(0);
    expect(end.stdout).toBe(`Ended session ${login.session.id} of bob@example.com (web).\n`);
    await expect(s.client(login.token).me()).rejects.toMatchObject({ code: 'session_terminated' });

    const ended = await seatdesk(['sessions', 'list', '--ended']);
    expect(ended.stdout).toMatch(new RegExp(`${login.session.id}.*admin`));

    const missing = await seatdesk(['sessions', 'end', 'no-such-session']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^seatdesk: No session has the id "no-such-session"\.\n$/);
  });
});

describe('seatdesk mail latest', () => {
  it('waits for the message, prints it, or just its link; exit 3 when nothing comes', async () => {
    // The invitation is sent while the command is already waiting (its wait listens on the event bus).
    const listeners = s.services.ctx.bus.size;
    const waiting = seatdesk(['mail', 'latest', '--to', 'fay@example.com', '--wait', '20', '--link']);
    await eventually(() => s.services.ctx.bus.size > listeners, 20_000);
    const inv = await s.admin.invite({ email: 'fay@example.com' });
    const link = await waiting;
    expect(link.stderr).toBe('');
    expect(link.code).toBe(0);
    expect(link.stdout).toBe(`${inv.activationLink}\n`);

    const full = await seatdesk(['mail', 'latest', '--to', 'fay@example.com']);
    expect(full.stdout).toMatch(/^Subject: .+\nFrom: +\S+\nTo: +fay@example\.com\n/);
    expect(full.stdout).toContain(`Activation link: ${inv.activationLink}`);

    const none = await seatdesk(['mail', 'latest', '--to', 'ghost@example.com', '--wait', '1']);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/^seatdesk: No message to ghost@example\.com has arrived\.\n$/);

    const tooLong = await seatdesk(['mail', 'latest', '--to', 'x@example.com', '--wait', '31']);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toContain('--wait must be a whole number from 0 to 30');
  });
});

describe('seatdesk tokens and signing in', () => {
  it('creates a token that works as SEATDESK_TOKEN, printing only the token', async () => {
    const created = await seatdesk(['tokens', 'create', 'ci']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^sdk_\S+\n$/);
    const r = await seatdesk(['users', 'list', '--json'], { SEATDESK_TOKEN: created.stdout.trim() });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as PublicUser[]).some((u) => u.email === ADMIN.email)).toBe(true);
  });

  it("uses the console's remembered sign-in when SEATDESK_TOKEN is not set", async () => {
    process.env.SEATDESK_TOKEN_FILE = join(home, 'token.json');
    try {
      const login = await s.client().login({ ...ADMIN, client: 'tui', clientId: 'cli-remembered' });
      await saveToken({ url: s.url, token: login.token, email: ADMIN.email });
    } finally {
      delete process.env.SEATDESK_TOKEN_FILE;
    }
    const r = await seatdesk(['sessions', 'list', '--json'], { SEATDESK_TOKEN: undefined });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as PublicSession[]).some((x) => x.clientId === 'cli-remembered')).toBe(true);
  });

  it('login --password-stdin remembers the sign-in; signing in again reuses the same session', async () => {
    const env = { SEATDESK_TOKEN: undefined, SEATDESK_TOKEN_FILE: join(home, 'login.json') };
    const wrong = await seatdesk(['login', '--email', ADMIN.email, '--password-stdin'], env, 'not-the-password\n');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe('seatdesk: The email or password is not correct.\n');

    const first = await seatdesk(['login', '--email', ADMIN.email, '--password-stdin'], env, `${ADMIN.password}\n`);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe(`Signed in to ${s.url} as ${ADMIN.email} (Site Administrator).\n`);
    const clientId = `cli-${userInfo().username}@${hostname()}`; // one per machine and account
    const live = async () =>
      (await s.admin.sessions({ client: 'all' })).items.filter((x) => x.clientId === clientId).length;
    expect(await live()).toBe(1);
    await seatdesk(['login', '--email', ADMIN.email, '--password-stdin'], env, `${ADMIN.password}\n`);
    expect(await live()).toBe(1);

    const list = await seatdesk(['users', 'list', '--json'], env);
    expect(list.code).toBe(0);
    const out = await seatdesk(['logout'], env);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`Signed out ${ADMIN.email}`);
    expect(await live()).toBe(0);
  });

  it('says when not signed in (exit 1) and when no server answers (exit 3)', async () => {
    const signedOut = await seatdesk(['users', 'list'], {
      SEATDESK_TOKEN: undefined,
      SEATDESK_TOKEN_FILE: join(home, 'none.json'),
    });
    expect(signedOut.code).toBe(1);
    expect(signedOut.stderr).toMatch(
      /^seatdesk: not signed in to http:\/\/127\.0\.0\.1:\d+: sign in once with the console/,
    );

    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const down = await seatdesk(['users', 'list'], { SEATDESK_URL: nowhere });
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/^seatdesk: Cannot reach the server at http:\/\/127\.0\.0\.1:\d+/);
  });
});
