// Starts a real Seatdesk server for a test: temp data dir, HTTP and SMTP on port 0, a movable clock.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../src/client/api-client.js';
import { configFromEnv, type ServerConfig } from '../../server/config.js';
import { startServer, type RunningServer, type StartOptions } from '../../server/main.js';
import { databaseFor, dropDatabaseOf, TEST_ENGINE } from './postgres.js';

/** Cheap scrypt for tests: the same code path, a lower cost. */
export const TEST_SCRYPT = { N: 2 ** 12, r: 8, p: 1 };
export const ADMIN = { email: 'admin@example.com', password: 'admin-password-123' };
export const PASSWORD = 'user-password-456';

/** For tests of the embedded engine's own files (snapshot, journal, disk faults): never PostgreSQL. */
export const EMBEDDED = { databaseUrl: null } as const;

export interface Clock {
  now: () => Date;
  advance(ms: number): void;
}
export function movableClock(): Clock {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (ms) => (offset += ms) };
}

export interface TestServer extends RunningServer {
  dir: string;
  clock: Clock;
  config: ServerConfig;
  client(token?: string | null): ApiClient;
  /** A client signed in as the seeded Site Administrator. */
  admin: ApiClient;
  restart(): Promise<TestServer>;
  stop(): Promise<void>;
}

export async function startTestServer(
  opts: { dir?: string; seedAdmin?: boolean; config?: Partial<ServerConfig>; start?: StartOptions; clock?: Clock } = {},
): Promise<TestServer> {
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'seatdesk-test-')));
  const clock = opts.clock ?? movableClock();
  const config: ServerConfig = {
    ...configFromEnv({}),
    port: 0,
    smtpPort: 0,
    dataDir: dir,
    publicUrl: 'http://localhost:4780',
    requestLog: false,
    ...(opts.seedAdmin === false ? {} : { adminEmail: ADMIN.email, adminPassword: ADMIN.password }),
    // The whole suite runs on either engine: SEATDESK_TEST_ENGINE=postgres gives each data dir its own database.
    databaseUrl: TEST_ENGINE === 'postgres' ? await databaseFor(dir) : null,
    ...opts.config,
  };
  const running = await startServer(config, {
    now: clock.now,
    scrypt: TEST_SCRYPT,
    quiet: true,
    heartbeatMs: 1000,
    ...opts.start,
  });
  const client = (token: string | null = null) => new ApiClient(running.url, { token });
  const admin = client();
  if (opts.seedAdmin !== false)
    admin.token = (await admin.login({ ...ADMIN, client: 'tui', terminateOldest: true })).token;
  const ts: TestServer = {
    ...running,
    dir,
    clock,
    config,
    client,
    admin,
    stop: () => running.close(),
    restart: async () => {
      await running.close();
      return startTestServer({ ...opts, dir, clock });
    },
  };
  return ts;
}

export async function removeDir(dir: string): Promise<void> {
  await dropDatabaseOf(dir);
  await rm(dir, { recursive: true, force: true });
}

/** Invites, reads the activation link and activates: an active user with PASSWORD. */
export async function activeUser(
  s: TestServer,
  email: string,
  extra: { userProfile?: 'Tester'; adminProfile?: 'User Administrator' | 'Site Administrator' } = {},
) {
  const inv = await s.admin.invite({ email, ...extra });
  const token = inv.activationLink!.split('/').pop()!;
  const { user } = await s.client().activate({ token, password: PASSWORD, firstName: 'Test', lastName: 'User' });
  return user;
}

/**
 * Polls until `fn` returns a truthy value, or fails after the deadline. The deadline only bounds a
 * failure: it is generous because a loaded two-core machine can take seconds for what is instant
 * on a quiet one.
 */
export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
