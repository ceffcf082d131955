// The built-in SMTP sink: accepts mail from local programs, saves it, then acknowledges DATA.
// Seatdesk's own mail comes in on a second, authenticated listener that other clients cannot fill.
import { open, unlink, type FileHandle } from 'node:fs/promises';
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
  const server = new SMTPServer({
    ...common,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    maxClients: MAX_CLIENTS,
  });
  const own = new SMTPServer({
    ...common,
    maxClients: MAX_OWN_CLIENTS,
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN'],
    allowInsecureAuth: true, // loopback only
    onAuth(auth, _session, callback) {
      const ok = auth.username === OWN_USER && typeof auth.password === 'string' && sameSecret(auth.password, secret);
      callback(
        ok ? null : Object.assign(new Error('Authentication failed'), { responseCode: 535 }),
        ok ? { user: OWN_USER } : undefined,
      );
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

/** Bytes of a message held in memory before they go to its file (a 25 MB message must not pile up). */
const SPILL_BYTES = 256 * 1024;
/** Bytes handed to the file but not yet written, past which the message stream is paused. */
const MAX_UNWRITTEN = 1024 * 1024;
/** What the index parses: the header block (up to 8 MB) and the start of the body. */
const HEAD_BYTES = 256 * 1024;
const MAX_HEADER_BYTES = 8 * 1024 * 1024;

/**
 * smtp-server's DATA handler: the message is written to its own file and answered 250 once that
 * file is fdatasynced and indexed. Small messages cost one open, write, fdatasync and close (what
 * any durable mail store pays); the index is parsed from the start of the message kept in memory,
 * while the fdatasync runs, and its journal commit (group-committed) does not hold up the 250.
 */
function saveMessage(mail: MailService, maxBytes: number): NonNullable<SMTPServerOptions['onData']> {
  return (stream: SMTPServerDataStream, session, callback) => {
    const { id, file, path } = mail.newFileName();
    const head: Buffer[] = [];
    let headBytes = 0;
    let headerEnded = false;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let size = 0;
    let fh: FileHandle | null = null;
    let failed: unknown = null;
    let writing: Promise<void> = Promise.resolve();
    let unwritten = 0;
    const flush = (chunks: Buffer[]) =>
      (writing = writing.then(async () => {
        if (failed) return;
        try {
          fh ??= await open(path, 'w', 0o600);
          await writeAll(fh, chunks);
        } catch (e) {
          failed = e;
        }
      }));
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit, stop keeping bytes; smtp-server drains the rest and we answer 552.
      if (stream.sizeExceeded || failed) return;
      if (headBytes < HEAD_BYTES || (!headerEnded && headBytes < MAX_HEADER_BYTES)) {
        if (!headerEnded) headerEnded = endsHeader(head.at(-1), chunk);
        head.push(chunk);
        headBytes += chunk.length;
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= SPILL_BYTES) {
        // Respect the disk's pace: past a few parts waiting to be written, read no more until
        // they are (a 25 MB message must not pile up in memory).
        const bytes = pendingBytes;
        unwritten += bytes;
        void flush(pending).then(() => {
          unwritten -= bytes;
          if (stream.isPaused() && unwritten <= MAX_UNWRITTEN) stream.resume();
        });
        if (unwritten > MAX_UNWRITTEN) stream.pause();
        pending = [];
        pendingBytes = 0;
      }
    });
    let ended = false;
    // A client that goes away mid-message: smtp-server destroys the stream, with no 'end'. The
    // part written so far goes (it was never acknowledged: left behind, the next start would index
    // it as mail), and so does its file handle (else only the garbage collector closes it).
    stream.on('close', () => {
      if (ended) return;
      void writing.then(async () => {
        await fh?.close().catch(() => {});
        fh = null;
        await unlink(path).catch(() => {});
      });
    });
    stream.on('end', async () => {
      ended = true;
      const fail = async (code: number, message: string) => {
        await fh?.close().catch(() => {});
        await unlink(path).catch(() => {});
        callback(Object.assign(new Error(message), { responseCode: code }));
      };
      await flush(pending);
      if (stream.sizeExceeded) return fail(552, `Message exceeds the fixed maximum message size of ${maxBytes} bytes`);
      if (failed)
        return fail(
          451,
          `Could not save the message (${(failed as NodeJS.ErrnoException).code ?? (failed as Error).message})`,
        );
      const saved = (async () => {
        fh ??= await open(path, 'w', 0o600);
        await fh.datasync();
        await fh.close();
        fh = null;
      })();
      let answered = false;
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
      // 250 once the file is on disk and indexed in memory; the index's journal commit follows.
      const onIndexed = () => {
        answered = true;
        callback(null, `Saved as ${id}`);
      };
      await mail.ingest(id, file, size, { from, to }, { head, saved, onIndexed }).catch(async (e) => {
        // After the 250 the file is the record: the next start indexes it again.
        if (answered) return;
        await saved.catch(() => {});
        await fail(451, `Could not save the message (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      });
    });
  };
}

/** Whether the blank line that ends the header block is in `chunk` (or spans from `prev` into it). */
function endsHeader(prev: Buffer | undefined, chunk: Buffer): boolean {
  if (chunk.includes('\r\n\r\n') || chunk.includes('\n\n')) return true;
  if (!prev) return false;
  const seam = Buffer.concat([prev.subarray(-3), chunk.subarray(0, 3)]);
  return seam.includes('\r\n\r\n') || seam.includes('\n\n');
}

/** Writes the chunks as they came (writev: no copy into one buffer), continuing after short writes. */
async function writeAll(fh: FileHandle, chunks: Buffer[]): Promise<void> {
  let rest = chunks;
  while (rest.length > 0) {
    const { bytesWritten } = await fh.writev(rest);
    if (!(bytesWritten > 0)) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    let n = bytesWritten;
    let i = 0;
    while (i < rest.length && n >= rest[i].length) n -= rest[i++].length;
    rest = rest.slice(i);
    if (n > 0) rest[0] = rest[0].subarray(n);
  }
}
