// "Licenses - Users": the user grid; its commands live in use-user-actions.
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { latestIso, parseUserFilter } from '../../src/domain/reclaim.js';
import type { BulkUserAction } from '../../src/domain/bulk.js';
import type { PublicUser } from '../../src/domain/schemas.js';
import { commandFor } from '../commands.js';
import { GridFooter, GridView } from '../components/grid.js';
import { shortTime } from '../format.js';
import type { Column } from '../hooks/use-grid.js';
import { useMarks } from '../hooks/use-marks.js';
import { useUserActions } from '../hooks/use-user-actions.js';
import { useWindowGrid } from '../hooks/use-window-grid.js';
import { bulkUserDialog } from '../bulk-actions.js';
import { LAYER, useKeys } from '../input/key-router.js';
import { theme } from '../theme.js';
import { useOptions, type ScreenProps } from './screen-props.js';

const STATUS_COLOR: Record<PublicUser['status'], 'ok' | 'warn' | 'muted'> = {
  active: 'ok',
  pending: 'warn',
  inactive: 'muted',
};
const adminShort = (u: PublicUser) =>
  u.adminProfile === 'Site Administrator' ? 'Site' : u.adminProfile === 'User Administrator' ? 'User' : '';

export function userColumns(ctx: {
  emailOf: (id: string | null) => string;
  sessions: (u: PublicUser) => number;
  max: number;
  marked?: (id: string) => boolean;
}): Column<PublicUser>[] {
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
    {
      key: 'name',
      title: 'Name',
      min: 8,
      grow: 2,
      get: (u) => `${u.firstName} ${u.lastName}`.trim(),
      sortBy: 'firstName',
    },
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
      sortBy: null,
    },
    {
      key: 'lastLoginAt',
      title: 'Last login',
      min: 10,
      optional: 4,
      get: (u) => shortTime(u.lastLoginAt),
      sortValue: (u) => u.lastLoginAt ?? '',
    },
    // The later of the last login and the last request on any session (events carry only the login).
    {
      key: 'lastActiveAt',
      title: 'Last active',
      min: 10,
      sortBy: null,
      get: (u) => shortTime(latestIso(u.lastActiveAt, u.lastLoginAt)),
      sortValue: (u) => latestIso(u.lastActiveAt, u.lastLoginAt) ?? '',
    },
    {
      key: 'createdAt',
      title: 'Created',
      optional: 1,
      get: (u) => shortTime(u.createdAt),
      sortValue: (u) => u.createdAt,
    },
    { key: 'invitedBy', title: 'Invited by', optional: 2, max: 30, get: (u) => ctx.emailOf(u.invitedBy), sortBy: null },
    {
      key: 'projects',
      title: 'Projects',
      optional: 3,
      max: 30,
      get: (u) =>
        u.projects.map((m) => (m.projectId === 'sample-project' ? 'Sample Project' : m.projectId)).join(', ') || '—',
      sortBy: null,
    },
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
  const max = res.settings?.maxSessionsPerUser ?? 3;
  // Marks outlive the window's rows (it holds those near the view, not every user).
  const marks = useMarks(res.users.loadedRows());
  // Each row of the server's page says how many sessions the user has; inviters' emails are looked up once.
  const columns = useMemo(
    () => userColumns({ emailOf: res.emailOf, sessions: (u) => u.liveSessions ?? 0, max, marked: marks.has }),
    [res.emailOf, max, marks.has],
  );
  const grid = useWindowGrid(res.users, columns, {
    height: Math.max(1, p.height - 3),
    width: p.width,
    prefs: p.prefs,
    onPrefs: p.savePrefs,
    defaultSort: 'email',
    enabled: p.active,
  });
  // `dormant:90` / `pending:14` in the filter: the server says who (its rules, its clock); each holds a seat.
  const reclaim = parseUserFilter(grid.filter);
  const what =
    reclaim.dormantDays && reclaim.pendingOlderThanDays
      ? 'dormant or stale'
      : reclaim.dormantDays
        ? `dormant (${reclaim.dormantDays}+ days)`
        : `stale invitations (${reclaim.pendingOlderThanDays}+ days)`;
  const found = grid.view.length;
  const summary =
    reclaim.dormantDays || reclaim.pendingOlderThanDays
      ? grid.loading
        ? `finding ${what}…`
        : `${found} ${what} hold ${found} seat${found === 1 ? '' : 's'}`
      : null;
  const actions = useUserActions(p, grid.selected, (u) => u.liveSessions ?? 0);
  useOptions(p, 'users', 'users', actions.available);

  useKeys(
    LAYER.screen,
    (input, key) => {
      if (key.escape && !grid.filter && !grid.filtering && marks.count) return void marks.clear();
      const used = grid.handleKey(input, key);
      if (used !== false) return used;
      const id = commandFor('users', input, key);
      if (!id) return false;
      if (id === 'users.mark') return void (grid.selected && marks.toggle(grid.selected));
      if (id === 'users.markAll') {
        // Every user the filter matches, not only the rows on screen: the server lists them.
        void res.users.fetchAll().then(
          (rows) => marks.markAll(rows),
          (e: Error) => p.act.flash(`Could not list the users to mark: ${e.message}`, 'error'),
        );
        return;
      }
      if (id === 'users.import') return void (p.act.mayChange() && p.act.open({ kind: 'import' }));
      const bulk = marks.count ? BULK[id] : undefined;
      if (bulk) {
        if (!p.act.mayChange()) return;
        const d = bulkUserDialog(bulk, marks.rows, res.license?.available ?? 0, p.client, p.act, marks.clear);
        return d
          ? p.act.open(d)
          : p.act.flash(
              `None of the ${marks.count} marked users can be ${bulk === 'resend-activation' ? 'sent a new link' : `${bulk}d`}.`,
              'error',
            );
      }
      actions.run(id);
    },
    p.active,
  );

  const lic = res.license;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" color={t.muted}>
        {summary
          ? `${summary}${lic ? ` · ${lic.held}/${lic.seats} held` : ''}`
          : lic
            ? `Licenses: ${lic.plan} plan, ${lic.seats} seats, ${lic.held} held, ${lic.available} available`
            : 'Loading…'}
      </Text>
      <GridView
        grid={grid}
        width={p.width}
        empty={
          grid.loading
            ? 'Loading…'
            : grid.filter
              ? 'No user matches the filter.'
              : 'No users yet. Press i to invite one.'
        }
      />
      <GridFooter
        grid={grid}
        total={grid.baseTotal ?? grid.view.length}
        noun="users"
        extra={marks.count ? `${marks.count} marked (d r a X act on them, Esc clears)` : undefined}
      />
    </Box>
  );
}
