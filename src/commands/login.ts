// seatdesk login: sign in from the command line and remember it, as the console does (so the
// scripting commands and the console share one sign-in; seatdesk logout ends it).
import { hostname, userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { ApiClient } from '../client/api-client.js';
import { saveToken } from '../client/token-file.js';
import { CliError, EXIT, print, run, usageExits } from './output.js';

async function readStdin(): Promise<string> {
  let data = '';
  for await (const chunk of process.stdin) data += String(chunk);
  return data.replace(/\r?\n$/, '');
}

/** Asks for the password on the terminal without echoing it. */
function askHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    process.stderr.write(question);
    out._writeToOutput = () => {};
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

export function registerLogin(program: Command): void {
  usageExits(program.command('login'))
    .description('sign in and remember it for the console and the scripting commands')
    .requiredOption('--email <email>', 'login email of a Site or User Administrator')
    .option('--password-stdin', 'read the password from standard input (for scripts)')
    .action((opts: { email: string; passwordStdin?: boolean }, cmd: Command) =>
      run(async () => {
        const url = (cmd.optsWithGlobals().url as string).replace(/\/+$/, '');
        let password: string;
        if (opts.passwordStdin) password = await readStdin();
        else if (process.stdin.isTTY) password = await askHidden(`Password for ${opts.email}: `);
        else
          throw new CliError(
            EXIT.usage,
            'no terminal to ask for the password: pass it on standard input with --password-stdin.',
          );
        // One client id per machine and account, so signing in again reuses the same session
        // instead of using up the session limit.
        const clientId = `cli-${userInfo().username}@${hostname()}`;
        const client = new ApiClient(url);
        const r = await client.login({ email: opts.email, password, client: 'tui', clientId });
        if (!r.user.adminProfile) {
          await new ApiClient(url, { token: r.token }).logout().catch(() => {});
          throw new CliError(
            EXIT.error,
            `${r.user.email} is not an administrator; Seatdesk's console and commands are for Site and User Administrators.`,
          );
        }
        await saveToken({ url, token: r.token, email: r.user.email });
        print(`Signed in to ${url} as ${r.user.email} (${r.user.adminProfile}).`);
      }),
    );
}
