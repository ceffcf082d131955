// `seatdesk server`: runs the server in the foreground until SIGTERM/SIGINT.
import { configFromEnv } from '../../server/config.js';
import { startServer } from '../../server/main.js';

export async function runServer(opts: Record<string, string | boolean | undefined>): Promise<void> {
  const env = { ...process.env };
  const set = (key: string, v: unknown) => {
    if (typeof v === 'string') env[key] = v;
  };
  set('SEATDESK_PORT', opts.port);
  set('SEATDESK_HOST', opts.host);
  set('SEATDESK_SMTP_PORT', opts.smtpPort);
  set('SEATDESK_DATA_DIR', opts.dataDir);
  set('SEATDESK_PUBLIC_URL', opts.publicUrl);
  set('SEATDESK_SMTP_URL', opts.smtpUrl);
  set('SEATDESK_DATABASE_URL', opts.databaseUrl);
  let server;
  try {
    const config = { ...configFromEnv(env), allowRemote: !!opts.allowRemote };
    server = await startServer(config);
  } catch (e) {
    console.error(`seatdesk server: ${(e as Error).message}`);
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
