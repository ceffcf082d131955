// The seatdesk command: the console by default; server, status, stop and logout.
import { Command, Option } from 'commander';

// React's development build does heavy per-render bookkeeping (it profiles changed props), which
// a 100k-row grid cannot afford. Set before the console's dynamic import loads React.
process.env['NODE_ENV'] ??= 'production';
import { registerScriptCommands } from './commands/index.js';
import { defaultUrl, VERSION } from './defaults.js';

const program = new Command()
  .name('seatdesk')
  .description('Seatdesk: licensed seats, user accounts and login sessions, administered from the terminal.')
  .version(VERSION, '-v, --version')
  .option('--read-only', 'open the console with every changing key disabled')
  .addOption(new Option('--url <url>', 'server to connect to').env('SEATDESK_URL').default(defaultUrl()))
  .action(async (opts: { readOnly?: boolean; url: string }) => {
    // Ink draws only a final frame when CI is set; a full-screen console in a real terminal must
    // draw live whatever the shell exports. Decided before Ink is first imported.
    if (process.stdout.isTTY)
      for (const k of ['CI', 'CONTINUOUS_INTEGRATION']) if (k in process.env) process.env[k] = '0';
    const problem = (await import('../tui/terminal.js')).terminalProblem();
    if (problem) {
      console.error(problem);
      process.exit(1);
    }
    const url = opts.url.replace(/\/+$/, '');
    // The console only talks HTTP: a server must answer before it opens (the local default is
    // started). The console's code loads meanwhile.
    const daemon = await import('./daemon.js');
    const [{ runConsole }, up] = await Promise.all([import('../tui/main.js'), daemon.ensureServer(url)]);
    if (!up) process.exit(1);
    const code = await runConsole({ url, readOnly: !!opts.readOnly });
    if (code === 0) process.stdout.write(await daemon.serverStillRunningNote(url));
    process.exit(code);
  });

program
  .command('server')
  .description('run the Seatdesk server in the foreground')
  .addOption(new Option('-p, --port <port>', 'HTTP port').env('SEATDESK_PORT'))
  .addOption(new Option('--host <host>', 'address to bind').env('SEATDESK_HOST'))
  .addOption(new Option('--smtp-port <port>', 'SMTP sink port, or "off"').env('SEATDESK_SMTP_PORT'))
  .addOption(new Option('--data-dir <dir>', 'data directory').env('SEATDESK_DATA_DIR'))
  .addOption(new Option('--public-url <url>', 'base URL used in mailed links').env('SEATDESK_PUBLIC_URL'))
  .addOption(
    new Option('--smtp-url <url>', 'send mail through this relay instead of the sink').env('SEATDESK_SMTP_URL'),
  )
  .addOption(
    new Option('--database-url <url>', 'use this PostgreSQL database (postgres://…) instead of the embedded store').env(
      'SEATDESK_DATABASE_URL',
    ),
  )
  .option('--allow-remote', 'allow binding a non-loopback address')
  .action(async (opts: Record<string, string | boolean | undefined>) => {
    const { runServer } = await import('./commands/server.js');
    await runServer(opts);
  });

program.addCommand((await import('./commands/db.js')).dbCommand());
program.addCommand((await import('./commands/migrate.js')).migrateCommand());

program
  .command('status')
  .description('show whether a background server is running')
  .action(async () => {
    const { status } = await import('./daemon.js');
    process.exitCode = await status(program.opts().url);
  });

program
  .command('stop')
  .description('stop the background server')
  .action(async () => {
    const { stop } = await import('./daemon.js');
    process.exitCode = await stop();
  });

program
  .command('logout')
  .description('sign out: end the remembered console session and forget it')
  .action(async () => {
    const { forgetToken, loadToken } = await import('./client/token-file.js');
    const { ApiClient, ApiError } = await import('./client/api-client.js');
    const { exitCodeOf } = await import('./commands/output.js');
    const url = program.opts().url as string;
    const remembered = await loadToken(url);
    // End the session on the server too, not just forget it here; say so when that did not happen
    // (a 401 means it had already ended).
    let problem: Error | null = null;
    if (remembered) {
      try {
        await new ApiClient(url, { token: remembered.token }).logout();
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 401)) problem = e as Error;
      }
    }
    await forgetToken();
    if (!remembered) console.log('No remembered sign-in.');
    else if (!problem)
      console.log(`Signed out ${remembered.email}: the session is ended and the remembered token deleted.`);
    else {
      process.stderr.write(
        `seatdesk: ${problem.message} The remembered token is deleted here, but the session is not ended: end it from the console's Sessions screen.\n`,
      );
      process.exitCode = exitCodeOf(problem);
    }
  });

registerScriptCommands(program);

await program.parseAsync(process.argv);
