// seatdesk users import / reclaim and list --dormant: the real binary against a real server.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/domain/reclaim.js';
import { activeUser, removeDir, startTestServer, type TestServer } from '../helpers/server.js';

const BIN = resolve('bin/seatdesk.js');
let s: TestServer;
let home = '';
let token = '';

function seatdesk(args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const env = {
      ...process.env,
      HOME: home,
      SEATDESK_TOKEN_FILE: join(home, 'token.json'),
      SEATDESK_URL: s.url,
      SEATDESK_TOKEN: token,
      NO_COLOR: '1',
    };
    const child = execFile(process.execPath, [BIN, ...args], { env, timeout: 60_000 }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'seatdesk-cli-import-'));
  s = await startTestServer();
  await s.admin.updateLicense({ plan: 'standard', seats: 20 });
  token = (await s.admin.createToken('import tests')).token;
});
afterAll(async () => {
  await s.stop();
  await removeDir(s.dir);
  await removeDir(home);
});

describe('seatdesk users import', () => {
  it('--dry-run previews (problems by line, exit 1 when a row would not be invited) and changes nothing', async () => {
    const file = join(home, 'team.csv');
    await writeFile(file, 'email,first name\nann@example.com,Ann\nnot-an-address,X\n');
    const r = await seatdesk(['users', 'import', file, '--dry-run']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('2 rows: 1 valid, 1 invalid, 0 duplicates.');
    expect(r.stdout).toMatch(/^3\s+not-an-address\s+invalid_email\s+/m);
    expect(r.stdout).toContain('Dry run: 1 would be invited.');
    expect((await s.admin.users({ q: 'ann@' })).total).toBe(0);
  });

  it('invites from standard input (exit 0 when every row is invited); a missing file is exit 3', async () => {
    const r = await seatdesk(['users', 'import', '-'], 'bo@example.com,Bo,,Tester\ncy@example.com\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Invited 2 of 2.');
    expect((await s.admin.users({ q: 'bo@' })).items[0]).toMatchObject({
      firstName: 'Bo',
      userProfile: 'Tester',
      status: 'pending',
    });
    const missing = await seatdesk(['users', 'import', join(home, 'nope.csv')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/cannot read .*nope\.csv: no such file/);
  });
});

describe('seatdesk users list --dormant and users reclaim', () => {
  it('lists dormant users and shows what the policy would do', async () => {
    await activeUser(s, 'sleeper@example.com');
    s.clock.advance(100 * DAY_MS);
    try {
      await s.admin.me();
      await s.services.sessions.flushActivity();
      const list = await seatdesk(['users', 'list', '--dormant', '90']);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(/^sleeper@example\.com\s/m);
      expect(list.stdout).not.toContain('admin@example.com');
      const plan = await seatdesk(['users', 'reclaim']);
      expect(plan.code).toBe(0);
      expect(plan.stdout).toContain('Policy off: deactivate after 90 days');
      expect(plan.stdout).toMatch(/^deactivate\s+sleeper@example\.com\s+dormant/m);
      expect(plan.stdout).toMatch(/^withdraw\s+bo@example\.com\s+stale_invitation/m);
    } finally {
      s.clock.advance(-100 * DAY_MS);
    }
  });
});
