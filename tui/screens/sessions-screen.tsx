// "Login Clients": live sessions fed by events, one-key termination, history of ended sessions.
import { Box, Text, useInput } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import type { PublicSession } from '../../src/domain/schemas.js';
import { GridFooter, GridView } from '../components/grid.js';
import { shortTime } from '../format.js';
import { useGrid, type Column } from '../hooks/use-grid.js';
import { theme } from '../theme.js';
import type { ScreenProps } from './screen-props.js';

const base: Column<PublicSession>[] = [
  { key: 'email', title: 'Login email', width: { flex: 3, min: 14 }, get: (s) => s.email },
  { key: 'client', title: 'Client', width: 8, get: (s) => s.client },
  { key: 'address', title: 'Address', width: { flex: 1, min: 9 }, get: (s) => s.address },
  { key: 'userAgent', title: 'User agent', width: { flex: 2, min: 10 }, get: (s) => s.userAgent },
  { key: 'startedAt', title: 'Started', width: 11, get: (s) => shortTime(s.startedAt), sortValue: (s) => s.startedAt },
];
export const LIVE_COLUMNS: Column<PublicSession>[] = [
  ...base,
  { key: 'lastActivityAt', title: 'Last activity', width: 13, get: (s) => shortTime(s.lastActivityAt), sortValue: (s) => s.lastActivityAt },
];
export const ENDED_COLUMNS: Column<PublicSession>[] = [
  ...base.filter((c) => c.key !== 'userAgent' && c.key !== 'address'),
  { key: 'endedAt', title: 'Ended', width: 11, get: (s) => shortTime(s.endedAt), sortValue: (s) => s.endedAt ?? '' },
  { key: 'endReason', title: 'Reason', width: 14, get: (s) => s.endReason ?? '' },
];

export function SessionsScreen(p: ScreenProps) {
  const t = theme();
  const [history, setHistory] = useState(false);
  const [explorer, setExplorer] = useState(false);
  const { res, dispatch } = p;
  useEffect(() => {
    if (history && res.ended === null) void res.loadEnded();
  }, [history, res]);
  const visible = (list: PublicSession[]) => (explorer ? list : list.filter((s) => s.client !== 'explorer'));
  const liveRows = useMemo(() => visible(res.sessions), [explorer, res.sessions]); // eslint-disable-line react-hooks/exhaustive-deps
  const endedRows = useMemo(() => visible(res.ended ?? []), [explorer, res.ended]); // eslint-disable-line react-hooks/exhaustive-deps
  const height = Math.max(1, p.height - 3);
  const liveGrid = useGrid(liveRows, LIVE_COLUMNS, { height, prefs: p.prefs, onPrefs: p.savePrefs, filterText: (s) => s.email, defaultSort: 'startedAt' });
  const endedGrid = useGrid(endedRows, ENDED_COLUMNS, { height, filterText: (s) => s.email, defaultSort: 'endedAt', prefs: { order: 'desc' } });
  const grid = history ? endedGrid : liveGrid;
  const rows = history ? endedRows : liveRows;
  const columns = history ? ENDED_COLUMNS : LIVE_COLUMNS;
  useEffect(() => dispatch({ type: 'capture', on: grid.filtering }), [grid.filtering, dispatch]);

  useInput(
    (input, key) => {
      if (grid.handleKey(input, key)) return;
      const s = grid.selected;
      if (input === 'e') setExplorer((v) => !v);
      else if (input === 'h') setHistory((v) => !v);
      else if (input === 't' && p.act.mayChange())
        p.act.open({
          kind: 'input',
          title: 'Idle auto-terminate',
          label: 'Minutes (empty = off)',
          initial: String(res.settings?.idleTimeoutMinutes ?? ''),
          hint: 'Sessions with no request for this many minutes are ended (1-10080).',
          submit: async (v) => {
            const minutes = v.trim() === '' || v.trim() === 'off' ? null : Number(v);
            await p.act.run(
              () => p.client.updateSettings({ idleTimeoutMinutes: minutes }),
              (r) => `Idle auto-terminate: ${r.idleTimeoutMinutes ? `${r.idleTimeoutMinutes} min` : 'off'}.`,
            );
          },
        });
      else if (!s || history) return;
      else if ((input === 'x' || input === 'X') && s.id === p.ownSessionId) p.act.notify('That is this console\'s own session: press q to quit instead.');
      else if (input === 'x' && p.act.mayChange())
        void p.act.run(() => p.client.terminateSession(s.id), () => `Session of ${s.email} (${s.client}) terminated.`);
      else if (input === 'X' && p.act.mayChange())
        p.act.open({
          kind: 'confirm',
          title: 'Terminate all sessions',
          message: `End every session of ${s.email}? They will be told the site administrator ended them.`,
          confirmLabel: 'Terminate all',
          run: async () => void (await p.act.run(() => p.client.terminateUserSessions(s.userId), (r) => `${r.ended} session(s) of ${s.email} terminated.`)),
        });
    },
    { isActive: p.active },
  );

  const idle = res.settings?.idleTimeoutMinutes;
  const active = res.sessions.length;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>{history ? 'Ended sessions' : `Active sessions: ${active}`}</Text>
        <Text color={t.muted}>{`  ·  Idle auto-terminate: ${idle ? `${idle} min` : 'off'} (t)  ·  Explorer ${explorer ? 'shown' : 'hidden'} (e)  ·  h ${history ? 'live' : 'history'}`}</Text>
      </Text>
      <GridView grid={grid} columns={columns} width={p.width} empty={history ? (res.ended ? 'No ended sessions.' : 'Loading…') : 'No live sessions.'} />
      <GridFooter grid={grid} total={rows.length} noun={history ? 'ended' : 'sessions · x terminate · X all of user'} />
    </Box>
  );
}
