// The built-in SMTP sink: accepts mail from local programs, saves it, then acknowledges DATA.
// Seatdesk's own mail comes in on a second, authenticated listener that other clients cannot fill.
import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions } from 'smtp-server';
import type { MailService } from './mail.service.js';

export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
/** Connections any local program may hold on the sink's port at once; past it they get 421. */
export const MAX_CLIENTS = 50;
/** Idle time after which a client is disconnected (421), so idle or stalled clients give their slot back. */
export const IDLE_TIMEOUT_MS = 30_000;
/** Seatdesk's own mailer holds at most its pool (16) on the reserved listener; room to spare. */
const MAX_OWN_CLIENTS = 32;
const OWN_USER = 'seatdesk';

export interface Sink {
  port: number;
  /**
   * Where Seatdesk's own mail goes: a second listener on loopback that only takes mail
   * authenticated with this process's secret, so clients filling the public port's slots never
   * starve Seatdesk's invitations. Holds the secret: never log it.
   */
  ownUrl: string;
  close(): Promise<void>;
}

export interface SinkOptions {
  maxBytes?: number;
  idleTimeoutMs?: number;
}

export async function startSink(mail: MailService, host: string, port: number, opts: SinkOptions = {}): Promise<Sink> {
  const maxBytes = opts.maxBytes ?? MAX_MESSAGE_BYTES;
  const idle = opts.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  const secret = randomBytes(24).toString('base64url');
  const common = {
    name: 'seatdesk-sink',
    banner: 'Seatdesk mail sink',
    size: maxBytes,
    logger: false,
    disableReverseLookup: true, // a local sink has no use for the client's host name, and it costs a lookup per connection
    socketTimeout: idle,
    closeTimeout: 2_000,
    onData: saveMessage(mail, maxBytes),
  } satisfies SMTPServerOptions;
  const server = new SMTPServer({ ...common, authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'], maxClients: MAX_CLIENTS });
  const own = new SMTPServer({
    ...common,
    maxClients: MAX_OWN_CLIENTS,
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN'],
    allowInsecureAuth: true, // loopback only
    onAuth(auth, _session, callback) {
      const ok = auth.username === OWN_USER && typeof auth.password === 'string' && sameSecret(auth.password, secret);
      callback(ok ? null : Object.assign(new Error('Authentication failed'), { responseCode: 535 }), ok ? { user: OWN_USER } : undefined);
    },
  });
  await listen(server, port, host);
  try {
    await listen(own, 0, '127.0.0.1');
  } catch (e) {
    await closeServer(server);
    throw e;
  }
  return {
    port: (server.server.address() as AddressInfo).port,
    ownUrl: `smtp://${OWN_USER}:${secret}@127.0.0.1:${(own.server.address() as AddressInfo).port}`,
    close: async () => {
      await Promise.all([closeServer(server), closeServer(own)]);
    },
  };
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

function listen(server: SMTPServer, port: number, host: string): Promise<void> {
  server.on('error', () => {}); // a client's bad behaviour must never take the server down
  return new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
}

const closeServer = (server: SMTPServer) => new Promise<void>((resolve) => server.close(() => resolve()));

/** smtp-server's DATA handler: the message is saved and indexed before the 250. */
function saveMessage(mail: MailService, maxBytes: number): NonNullable<SMTPServerOptions['onData']> {
  return (stream: SMTPServerDataStream, session, callback) => {
    const { id, file, path } = mail.newFileName();
    const out = createWriteStream(path, { mode: 0o600 });
    let size = 0;
    let failed: Error | null = null;
    out.on('error', (e) => (failed = e));
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit, stop keeping bytes; smtp-server drains the rest and we answer 552.
      if (stream.sizeExceeded || failed) return;
      // Respect the disk's pace: a 25 MB message must not pile up in memory.
      if (!out.write(chunk)) {
        stream.pause();
        out.once('drain', () => stream.resume());
      }
    });
    stream.on('end', () => {
      out.end(async () => {
        if (stream.sizeExceeded || failed) {
          await unlink(path).catch(() => {});
          const err = new Error(
            stream.sizeExceeded ? `Message exceeds the fixed maximum message size of ${maxBytes} bytes` : 'Could not save the message',
          ) as Error & { responseCode: number };
          err.responseCode = stream.sizeExceeded ? 552 : 451;
          return callback(err);
        }
        try {
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          await mail.ingest(id, file, size, { from, to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()) });
          callback(null, `Saved as ${id}`);
        } catch (e) {
          await unlink(path).catch(() => {});
          const err = new Error(`Could not save the message: ${(e as Error).message}`) as Error & { responseCode: number };
          err.responseCode = 451;
          callback(err);
        }
      });
    });
  };
}
