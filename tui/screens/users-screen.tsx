// "Licenses - Users": the user grid; its commands live in use-user-actions.
import { Box, Text } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { latestIso } from '../../src/domain/reclaim.js';
import type { BulkUserAction } from '../../src/domain/bulk.js';
import type { PublicSession, PublicUser } from '../../src/domain/schemas.js';
import { commandFor } from '../commands.js';
import { GridFooter, GridView } from '../components/grid.js';
import { shortTime } from '../format.js';
import { useGrid, type Column } from '../hooks/use-grid.js';
import { useMarks } from '../hooks/use-marks.js';
import { useReclaimView } from '../hooks/use-reclaim-view.js';
import { useUserActions } from '../hooks/use-user-actions.js';
import { bulkUserDialog } from '../bulk-actions.js';
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

export function userColumns(ctx: { emailOf: (id: string | null) => string; sessions: (u: PublicUser) => number; max: number; marked?: (id: string) => boolean }): Column<PublicUser>[] {
  return [
    {
      key: 'email',
      title: 'Login email',
      min: 14,
      grow: 3,
      shrink: 0.25,
      get: (u) => (ctx.marked?.(u.id) ? `● ${u.email}` : u.email),
      sortValue: (u) => u.email,
      color: (u) => theme()[STATUS_COLOR[u.status]],
    },
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
    // The later of the last login and the last request on any session (events carry only the login).
    { key: 'lastActiveAt', title: 'Last active', min: 10, sortBy: null, get: (u) => shortTime(latestIso(u.lastActiveAt, u.lastLoginAt)), sortValue: (u) => latestIso(u.lastActiveAt, u.lastLoginAt) ?? '' },
    { key: 'createdAt', title: 'Created', optional: 1, get: (u) => shortTime(u.createdAt), sortValue: (u) => u.createdAt },
    { key: 'invitedBy', title: 'Invited by', optional: 2, max: 30, get: (u) => ctx.emailOf(u.invitedBy), sortValue: (u) => ctx.emailOf(u.invitedBy) },
    { key: 'projects', title: 'Projects', optional: 3, max: 30, get: (u) => u.projects.map((m) => (m.projectId === 'sample-project' ? 'Sample Project' : m.projectId)).join(', ') || '—' },
  ];
}

/** The commands that act on every marked row when rows are marked. */
const BULK: Record<string, BulkUserAction> = {
  'users.deactivate': 'deactivate',
  'users.reactivate': 'reactivate',
  'users.resend': 'resend-activation',
  'users.endSessions': 'terminate-sessions',
};

export function UsersScreen(p: ScreenProps) {
  const t = theme();
  const { res } = p;
  const counts = useMemo(() => sessionCounts(res.sessions), [res.sessions]);
  const emails = useMemo(() => new Map(res.users.map((u) => [u.id, u.email])), [res.users]);
  const max = res.settings?.maxSessionsPerUser ?? 3;
  // `dormant:90` / `pending:14` in the filter: the server says who (its rules, its clock).
  const [filterSeen, setFilterSeen] = useState(p.prefs?.filter ?? '');
  const reclaim = useReclaimView(p.client, filterSeen, res.users);
  const marks = useMarks(res.users);
  const columns = useMemo(
    () => userColumns({ emailOf: (id) => (id ? (emails.get(id) ?? id) : '—'), sessions: (u) => counts.get(u.id) ?? 0, max, marked: marks.has }),
    [emails, counts, max, marks.has],
  );
  const grid = useGrid(reclaim.rows, columns, {
    height: Math.max(1, p.height - 3),
    width: p.width,
    prefs: p.prefs,
    onPrefs: p.savePrefs,
    filterText: (u) => `${u.email} ${u.firstName} ${u.lastName}`,
    fields: { status: (u) => u.status, profile: (u) => u.userProfile, admin: (u) => u.adminProfile ?? 'none', ...reclaim.fields },
    defaultSort: 'email',
  });
  useEffect(() => setFilterSeen(grid.filter), [grid.filter]);
  const actions = useUserActions(p, grid.selected, (u) => counts.get(u.id) ?? 0);
  useOptions(p, 'users', 'users', actions.available);

  useKeys(
    LAYER.screen,
    (input, key) => {
      if (key.escape && !grid.filter && !grid.filtering && marks.count) return void marks.clear();
      const used = grid.handleKey(input, key);
      if (used !== false) return used;
      const id = commandFor('users', input, key);
      if (!id) return false;
      if (id === 'users.mark') return void (grid.selected && marks.toggle(grid.selected.id));
      if (id === 'users.markAll') return void marks.markAll(grid.view.slice(0, grid.view.length).flatMap((u) => (u ? [u.id] : [])));
      if (id === 'users.import') return void (p.act.mayChange() && p.act.open({ kind: 'import' }));
      const bulk = marks.count ? BULK[id] : undefined;
      if (bulk) {
        if (!p.act.mayChange()) return;
        const d = bulkUserDialog(bulk, marks.rows, res.license?.available ?? 0, p.client, p.act, marks.clear);
        return d ? p.act.open(d) : p.act.flash(`None of the ${marks.count} marked users can be ${bulk === 'resend-activation' ? 'sent a new link' : `${bulk}d`}.`, 'error');
      }
      actions.run(id);
    },
    p.active,
  );

  const lic = res.license;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" color={t.muted}>
        {reclaim.summary
          ? `${reclaim.summary}${lic ? ` · ${lic.held}/${lic.seats} held` : ''}`
          : lic
            ? `Licenses: ${lic.plan} plan, ${lic.seats} seats, ${lic.held} held, ${lic.available} available`
            : 'Loading…'}
      </Text>
      <GridView grid={grid} width={p.width} empty={res.loaded ? (grid.filter ? 'No user matches the filter.' : 'No users yet. Press i to invite one.') : 'Loading…'} />
      <GridFooter grid={grid} total={res.users.length} noun="users" extra={marks.count ? `${marks.count} marked (d r a X act on them, Esc clears)` : undefined} />
    </Box>
  );
}
