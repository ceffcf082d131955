// The background server that `seatdesk` starts when none answers: start, status, stop.
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataDir, defaultPort, defaultUrl } from './defaults.js';

export { defaultPort, defaultUrl };

const pidFile = () => join(dataDir(), 'server.pid');

export async function health(url: string, timeoutMs = 1500): Promise<{ status: string; version: string } | null> {
  try {
    const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok ? ((await res.json()) as { status: string; version: string }) : null;
  } catch {
    return null;
  }
}

export const isLocalDefault = (url: string): boolean => {
  const u = new URL(url);
  return (u.hostname === '127.0.0.1' || u.hostname === 'localhost') && Number(u.port || 80) === defaultPort();
};

/**
 * Starts `seatdesk server` detached, logging to the data dir, and waits until it answers. A server
 * that exits is noticed at once; the long deadline is for a busy machine, where a first start
 * (compiling the TypeScript, opening the store) has taken more than 15 s.
 */
export async function startBackground(url: string, waitMs = 60_000): Promise<void> {
  await mkdir(dataDir(), { recursive: true });
  const log = openSync(join(dataDir(), 'server.out.log'), 'a', 0o600);
  const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'seatdesk.js');
  const child = spawn(process.execPath, [bin, 'server'], {
    detached: true,
    stdio: ['ignore', log, log],
    env: process.env,
  });
  child.unref();
  await writeFile(pidFile(), String(child.pid), { mode: 0o600 });
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (await health(url, 500)) return;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`The background server did not start; see ${join(dataDir(), 'server.out.log')}.`);
}

export async function status(url: string): Promise<number> {
  const h = await health(url);
  const pid = await readFile(pidFile(), 'utf8').catch(() => null);
  if (h) {
    console.log(`running: ${url} (version ${h.version}${pid ? `, pid ${pid.trim()}` : ''})`);
    return 0;
  }
  console.log(`not running: nothing answers at ${url}`);
  return 3;
}

export async function stop(): Promise<number> {
  const pid = Number((await readFile(pidFile(), 'utf8').catch(() => '')).trim());
  if (!pid) {
    console.log('No background server was started from this data dir.');
    return 1;
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    console.log(`The background server (pid ${pid}) is not running.`);
    await unlink(pidFile()).catch(() => {});
    return 1;
  }
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
      await new Promise((r) => setTimeout(r, 100));
    } catch {
      await unlink(pidFile()).catch(() => {});
      console.log(`Stopped the background server (pid ${pid}).`);
      return 0;
    }
  }
  console.log(`The server (pid ${pid}) did not stop within 10 s.`);
  return 1;
}

/** What the console says on quit: the server keeps running, and how to stop it. */
export async function serverStillRunningNote(url: string): Promise<string> {
  const pid = Number((await readFile(pidFile(), 'utf8').catch(() => '')).trim());
  let background = false;
  try {
    background = pid > 0 && process.kill(pid, 0);
  } catch {
    // no such process: the pid file is stale
  }
  return background
    ? `The Seatdesk server at ${url} keeps running in the background (pid ${pid}); stop it with: npx seatdesk stop\n`
    : `The Seatdesk server at ${url} keeps running; stop it where it was started (Ctrl+C, or kill its process).\n`;
}

/**
 * Before the console opens: a server must answer at `url`. The local default is started in the
 * background when nothing answers; another URL is reported. Returns false (with the reason on
 * stderr) when no server can be had.
 */
export async function ensureServer(url: string): Promise<boolean> {
  if (await health(url)) return true;
  if (!isLocalDefault(url)) {
    console.error(`seatdesk: no Seatdesk server answers at ${url}.`);
    return false;
  }
  process.stdout.write(`Starting the Seatdesk server in the background (data in ${dataDir()})…\n`);
  try {
    await startBackground(url);
    return true;
  } catch (e) {
    console.error(`seatdesk: ${(e as Error).message}`);
    return false;
  }
}
