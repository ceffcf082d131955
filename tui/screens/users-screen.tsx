// "Licenses - Users": the user grid; its commands live in use-user-actions.
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import type { PublicSession, PublicUser } from '../../src/domain/schemas.js';
import { commandFor } from '../commands.js';
import { GridFooter, GridView } from '../components/grid.js';
import { shortTime } from '../format.js';
import { useGrid, type Column } from '../hooks/use-grid.js';
import { useUserActions } from '../hooks/use-user-actions.js';
import { LAYER, useKeys } from '../input/key-router.js';
import { theme } from '../theme.js';
import { useOptions, type ScreenProps } from './screen-props.js';

const STATUS_COLOR: Record<PublicUser['status'], 'ok' | 'warn' | 'muted'> = { active: 'ok', pending: 'warn', inactive: 'muted' };
const adminShort = (u: PublicUser) => (u.adminProfile === 'Site Administrator' ? 'Site' : u.adminProfile === 'User Administrator' ? 'User' : '');

/** Live sessions that count toward the limit (API sessions do not), per user. */
export function sessionCounts(sessions: readonly PublicSession[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of sessions) if (s.client !== 'api') m.set(s.userId, (m.get(s.userId) ?? 0) + 1);
  return m;
}

export function userColumns(ctx: { emailOf: (id: string | null) => string; sessions: (u: PublicUser) => number; max: number }): Column<PublicUser>[] {
  return [
    { key: 'email', title: 'Login email', min: 14, grow: 3, shrink: 0.25, get: (u) => u.email, color: (u) => theme()[STATUS_COLOR[u.status]] },
    { key: 'name', title: 'Name', min: 8, grow: 2, get: (u) => `${u.firstName} ${u.lastName}`.trim() },
    { key: 'status', title: 'Status', min: 8, get: (u) => u.status },
    { key: 'userProfile', title: 'Profile', min: 9, get: (u) => u.userProfile },
    { key: 'adminProfile', title: 'Admin', min: 7, get: adminShort },
    {
      key: 'sessions',
      title: 'Sessions',
      min: 8,
      get: (u) => {
        const n = ctx.sessions(u);
        return `${n}/${ctx.max}${n >= ctx.max ? ' full' : ''}`;
      },
      sortValue: (u) => ctx.sessions(u),
    },
    { key: 'lastLoginAt', title: 'Last login', min: 10, get: (u) => shortTime(u.lastLoginAt), sortValue: (u) => u.lastLoginAt ?? '' },
    { key: 'createdAt', title: 'Created', optional: 1, get: (u) => shortTime(u.createdAt), sortValue: (u) => u.createdAt },
    { key: 'invitedBy', title: 'Invited by', optional: 2, max: 30, get: (u) => ctx.emailOf(u.invitedBy), sortValue: (u) => ctx.emailOf(u.invitedBy) },
    { key: 'projects', title: 'Projects', optional: 3, max: 30, get: (u) => u.projects.map((m) => (m.projectId === 'sample-project' ? 'Sample Project' : m.projectId)).join(', ') || '—' },
  ];
}

export function UsersScreen(p: ScreenProps) {
  const t = theme();
  const { res } = p;
  const counts = useMemo(() => sessionCounts(res.sessions), [res.sessions]);
  const emails = useMemo(() => new Map(res.users.map((u) => [u.id, u.email])), [res.users]);
  const max = res.settings?.maxSessionsPerUser ?? 3;
  const columns = useMemo(
    () => userColumns({ emailOf: (id) => (id ? (emails.get(id) ?? id) : '—'), sessions: (u) => counts.get(u.id) ?? 0, max }),
    [emails, counts, max],
  );
  const grid = useGrid(res.users, columns, {
    height: Math.max(1, p.height - 3),
    width: p.width,
    prefs: p.prefs,
    onPrefs: p.savePrefs,
    filterText: (u) => `${u.email} ${u.firstName} ${u.lastName}`,
    fields: { status: (u) => u.status, profile: (u) => u.userProfile, admin: (u) => u.adminProfile ?? 'none' },
    defaultSort: 'email',
  });
  const actions = useUserActions(p, grid.selected, (u) => counts.get(u.id) ?? 0);
  useOptions(p, 'users', 'users', actions.available);

  useKeys(
    LAYER.screen,
    (input, key) => {
      const used = grid.handleKey(input, key);
      if (used !== false) return used;
      const id = commandFor('users', input, key);
      if (!id) return false;
      actions.run(id);
    },
    p.active,
  );

  const lic = res.license;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" color={t.muted}>
        {lic ? `Licenses: ${lic.plan} plan, ${lic.seats} seats, ${lic.held} held, ${lic.available} available` : 'Loading…'}
      </Text>
      <GridView grid={grid} width={p.width} empty={res.loaded ? (grid.filter ? 'No user matches the filter.' : 'No users yet. Press i to invite one.') : 'Loading…'} />
      <GridFooter grid={grid} total={res.users.length} noun="users" />
    </Box>
  );
}
