// The audit log: who did what to whom, newest first, filterable, re-read as events arrive.
import { Box, Text } from 'ink';
import { useEffect } from 'react';
import type { AuditEntry } from '../../src/domain/schemas.js';
import { commandFor } from '../commands.js';
import { GridFooter, GridView } from '../components/grid.js';
import { shortTime } from '../format.js';
import { useGrid, type Column } from '../hooks/use-grid.js';
import { LAYER, useKeys } from '../input/key-router.js';
import { theme } from '../theme.js';
import { allowed, useOptions, type ScreenProps } from './screen-props.js';

export const detailText = (e: AuditEntry): string =>
  Object.entries(e.detail)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');

export const AUDIT_COLUMNS: Column<AuditEntry>[] = [
  { key: 'at', title: 'When', min: 11, get: (e) => shortTime(e.at), sortValue: (e) => e.at },
  { key: 'actor', title: 'Who', min: 12, max: 40, get: (e) => e.actorEmail ?? 'system' },
  { key: 'action', title: 'Did', min: 10, max: 24, get: (e) => e.action },
  { key: 'target', title: 'To whom', min: 12, max: 40, get: (e) => e.targetEmail ?? '—' },
  { key: 'detail', title: 'Detail', min: 10, grow: 1, shrink: 4, get: detailText },
];

export function AuditScreen(p: ScreenProps) {
  const t = theme();
  const entries = p.res.audit ?? [];
  const { watchAudit } = p.res;
  const shown = p.active;
  useEffect(() => {
    if (shown) watchAudit();
  }, [shown, watchAudit]);
  const grid = useGrid(entries, AUDIT_COLUMNS, {
    height: Math.max(1, p.height - 3),
    width: p.width,
    prefs: p.prefs,
    onPrefs: p.savePrefs,
    filterText: (e) => `${e.actorEmail ?? 'system'} ${e.action} ${e.targetEmail ?? ''} ${detailText(e)}`,
    fields: {
      who: (e) => e.actorEmail ?? 'system',
      did: (e) => e.action,
      action: (e) => e.action,
      to: (e) => e.targetEmail ?? '',
    },
    defaultSort: 'at',
    defaultOrder: 'desc',
    tie: 'action',
  });
  const available = (id: string) => (id === 'audit.details' && !grid.selected ? 'No entry is selected.' : true);
  useOptions(p, 'audit', 'audit', available);
  useKeys(
    LAYER.screen,
    (input, key) => {
      const used = grid.handleKey(input, key);
      if (used !== false) return used;
      const id = commandFor('audit', input, key);
      if (!id) return false;
      if (allowed(p, false, available(id)) && grid.selected) p.act.open({ kind: 'audit', entry: grid.selected });
    },
    p.active,
  );
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" color={t.muted}>
        {p.res.audit
          ? `Audit log: the newest ${entries.length} entries, live`
          : 'The audit log is loading (or is not available to this account).'}
      </Text>
      <GridView grid={grid} width={p.width} empty={grid.filter ? 'No entry matches.' : 'No entries yet.'} />
      <GridFooter grid={grid} total={entries.length} noun="entries" />
    </Box>
  );
}
