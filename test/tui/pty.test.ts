// The real `seatdesk` binary in a real terminal (tmux): first run starts the server in the
// background, shows setup, then the Users screen, and quitting restores the terminal.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers/server.js';

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

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => res(p));
    });
  });
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
    await waitScreen((s) => s.includes('create the Site Administrator'), 'the setup screen', 30_000);
    tmux('send-keys', '-t', 'c', 'pty@example.com', 'Tab', 'pty-admin-password', 'Tab', 'pty-admin-password', 'Enter');
    const users = await waitScreen((s) => s.includes('Licenses:') && s.includes('pty@example.com'), 'the Users screen');
    expect(users).toMatch(/Seats 1\/5 ▰▱▱▱▱ 4 available/);
    expect(users).toContain('● live');
    tmux('send-keys', '-t', 'c', 'q');
    const after = await waitScreen((s) => s.includes('EXITED 0'), 'the exit');
    expect(after).not.toContain('Licenses:'); // the alternate screen is gone
  }, 90_000);
});
