// A child process for crash tests: the real server on a data dir, its mail sent to a given SMTP
// URL; it prints its URL, and the parent kills it with SIGKILL whenever it likes.
import { configFromEnv } from '../../server/config.js';
import { startServer } from '../../server/main.js';
import { ADMIN, TEST_SCRYPT } from './server.js';

const [dataDir, smtpUrl] = process.argv.slice(2);
const s = await startServer(
  {
    ...configFromEnv({}),
    port: 0,
    smtpPort: null,
    smtpUrl,
    dataDir,
    databaseUrl: process.env.SEATDESK_DATABASE_URL || null,
    requestLog: false,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
  },
  { scrypt: TEST_SCRYPT, quiet: true },
);
process.stdout.write(`ready ${s.url}\n`);
