// `seatdesk migrate --from-data-dir DIR`: copies an embedded store (users, seats, sessions, tokens,
// audit, outbox, captured mail with its raw source) into an empty PostgreSQL database, and
// prints the counts of both sides.
import { Command, Option } from 'commander';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('copy an embedded store (a data dir) into an empty PostgreSQL database')
    .requiredOption('--from-data-dir <dir>', 'the data dir of the embedded store (its server must be stopped)')
    .addOption(
      new Option('--database-url <url>', 'the PostgreSQL database to fill (postgres://…)')
        .env('SEATDESK_DATABASE_URL')
        .makeOptionMandatory(),
    )
    .action(async (o: { fromDataDir: string; databaseUrl: string }) => {
      const { migrateDataDir } = await import('../../server/store/pg/migrate-data-dir.js');
      try {
        const { source, target } = await migrateDataDir(o.fromDataDir, o.databaseUrl);
        const rows = Object.keys(source).map(
          (k) =>
            `  ${k.padEnd(13)} ${String(source[k as keyof typeof source]).padStart(8)} ${String(target[k as keyof typeof target]).padStart(8)}`,
        );
        console.log(
          `Copied ${o.fromDataDir} into the database.\n  ${'records'.padEnd(13)} ${'store'.padStart(8)} ${'database'.padStart(8)}\n${rows.join('\n')}`,
        );
        const differ = Object.keys(source).filter(
          (k) => source[k as keyof typeof source] !== target[k as keyof typeof target],
        );
        if (differ.length) {
          console.error(`The counts differ for ${differ.join(', ')}.`);
          process.exitCode = 1;
        }
      } catch (e) {
        console.error(`seatdesk migrate: ${(e as Error).message}`);
        process.exitCode = 1;
      }
    });
}
