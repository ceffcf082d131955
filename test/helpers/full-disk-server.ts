// A child process for crash tests: the real server on a disk that fills on command.
// stdin lines "fill <bytes>" and "free" are answered "ok"; the parent kills it with SIGKILL.
import { createInterface } from 'node:readline';
import { configFromEnv } from '../../server/config.js';
import { startServer } from '../../server/main.js';
import { fullDisk } from './full-disk.js';
import { ADMIN, TEST_SCRYPT } from './server.js';

const disk = fullDisk();
const s = await startServer(
  {
    ...configFromEnv({}),
    port: 0,
    smtpPort: 0,
    dataDir: process.argv[2],
    requestLog: false,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
  },
  { scrypt: TEST_SCRYPT, quiet: true, fileOps: disk.fileOps },
);
process.stdout.write(`ready ${s.url} ${s.smtpPort}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const [verb, arg] = line.split(' ');
  if (verb === 'fill') disk.fill(Number(arg));
  else if (verb === 'free') disk.free();
  process.stdout.write('ok\n');
}
