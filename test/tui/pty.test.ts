// The real `seatdesk` binary in a real terminal (tmux): first run starts the server in the
// background, shows setup, then the Users screen, and quitting restores the terminal.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers/server.js';
import { freePort } from '../helpers/net.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `seatdesk-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'c');

async function waitScreen(test: (s: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = screen();
    if (test(s)) return s;
    if (Date.now() > deadline) throw new Error(`terminal never showed ${what}:\n${s}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!hasTmux)('seatdesk in a terminal', () => {
  let dir = '';
  let env: Record<string, string> = {};
  afterAll(async () => {
    spawnSync(process.execPath, [resolve('bin/seatdesk.js'), 'stop'], { env: { ...process.env, ...env } });
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    if (dir) await removeDir(dir);
  });

  it('opens, shows the Users screen, and restores the terminal on quit', async () => {
    dir = await mkdtemp(join(tmpdir(), 'seatdesk-pty-'));
    const port = await freePort();
    env = {
      SEATDESK_DATA_DIR: join(dir, 'data'),
      SEATDESK_PORT: String(port),
      SEATDESK_SMTP_PORT: String(await freePort()),
      SEATDESK_TOKEN_FILE: join(dir, 'token.json'),
      SEATDESK_PREFS_FILE: join(dir, 'console.json'),
    };
    const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const cmd = `env ${envArgs.join(' ')} ${process.execPath} ${resolve('bin/seatdesk.js')}; echo "EXITED $?"; sleep 60`;
    tmux('new-session', '-d', '-s', 'c', '-x', '80', '-y', '24', cmd);
    await waitScreen((s) => s.includes('create the Site Administrator'), 'the setup screen', 70_000); // the console waits up to 60 s for the server it starts
    tmux(
      'send-keys',
      '-t',
      'c',
      'pty@example.com',
      'Tab',
      'Pat',
      'Tab',
      'Tab',
      'pty-admin-password',
      'Tab',
      'pty-admin-password',
      'Enter',
    );
    const users = await waitScreen((s) => s.includes('Licenses:') && s.includes('pty@example.com'), 'the Users screen');
    expect(users).toMatch(/Seats 1\/5 ▰▱▱▱▱ 4 available/);
    expect(users).toContain('● live');
    tmux('send-keys', '-t', 'c', 'q');
    const after = await waitScreen((s) => s.includes('EXITED 0'), 'the exit');
    expect(after).not.toContain('Licenses:'); // the alternate screen is gone
  }, 120_000);
});

const hasScript = spawnSync('script', ['--version']).status === 0;

describe.skipIf(!hasScript)('seatdesk when the terminal goes away', () => {
  it('a hang-up (an SSH connection dropping) ends it cleanly and restores the terminal', async () => {
    const { startTestServer } = await import('../helpers/server.js');
    const { saveToken } = await import('../../src/client/token-file.js');
    const { execSync, spawn: spawnChild } = await import('node:child_process');
    const s = await startTestServer();
    const tdir = await mkdtemp(join(tmpdir(), 'seatdesk-hup-'));
    const env = {
      ...process.env,
      SEATDESK_TOKEN_FILE: join(tdir, 'token.json'),
      SEATDESK_PREFS_FILE: join(tdir, 'prefs.json'),
    };
    process.env.SEATDESK_TOKEN_FILE = env.SEATDESK_TOKEN_FILE;
    try {
      await saveToken({ url: s.url, token: s.admin.token!, email: 'admin@example.com' });
      // `script` gives the console a real pseudo-terminal and passes its output through.
      const p = spawnChild(
        'script',
        ['-qfec', `node bin/seatdesk.js --url ${s.url}; echo "EXITED $?"; sleep 10`, '/dev/null'],
        { stdio: ['pipe', 'pipe', 'pipe'], env },
      );
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const until = async (check: () => boolean, what: string) => {
        const deadline = Date.now() + 30_000;
        while (!check()) {
          if (Date.now() > deadline) throw new Error(`never saw ${what}:\n${out.slice(-500)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      await until(() => out.includes('Licenses:'), 'the Users screen');
      const pids = execSync('ps -eo pid=,args=', { encoding: 'utf8' })
        .split('\n')
        .filter((l) => /^\s*\d+ node bin\/seatdesk\.js --url /.test(l) && l.includes(s.url))
        .map((l) => Number(l.trim().split(' ')[0]));
      expect(pids).toHaveLength(1);
      process.kill(pids[0], 'SIGHUP');
      await until(() => /EXITED \d+/.test(out), 'the exit');
      expect(/EXITED (\d+)/.exec(out)![1]).toBe('0');
      expect(out.lastIndexOf('\x1b[?1049l')).toBeGreaterThan(out.lastIndexOf('Licenses:')); // left the alternate screen
      p.kill();
    } finally {
      delete process.env.SEATDESK_TOKEN_FILE;
      await s.stop();
      await removeDir(s.dir);
      await removeDir(tdir);
    }
  }, 60_000);
});
