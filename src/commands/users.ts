// seatdesk users list|invite|deactivate|reactivate|resend|reset: user administration from scripts.
import { Option, type Command } from 'commander';
import type { LinkResult } from '../client/api-client.js';
import { ADMIN_PROFILES, USER_PROFILES, USER_STATUSES } from '../domain/catalogue.js';
import type { AdminProfile, PublicUser, UserProfile, UserStatus } from '../domain/schemas.js';
import { signedInClient, userByEmail } from './client.js';
import { dim, intIn, print, printJson, run, shortTime, table, usageExits } from './output.js';

const PAGE = 1000;
const name = (u: PublicUser) => [u.firstName, u.lastName].filter(Boolean).join(' ');
const mailNote = (mail: unknown): string => {
  const m = mail as { sent?: boolean; error?: string; status?: string };
  if (m.status) return `mail ${m.status}`;
  return m.sent ? 'mailed' : `not mailed${m.error ? ` (${m.error})` : ''}`;
};

export function registerUsers(program: Command): void {
  const users = usageExits(
    program.command('users').description('list and manage users (tables, or --json for scripts)'),
  );

  users
    .command('list')
    .description('list users')
    .addOption(new Option('--status <status>', 'only users with this status').choices(USER_STATUSES))
    .option(
      '--dormant <days>',
      'only dormant users: active, no login or session activity for this many days',
      intIn('--dormant', 1, 3650),
    )
    .option(
      '--pending <days>',
      'only stale invitations: pending, invited more than this many days ago, link never used',
      intIn('--pending', 1, 3650),
    )
    .option('--json', 'print JSON (an array of users)')
    .action((opts: { status?: UserStatus; dormant?: number; pending?: number; json?: boolean }, cmd: Command) =>
      run(async () => {
        const client = await signedInClient(cmd);
        const all: PublicUser[] = [];
        for (let offset = 0; ; offset += PAGE) {
          const page = await client.users({
            status: opts.status,
            dormantDays: opts.dormant,
            pendingOlderThanDays: opts.pending,
            sort: 'email',
            order: 'asc',
            offset,
            limit: PAGE,
          });
          all.push(...page.items);
          if (page.items.length < PAGE || all.length >= page.total) break;
        }
        if (opts.json) return printJson(all);
        if (all.length === 0) return print(dim(opts.status ? `No ${opts.status} users.` : 'No users.'));
        print(
          table(
            ['EMAIL', 'NAME', 'STATUS', 'PROFILE', 'ADMIN', 'LAST LOGIN', 'LAST ACTIVE'],
            all.map((u) => [
              u.email,
              name(u),
              u.status,
              u.userProfile,
              u.adminProfile ?? '',
              shortTime(u.lastLoginAt),
              shortTime(u.lastActiveAt ?? u.lastLoginAt),
            ]),
          ),
        );
      }),
    );

  users
    .command('invite')
    .description('invite a user: a pending account, a seat and an activation mail')
    .argument('<email>', 'login email')
    .addOption(new Option('--profile <profile>', 'user profile').choices(USER_PROFILES))
    .addOption(new Option('--admin-profile <profile>', 'admin profile').choices(ADMIN_PROFILES))
    .option('--json', 'print JSON (user, activationLink, mail)')
    .action(
      (email: string, opts: { profile?: UserProfile; adminProfile?: AdminProfile; json?: boolean }, cmd: Command) =>
        run(async () => {
          const client = await signedInClient(cmd);
          const r = await client.invite({ email, userProfile: opts.profile, adminProfile: opts.adminProfile });
          if (opts.json) return printJson(r);
          print(`Invited ${r.user.email} (${r.user.userProfile}), ${mailNote(r.mail)}.`);
          print(`Activation link: ${r.activationLink}`);
        }),
    );

  const lifecycle: {
    name: string;
    description: string;
    call: (
      c: Awaited<ReturnType<typeof signedInClient>>,
      id: string,
    ) => Promise<{ user: PublicUser; mail?: unknown } & Partial<LinkResult>>;
    done: string;
  }[] = [
    {
      name: 'deactivate',
      description: 'deactivate a user: the seat is freed, sessions end, API tokens stop',
      call: async (c, id) => c.deactivate(id),
      done: 'Deactivated',
    },
    {
      name: 'reactivate',
      description: 'reactivate a user (needs a free seat)',
      call: (c, id) => c.reactivate(id),
      done: 'Reactivated',
    },
    {
      name: 'resend',
      description: 'send a pending user a new activation link (the old one stops working)',
      call: (c, id) => c.resendActivation(id),
      done: 'Sent a new activation link to',
    },
    {
      name: 'reset',
      description: "send a password reset link; the user's sessions and API tokens end at once",
      call: (c, id) => c.resetPassword(id),
      done: 'Sent a password reset link to',
    },
  ];
  for (const l of lifecycle) {
    users
      .command(l.name)
      .description(l.description)
      .argument('<email>', 'login email')
      .option('--json', 'print JSON')
      .action((email: string, opts: { json?: boolean }, cmd: Command) =>
        run(async () => {
          const client = await signedInClient(cmd);
          const user = await userByEmail(client, email);
          const r = await l.call(client, user.id);
          if (opts.json) return printJson(r);
          print(`${l.done} ${r.user.email}: now ${r.user.status}${r.mail ? `, ${mailNote(r.mail)}` : ''}.`);
          const link = r.activationLink ?? r.resetLink;
          if (link) print(`${r.activationLink ? 'Activation' : 'Reset'} link: ${link}`);
        }),
      );
  }
}
