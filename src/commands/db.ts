// `seatdesk db start|stop|status|url`: a local PostgreSQL for development and tests (the server
// binaries come from npm), and `seatdesk migrate --from-data-dir` into a PostgreSQL database.
import { Command, Option } from 'commander';
import { join } from 'node:path';
import { dataDir } from '../defaults.js';

/** Clear of a system PostgreSQL on 5432. */
export const DEFAULT_PG_PORT = 54329;

export function dbCommand(): Command {
  const where = (c: Command) =>
    c
      .addOption(
        new Option('--dir <dir>', 'where the cluster lives (default: <data dir>/postgres)').env('SEATDESK_PG_DIR'),
      )
      .addOption(
        new Option('--port <port>', 'port to listen on (127.0.0.1 only)')
          .env('SEATDESK_PG_PORT')
          .default(String(DEFAULT_PG_PORT)),
      );
  const opts = (o: { dir?: string; port: string }) => ({
    dir: o.dir ?? join(dataDir(), 'postgres'),
    port: Number(o.port),
  });
  const local = () => import('../../server/store/pg/local-postgres.js');

  const db = new Command('db').description(
    'a local PostgreSQL for development and tests (for several servers sharing one database)',
  );
  where(db.command('start').description('create (first time) and start the local PostgreSQL in the background')).action(
    async (o) => {
      const { dir, port } = opts(o);
      try {
        const url = await (await local()).start({ dir, port });
        console.log(
          `PostgreSQL is running on 127.0.0.1:${port} (cluster in ${dir}).\nPoint servers at it with:\n  SEATDESK_DATABASE_URL=${url}`,
        );
      } catch (e) {
        console.error(`seatdesk db start: ${(e as Error).message}`);
        process.exitCode = 1;
      }
    },
  );
  where(db.command('stop').description('stop the local PostgreSQL')).action(async (o) => {
    const stopped = await (await local()).stop(opts(o));
    console.log(stopped ? 'PostgreSQL stopped.' : 'PostgreSQL was not running.');
  });
  where(db.command('status').description('say whether the local PostgreSQL runs, and its URL')).action(async (o) => {
    const { dir } = opts(o);
    const s = await (await local()).status({ dir });
    console.log(
      s.running
        ? `running: ${s.url}`
        : `not running${s.url ? ` (cluster in ${dir})` : ` (no cluster in ${dir} yet: seatdesk db start)`}`,
    );
    process.exitCode = s.running ? 0 : 3;
  });
  where(db.command('url').description('print the SEATDESK_DATABASE_URL of the local PostgreSQL (for scripts)')).action(
    async (o) => {
      const s = await (await local()).status(opts(o));
      if (!s.url) {
        console.error('seatdesk db url: no local cluster yet (seatdesk db start).');
        process.exitCode = 1;
      } else console.log(s.url);
    },
  );
  return db;
}
