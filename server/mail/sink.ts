// The built-in SMTP sink: accepts mail from local programs, saves it, then acknowledges DATA.
import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import type { MailService } from './mail.service.js';

export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

export interface Sink {
  port: number;
  close(): Promise<void>;
}

export async function startSink(mail: MailService, host: string, port: number, maxBytes = MAX_MESSAGE_BYTES): Promise<Sink> {
  const server = new SMTPServer({
    name: 'seatdesk-sink',
    banner: 'Seatdesk mail sink',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxBytes,
    maxClients: 50,
    logger: false,
    onData(stream: SMTPServerDataStream, session, callback) {
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
    },
  });
  server.on('error', () => {}); // a client's bad behaviour must never take the server down
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
