// seatdesk sessions list|end: the live sessions, and ending one.
import type { Command } from 'commander';
import type { PublicSession } from '../domain/schemas.js';
import { signedInClient } from './client.js';
import { dim, print, printJson, run, shortTime, table, usageExits } from './output.js';

const PAGE = 1000;

export function registerSessions(program: Command): void {
  const sessions = usageExits(program.command('sessions').description('list and end login sessions'));

  sessions
    .command('list')
    .description('list live sessions (Explorer sessions with --all)')
    .option('--all', 'include Explorer sessions')
    .option('--ended', 'ended sessions (history) instead, with the reason')
    .option('--json', 'print JSON (an array of sessions)')
    .action((opts: { all?: boolean; ended?: boolean; json?: boolean }, cmd: Command) =>
      run(async () => {
        const client = await signedInClient(cmd);
        const all: PublicSession[] = [];
        for (let offset = 0; ; offset += PAGE) {
          const page = await client.sessions({
            state: opts.ended ? 'ended' : 'live',
            client: opts.all ? 'all' : undefined,
            sort: 'startedAt',
            order: 'asc',
            offset,
            limit: PAGE,
          });
          all.push(...page.items);
          if (page.items.length < PAGE || all.length >= page.total) break;
        }
        if (opts.json) return printJson(all);
        if (all.length === 0) return print(dim(opts.ended ? 'No ended sessions.' : 'No live sessions.'));
        const header = [
          'ID',
          'EMAIL',
          'CLIENT',
          'ADDRESS',
          'STARTED',
          opts.ended ? 'ENDED' : 'LAST ACTIVITY',
          ...(opts.ended ? ['REASON'] : ['USER AGENT']),
        ];
        print(
          table(
            header,
            all.map((s) => [
              s.id,
              s.email,
              s.client,
              s.address,
              shortTime(s.startedAt),
              shortTime(opts.ended ? s.endedAt : s.lastActivityAt),
              opts.ended ? (s.endReason ?? '') : s.userAgent.slice(0, 40),
            ]),
          ),
        );
      }),
    );

  sessions
    .command('end')
    .description('end a session now (reason admin); its next request is refused')
    .argument('<id>', 'session id (from sessions list)')
    .option('--json', 'print JSON')
    .action((id: string, opts: { json?: boolean }, cmd: Command) =>
      run(async () => {
        const client = await signedInClient(cmd);
        const { session } = await client.terminateSession(id);
        if (opts.json) return printJson({ session });
        print(`Ended session ${session.id} of ${session.email} (${session.client}).`);
      }),
    );
}
