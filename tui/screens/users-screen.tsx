// "Licenses - Users": the user grid and its actions.
import { Box, Text, useInput } from 'ink';
import { useEffect } from 'react';
import type { MailQueued, PublicUser } from '../../src/domain/schemas.js';
import { GridFooter, GridView } from '../components/grid.js';
import { shortTime } from '../format.js';
import { useGrid, type Column } from '../hooks/use-grid.js';
import { theme } from '../theme.js';
import type { ScreenProps } from './screen-props.js';

const STATUS_COLOR: Record<PublicUser['status'], 'ok' | 'warn' | 'muted'> = { active: 'ok', pending: 'warn', inactive: 'muted' };

export const USER_COLUMNS: Column<PublicUser>[] = [
  { key: 'email', title: 'Login email', width: { flex: 3, min: 14 }, get: (u) => u.email, color: (u) => theme()[STATUS_COLOR[u.status]] },
  { key: 'name', title: 'Name', width: { flex: 2, min: 8 }, get: (u) => `${u.firstName} ${u.lastName}`.trim() },
  { key: 'status', title: 'Status', width: 8, get: (u) => u.status },
  { key: 'userProfile', title: 'Profile', width: 13, get: (u) => u.userProfile },
  { key: 'adminProfile', title: 'Admin', width: 10, get: (u) => (u.adminProfile === 'Site Administrator' ? 'Site' : u.adminProfile === 'User Administrator' ? 'User' : '') },
  { key: 'lastLoginAt', title: 'Last login', width: 11, get: (u) => shortTime(u.lastLoginAt), sortValue: (u) => u.lastLoginAt ?? '' },
];

const CHANGING = new Set(['d', 'r', 'a', 'p', 'e']);

export function UsersScreen(p: ScreenProps) {
  const t = theme();
  const grid = useGrid(p.res.users, USER_COLUMNS, {
    height: Math.max(1, p.height - 3),
    prefs: p.prefs,
    onPrefs: p.savePrefs,
    filterText: (u) => `${u.email} ${u.firstName} ${u.lastName}`,
    defaultSort: 'email',
  });
  const { dispatch } = p;
  useEffect(() => dispatch({ type: 'capture', on: grid.filtering }), [grid.filtering, dispatch]);

  useInput(
    (input, key) => {
      if (grid.handleKey(input, key)) return;
      const u = grid.selected;
      if (input === 'i') {
        if (p.act.mayChange()) p.act.open({ kind: 'invite' });
        return;
      }
      if (!u) return;
      if (key.return) p.act.open({ kind: 'details', user: u });
      else if (input === 'm') dispatch({ type: 'mailTo', email: u.email });
      else if (CHANGING.has(input) && !p.act.mayChange()) return;
      else if (input === 'e') p.act.open({ kind: 'edit', user: u });
      else if (input === 'd')
        p.act.open({
          kind: 'confirm',
          title: 'Deactivate user',
          message: `Deactivate ${u.email}? Their seat is freed, they leave every project, and all their sessions end now.`,
          confirmLabel: 'Deactivate',
          run: async () => void (await p.act.run(() => p.client.deactivate(u.id), () => `${u.email} deactivated; seat freed.`)),
        });
      else if (input === 'r')
        p.act.open({
          kind: 'confirm',
          title: 'Reactivate user',
          message: `Reactivate ${u.email}? This takes a seat and restores their projects.`,
          confirmLabel: 'Reactivate',
          run: async () =>
            void (await p.act.run(
              () => p.client.reactivate(u.id),
              (r) => `${u.email} reactivated (${r.user.status}). A notice is on its way by mail.`,
            )),
        });
      else if (input === 'a')
        p.act.open({
          kind: 'confirm',
          title: 'Resend activation',
          message: `Send ${u.email} a new activation link? The old link stops working.`,
          confirmLabel: 'Resend',
          run: async () => {
            const r = await p.act.run(() => p.client.resendActivation(u.id), () => `New activation link for ${u.email}.`);
            if (r) p.act.open({ kind: 'link', title: 'Activation Link', link: r.activationLink!, note: mailNote(r.mail) });
          },
        });
      else if (input === 'p')
        p.act.open({
          kind: 'confirm',
          title: 'Reset password',
          message: `Reset the password of ${u.email}? All their sessions and API tokens end now, and they get a one-hour reset link.`,
          confirmLabel: 'Reset',
          run: async () => {
            const r = await p.act.run(() => p.client.resetPassword(u.id), () => `Password reset for ${u.email}.`);
            if (r) p.act.open({ kind: 'link', title: 'Password Reset Link', link: r.resetLink!, note: mailNote(r.mail) });
          },
        });
    },
    { isActive: p.active },
  );

  const lic = p.res.license;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" color={t.muted}>
        {lic ? `Licenses: ${lic.plan} plan, ${lic.seats} seats, ${lic.held} held, ${lic.available} available` : 'Loading…'}
        {'  ·  i invite  d deactivate  r reactivate  a resend  p reset  e edit  m mail'}
      </Text>
      <GridView grid={grid} columns={USER_COLUMNS} width={p.width} empty={p.res.loaded ? (grid.filter ? 'No user matches the filter.' : 'No users yet. Press i to invite one.') : 'Loading…'} />
      <GridFooter grid={grid} total={p.res.users.length} noun="users" />
    </Box>
  );
}

export const mailNote = (m: MailQueued) =>
  m.status === 'failed' ? 'The mail could not be sent; give the link to the user yourself.' : 'The link is also on its way by mail (see the Mail screen).';
