// seatdesk users import FILE: bulk invite from a CSV file (or - for standard input), previewed
// first; and seatdesk users reclaim: what the reclamation policy would do, or doing it now.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ImportResponse } from '../domain/bulk-import.js';
import type { ReclaimPlan } from '../domain/reclaim.js';
import { signedInClient } from './client.js';
import { CliError, dim, EXIT, intIn, print, printJson, run, shortTime, table } from './output.js';

async function readSource(file: string): Promise<string> {
  if (file !== '-') {
    try {
      return await readFile(file, 'utf8');
    } catch (e) {
      throw new CliError(
        EXIT.notFound,
        `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`,
      );
    }
  }
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function printImport(r: ImportResponse): void {
  const p = r.preview;
  const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
  print(
    `${n(p.rows, 'row')}: ${p.valid.length} valid, ${p.invalid.length} invalid, ${n(p.duplicates.length, 'duplicate')}.`,
  );
  print(
    p.seats.enough
      ? `Seats: ${p.seats.needed} needed, ${p.seats.available} free.`
      : `Seats: ${p.seats.needed} needed, ${p.seats.available} free: ${p.seats.missing} missing.`,
  );
  const problems = [...p.invalid, ...p.duplicates].sort((a, b) => a.line - b.line);
  if (problems.length)
    print(
      table(
        ['LINE', 'EMAIL', 'PROBLEM', 'REASON'],
        problems.map((x) => [String(x.line), x.email, x.code, x.reason]),
      ),
    );
  if (p.note) print(p.note);
  if (r.dryRun) {
    print(
      dim(
        p.toInvite.length
          ? `Dry run: ${p.toInvite.length} would be invited. Run again without --dry-run to invite them.`
          : 'Dry run: nothing would be invited.',
      ),
    );
    return;
  }
  const failed = r.results.filter((x) => !x.ok);
  print(`Invited ${r.results.length - failed.length} of ${r.results.length}.`);
  if (failed.length)
    print(
      table(
        ['LINE', 'EMAIL', 'ERROR'],
        failed.map((x) => [String(x.line), x.email, `${x.error?.code}: ${x.error?.message}`]),
      ),
    );
}

function printPlan(plan: ReclaimPlan): void {
  const state = plan.policy.enabled ? 'on' : 'off';
  print(
    `Policy ${state}: deactivate after ${plan.policy.dormantDays ?? '—'} days without activity, withdraw invitations after ${plan.policy.pendingDays ?? '—'} days.` +
      (plan.policy.lastRunAt ? ` Last run ${shortTime(plan.policy.lastRunAt)}.` : ''),
  );
  if (!plan.actions.length) return print(dim('Nothing to reclaim.'));
  print(
    table(
      ['ACTION', 'EMAIL', 'REASON', 'SINCE'],
      plan.actions.map((a) => [a.action, a.email, a.reason, shortTime(a.since)]),
    ),
  );
  for (const k of plan.kept) print(dim(`Kept ${k.email}: ${k.reason}.`));
  print(`${plan.seatsFreed} seats would be freed.`);
}

/** Adds `import` and `reclaim` to the `users` command. */
export function registerUsersImport(program: Command): void {
  const users = program.commands.find((c) => c.name() === 'users');
  if (!users) throw new Error('the users command must be registered first');

  users
    .command('import')
    .description(
      'invite everyone in a CSV file (email[,first name,last name,user profile,admin profile]); previews first',
    )
    .argument('<file>', 'the CSV file, or - to read standard input')
    .option('--dry-run', 'only show what would happen')
    .option(
      '--invite-first <k>',
      'when the free seats do not cover every row, invite the first K valid rows',
      intIn('--invite-first', 1, 10_000),
    )
    .option('--json', 'print JSON (preview and per-row results)')
    .action((file: string, opts: { dryRun?: boolean; inviteFirst?: number; json?: boolean }, cmd: Command) =>
      run(async () => {
        const csv = await readSource(file);
        const client = await signedInClient(cmd);
        const r = await client.importUsers({ csv, dryRun: !!opts.dryRun, inviteFirst: opts.inviteFirst });
        if (opts.json) printJson(r);
        else printImport(r);
        // Exit 1 when any row is not (or would not be) invited: scripts see a partial import.
        const p = r.preview;
        const everyRow =
          !p.invalid.length && !p.duplicates.length && p.toInvite.length === p.rows && r.results.every((x) => x.ok);
        if (!everyRow) process.exitCode = EXIT.error;
      }),
    );

  users
    .command('reclaim')
    .description(
      'show what the seat reclamation policy would do now (deactivate dormant users, withdraw stale invitations); --run does it',
    )
    .option('--run', 'carry out the plan now (Site Administrators)')
    .option('--json', 'print JSON')
    .action((opts: { run?: boolean; json?: boolean }, cmd: Command) =>
      run(async () => {
        const client = await signedInClient(cmd);
        if (!opts.run) {
          const plan = await client.reclaimPlan();
          return opts.json ? printJson(plan) : printPlan(plan);
        }
        const r = await client.runReclaim();
        if (opts.json) return printJson(r);
        printPlan(r.plan);
        const failed = r.results.filter((x) => !x.ok);
        print(`Done: ${r.results.filter((x) => x.ok && x.changed !== false).length} changed, ${failed.length} failed.`);
        if (failed.length) process.exitCode = EXIT.error;
      }),
    );
}
