// "Login Clients": live sessions fed by events, one-key termination, history of ended sessions.
import { Box, Text } from 'ink';
import { useMemo, useState } from 'react';
import type { PublicSession } from '../../src/domain/schemas.js';
import { commandFor } from '../commands.js';
import { GridFooter, GridView } from '../components/grid.js';
import { shortTime } from '../format.js';
import type { Column } from '../hooks/use-grid.js';
import { useMarks } from '../hooks/use-marks.js';
import { useSessionActions } from '../hooks/use-session-actions.js';
import { useWindowGrid } from '../hooks/use-window-grid.js';
import { bulkSessionsDialog } from '../bulk-actions.js';
import { LAYER, useKeys } from '../input/key-router.js';
import { theme } from '../theme.js';
import { useOptions, type ScreenProps } from './screen-props.js';

const email: Column<PublicSession> = {
  key: 'email',
  title: 'Login email',
  min: 14,
  grow: 2,
  shrink: 0.25,
  get: (s) => s.email,
};
const client: Column<PublicSession> = { key: 'client', title: 'Client', min: 8, get: (s) => s.client };
const started: Column<PublicSession> = {
  key: 'startedAt',
  title: 'Started',
  min: 11,
  get: (s) => shortTime(s.startedAt),
  sortValue: (s) => s.startedAt,
};

export const LIVE_COLUMNS: Column<PublicSession>[] = [
  email,
  client,
  { key: 'address', title: 'Address', min: 9, max: 39, get: (s) => s.address },
  { key: 'userAgent', title: 'User agent', min: 10, grow: 3, get: (s) => s.userAgent },
  started,
  {
    key: 'lastActivityAt',
    title: 'Last activity',
    min: 13,
    get: (s) => shortTime(s.lastActivityAt),
    sortValue: (s) => s.lastActivityAt,
  },
  { key: 'clientId', title: 'Client id', optional: 1, max: 36, get: (s) => s.clientId ?? '—', sortBy: null },
];

export function endedColumns(emailOf: (id: string | null) => string): Column<PublicSession>[] {
  return [
    email,
    client,
    started,
    { key: 'endedAt', title: 'Ended', min: 11, get: (s) => shortTime(s.endedAt), sortValue: (s) => s.endedAt ?? '' },
    { key: 'endReason', title: 'Reason', min: 8, get: (s) => s.endReason ?? '' },
    {
      key: 'endedBy',
      title: 'Ended by',
      min: 10,
      grow: 1,
      get: (s) => (s.endedBy ? emailOf(s.endedBy) : '—'),
      sortBy: null,
    },
  ];
}

export function SessionsScreen(p: ScreenProps) {
  const t = theme();
  const [history, setHistory] = useState(false);
  const [explorer, setExplorer] = useState(false);
  const { res } = p;
  const ENDED = useMemo(() => endedColumns(res.emailOf), [res.emailOf]);
  const height = Math.max(1, p.height - 3);
  // The server filters (login email; `client:`), sorts and counts; Explorer sessions only when asked for.
  const common = { height, width: p.width, params: explorer ? { client: 'all' } : undefined };
  // Marks outlive the window's rows (it holds those near the view).
  const marks = useMarks(res.sessions.loadedRows());
  // Marked rows show a dot before the address (Space marks, * marks every row the filter shows).
  const marked = marks.has;
  const liveColumns = useMemo(
    () => [
      {
        ...email,
        get: (s: PublicSession) => (marked(s.id) ? `● ${s.email}` : s.email),
        sortValue: (s: PublicSession) => s.email,
      },
      ...LIVE_COLUMNS.slice(1),
    ],
    [marked],
  );
  const liveGrid = useWindowGrid(res.sessions, liveColumns, {
    ...common,
    prefs: p.prefs,
    onPrefs: p.savePrefs,
    defaultSort: 'startedAt',
    enabled: p.active && !history,
  });
  const endedGrid = useWindowGrid(res.ended, ENDED, {
    ...common,
    defaultSort: 'endedAt',
    defaultOrder: 'desc',
    enabled: p.active && history,
  });
  const grid = history ? endedGrid : liveGrid;

  const actions = useSessionActions(p, grid.selected, {
    history,
    toggleHistory: () => setHistory((v) => !v),
    toggleExplorer: () => setExplorer((v) => !v),
  });
  const scope = history ? 'history' : 'sessions';
  useOptions(p, 'sessions', scope, actions.available);

  useKeys(
    LAYER.screen,
    (input, key) => {
      if (!history && key.escape && !grid.filter && !grid.filtering && marks.count) return void marks.clear();
      const used = grid.handleKey(input, key);
      if (used !== false) return used;
      const id = commandFor(scope, input, key);
      if (!id) return false;
      if (id === 'sessions.mark') return void (grid.selected && marks.toggle(grid.selected));
      if (id === 'sessions.markAll') {
        // Every session the filter matches, not only the rows on screen: the server lists them.
        void res.sessions.fetchAll().then(
          (rows) => marks.markAll(rows),
          (e: Error) => p.act.flash(`Could not list the sessions to mark: ${e.message}`, 'error'),
        );
        return;
      }
      if (id === 'sessions.terminate' && marks.count) {
        if (!p.act.mayChange()) return;
        // The console's own session is left alone (quit instead), as with x on one row.
        const targets = marks.rows.filter((s) => s.id !== p.ownSessionId);
        const d = bulkSessionsDialog(targets, p.client, p.act, marks.clear);
        return d ? p.act.open(d) : p.act.flash("The only marked session is this console's own: quit instead.", 'error');
      }
      actions.run(id);
    },
    p.active,
  );

  const idle = res.settings?.idleTimeoutMinutes;
  const active = res.sessions.extra.activeCount as number | undefined;
  const hiddenExplorer = explorer || active === undefined || grid.filter ? 0 : active - (liveGrid.baseTotal ?? active);
  const count = history
    ? `Ended sessions: ${endedGrid.baseTotal ?? '…'}`
    : `Active sessions: ${active ?? '…'}${hiddenExplorer ? ` (${hiddenExplorer} Explorer hidden, e shows)` : ''}`;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>{count}</Text>
        <Text color={t.muted}>{`  ·  Idle auto-terminate: ${idle ? `${idle} min` : 'off'}`}</Text>
      </Text>
      <GridView
        grid={grid}
        width={p.width}
        empty={grid.loading ? 'Loading…' : history ? 'No ended sessions.' : 'No live sessions.'}
      />
      <GridFooter
        grid={grid}
        total={grid.baseTotal ?? grid.view.length}
        noun={history ? 'ended sessions' : 'sessions'}
        extra={!history && marks.count ? `${marks.count} marked (x ends them, Esc clears)` : undefined}
      />
    </Box>
  );
}
