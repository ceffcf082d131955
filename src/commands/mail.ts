// seatdesk mail latest: the newest captured message to someone, waiting for it if need be; --link
// prints just its activation or reset link, for scripts that go on to open it.
import type { Command } from 'commander';
import { CliError, EXIT, intIn, print, printJson, run, shortTime, usageExits } from './output.js';
import { signedInClient } from './client.js';

export function registerMail(program: Command): void {
  const mail = usageExits(program.command('mail').description('read the mail Seatdesk captured'));

  mail
    .command('latest')
    .description('the newest message to an address (exit 3 if none arrives)')
    .requiredOption('--to <email>', 'recipient (To, Cc or Bcc)')
    .option('--subject <text>', 'only messages whose subject contains this')
    .option('--wait <seconds>', 'wait up to this long for one to arrive (at most 30)', intIn('--wait', 0, 30), 0)
    .option('--link', "print only the message's activation or reset link")
    .option('--json', 'print the whole message as JSON')
    .action((opts: { to: string; subject?: string; wait: number; link?: boolean; json?: boolean }, cmd: Command) =>
      run(async () => {
        const client = await signedInClient(cmd);
        const { mail: entry } = await client.latestMail({ to: opts.to, subject: opts.subject, wait: opts.wait });
        const { mail: m } = await client.mail(entry.id);
        if (opts.link) {
          const link = m.links.find((l) => l.kind !== 'other');
          if (!link)
            throw new CliError(
              EXIT.notFound,
              `the newest message to ${opts.to} ("${m.subject}") has no activation or reset link.`,
            );
          return print(link.url);
        }
        if (opts.json) return printJson(m);
        const lines = [
          `Subject: ${m.subject}`,
          `From:    ${m.from}`,
          `To:      ${m.to.join(', ')}`,
          ...(m.cc.length ? [`Cc:      ${m.cc.join(', ')}`] : []),
          ...(m.bcc.length ? [`Bcc:     ${m.bcc.join(', ')}`] : []),
          `Date:    ${shortTime(m.date)}`,
          ...m.attachments.map(
            (a, i) => `Attachment ${i}: ${a.filename ?? '(unnamed)'} (${a.contentType}, ${a.size} bytes)`,
          ),
          ...m.links
            .filter((l) => l.kind !== 'other')
            .map((l) => `${l.kind === 'activation' ? 'Activation' : 'Reset'} link: ${l.url}`),
          '',
          (m.text || m.htmlText || '').trimEnd(),
        ];
        print(lines.join('\n'));
      }),
    );
}
