// seatdesk tokens create|list|revoke: API tokens for scripts (SEATDESK_TOKEN).
import type { Command } from 'commander';
import { signedInClient } from './client.js';
import { dim, print, printJson, run, shortTime, table, usageExits } from './output.js';

export function registerTokens(program: Command): void {
  const tokens = usageExits(program.command('tokens').description('your API tokens, for scripts (SEATDESK_TOKEN)'));

  tokens
    .command('create')
    .description(
      'create an API token and print it (shown once); requests with it never count against the session limit',
    )
    .argument('<name>', 'what the token is for')
    .option('--json', 'print JSON (id, name, token, createdAt)')
    .action((name: string, opts: { json?: boolean }, cmd: Command) =>
      run(async () => {
        const client = await signedInClient(cmd);
        const t = await client.createToken(name);
        if (opts.json) return printJson(t);
        // Only the token on stdout, so `export SEATDESK_TOKEN=$(seatdesk tokens create ci)` works.
        print(t.token);
        if (process.stderr.isTTY) process.stderr.write(dim(`Token "${t.name}" (${t.id}) is shown this once.\n`));
      }),
    );

  tokens
    .command('list')
    .description('list your API tokens (never their secrets)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }, cmd: Command) =>
      run(async () => {
        const { items } = await (await signedInClient(cmd)).listTokens();
        if (opts.json) return printJson(items);
        if (items.length === 0) return print(dim('No API tokens.'));
        print(
          table(
            ['ID', 'NAME', 'CREATED', 'LAST USED'],
            items.map((t) => [t.id, t.name, shortTime(t.createdAt), shortTime(t.lastUsedAt)]),
          ),
        );
      }),
    );

  tokens
    .command('revoke')
    .description('revoke one of your API tokens')
    .argument('<id>', 'token id (from tokens list)')
    .action((id: string, _opts: unknown, cmd: Command) =>
      run(async () => {
        await (await signedInClient(cmd)).revokeToken(id);
        print(`Revoked API token ${id}.`);
      }),
    );
}
