// The peer for the sink benchmark: a bare smtp-server that writes each message to its own file and
// fdatasyncs it before answering 250. Nothing else: no parsing, no index.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

const [dir, port] = [process.argv[2], Number(process.argv[3] ?? 0)];
let n = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  disableReverseLookup: true,
  logger: false,
  onData(stream, _session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', async () => {
      try {
        const fh = await open(join(dir, `${++n}.eml`), 'w', 0o600);
        try {
          await fh.writeFile(Buffer.concat(chunks));
          await fh.datasync();
        } finally {
          await fh.close();
        }
        callback(null, 'Saved');
      } catch (e) {
        callback(e as Error);
      }
    });
  },
});
server.listen(port, '127.0.0.1', () => console.log('listening'));
