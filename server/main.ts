// The composition root and the only file that listens: store, services, SMTP sink, HTTP server.
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Email } from '../src/domain/schemas.js';
import { DEFAULT_SCRYPT, type ScryptParams } from '../src/domain/passwords.js';
import { monitorLoopDelay } from './loop-delay.js';
import { createApp } from './app.js';
import { isLoopback, type ServerConfig } from './config.js';
import type { Ctx } from './context.js';
import { EventBus, type BusEvent } from './events.js';
import { answerClientErrors } from './http/client-error.js';
import { Mailer } from './mail/mailer.js';
import { openRequestLog, type RequestLog } from './request-log.js';
import { startSink, type Sink } from './mail/sink.js';
import { createServices, type Services } from './services.js';
import { OutboxSender } from './mail/outbox.js';
import type { FileOps } from './store/embedded/durable-file.js';
import { EmbeddedRepository } from './store/embedded/embedded.repository.js';
import { PgRepository } from './store/pg/pg.repository.js';
import type { Repository } from './store/repository.js';

export interface StartOptions {
  now?: () => Date;
  scrypt?: ScryptParams;
  fileOps?: FileOps;
  heartbeatMs?: number;
  /** How often idle sessions are swept and activity is written. */
  sweepMs?: number;
  activityFlushMs?: number;
  /** How often the server checks whether the daily seat-reclamation run is due. */
  policyTickMs?: number;
  /** Idle SMTP clients of the sink are disconnected after this long. */
  smtpIdleTimeoutMs?: number;
  /** Print where it listens. */
  quiet?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  smtpPort: number | null;
  services: Services;
  close(): Promise<void>;
}

export class ServerStartError extends Error {}

export async function startServer(config: ServerConfig, opts: StartOptions = {}): Promise<RunningServer> {
  if (!isLoopback(config.host) && !config.allowRemote)
    throw new ServerStartError(
      `Refusing to listen on ${config.host}: it is not a loopback address. Pass --allow-remote to expose Seatdesk on purpose.`,
    );
  const now = opts.now ?? (() => new Date());
  const release = await takeLock(config.dataDir);
  const cleanups: (() => Promise<void> | void)[] = [release];
  const cleanup = async () => {
    for (const f of cleanups.reverse()) await f();
  };
  try {
    const bus = new EventBus();
    const publish = (e: BusEvent) => bus.emit(e.type, e.data);
    const repo: Repository = config.databaseUrl
      ? await PgRepository.open({ url: config.databaseUrl, now, sessionHistory: config.sessionHistory, publish })
      : await EmbeddedRepository.open(config.dataDir, {
          fileOps: opts.fileOps,
          now,
          sessionHistory: config.sessionHistory,
          publish,
        });
    cleanups.push(() => repo.close());
    // What other servers sharing the database commit reaches this one's caches and event streams.
    const offRemote = repo.onRemoteEvent?.(publish);
    if (offRemote) cleanups.push(offRemote);
    const ctx: Ctx = {
      repo,
      bus,
      config,
      now,
      scrypt: opts.scrypt ?? config.scrypt ?? DEFAULT_SCRYPT,
      mailMode: { mode: 'off', sinkPort: null },
    };
    const services = createServices(ctx);
    await services.mail.init();

    let sink: Sink | null = null;
    if (config.smtpPort !== null) {
      sink = await startSink(services.mail, config.smtpHost, config.smtpPort, {
        idleTimeoutMs: opts.smtpIdleTimeoutMs,
      });
      cleanups.push(() => sink!.close());
    }
    const smtpUrl = config.smtpUrl ?? sink?.ownUrl ?? null;
    const mailer = new Mailer(smtpUrl, config.mailFrom);
    ctx.mailMode = { mode: config.smtpUrl ? 'relay' : sink ? 'sink' : 'off', sinkPort: sink?.port ?? null };
    cleanups.push(() => mailer.close());
    // The outbox sends in the background, from what the repository holds (also what a crash left).
    const outbox = new OutboxSender(ctx, mailer);
    services.outbox = outbox;
    outbox.start();
    cleanups.push(() => outbox.stop());

    if (config.adminEmail && config.adminPassword) {
      const email = Email.safeParse(config.adminEmail);
      if (!email.success)
        throw new ServerStartError(
          `SEATDESK_ADMIN_EMAIL ${JSON.stringify(config.adminEmail)}: ${email.error.issues[0].message}.`,
        );
      await services.users.seedAdmin(email.data, config.adminPassword);
    }

    let log: RequestLog | null = null;
    if (config.requestLog) {
      log = openRequestLog(join(config.dataDir, 'server.log'));
      cleanups.push(() => log!.close());
    }
    const loop = monitorLoopDelay();
    cleanups.push(() => loop.stop());
    const app = createApp(services, { heartbeatMs: opts.heartbeatMs, loop });
    const fetch = log ? log.wrap(app.fetch as never) : app.fetch;

    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: fetch as typeof app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
      s.once('error', reject);
    });
    answerClientErrors(server as unknown as import('node:http').Server);
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          server.close(() => r());
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        }),
    );
    const port = (server.address() as AddressInfo).port;

    const sweep = setInterval(() => void services.sessions.sweepIdle().catch(() => {}), opts.sweepMs ?? 10_000);
    const flush = setInterval(
      () => void services.sessions.flushActivity().catch(() => {}),
      opts.activityFlushMs ?? 5_000,
    );
    sweep.unref();
    flush.unref();
    services.reclaim.start(opts.policyTickMs ?? 60_000);
    cleanups.push(() => services.reclaim.stop());
    cleanups.push(async () => {
      clearInterval(sweep);
      clearInterval(flush);
      await services.sessions.flushActivity().catch(() => {});
    });

    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const url = `http://${host}:${port}`;
    if (!opts.quiet) {
      console.log(
        `Seatdesk ${url} (data ${config.dataDir}${config.databaseUrl ? `, database ${config.databaseUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')}` : ''})`,
      );
      const relay = config.smtpUrl?.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@'); // never print a password
      console.log(
        `Mail sink ${sink ? `smtp://${config.smtpHost}:${sink.port}` : 'off'}; Seatdesk's mail goes to ${relay ?? (sink ? 'the sink' : 'nowhere (mail is off)')}`,
      );
      if (!isLoopback(config.host))
        console.log(`WARNING: listening on ${config.host}, reachable from other machines (--allow-remote).`);
    }
    let closing: Promise<void> | null = null;
    return { url, port, smtpPort: sink?.port ?? null, services, close: () => (closing ??= cleanup()) };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** One server per data dir: a lock file holding the pid; a dead pid's lock is taken over. */
async function takeLock(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'server.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      return () => unlink(file).catch(() => {});
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (pid && pid !== process.pid && alive(pid))
        throw new ServerStartError(
          `Another Seatdesk server (pid ${pid}) is using ${dir}. Stop it first (seatdesk stop), or use another SEATDESK_DATA_DIR.`,
        );
      if (pid === process.pid) throw new ServerStartError(`This process already runs a Seatdesk server on ${dir}.`);
      await unlink(file).catch(() => {});
    }
  }
  throw new ServerStartError(`Could not take the lock ${file}.`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
