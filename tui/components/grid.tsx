// A table that renders only its visible window, with a sort marker and a selected row.
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { fit } from '../format.js';
import type { Column, Grid as GridState, Row } from '../hooks/use-grid.js';
import { theme } from '../theme.js';

/** Column widths for a total width: fixed ones first, flex ones share the rest. */
export function layoutColumns<T>(columns: Column<T>[], total: number): number[] {
  const gaps = columns.length - 1;
  const fixed = columns.reduce((n, c) => n + (typeof c.width === 'number' ? c.width : 0), 0);
  const flexes = columns.reduce((n, c) => n + (typeof c.width === 'number' ? 0 : c.width.flex), 0);
  const rest = Math.max(0, total - fixed - gaps);
  const widths = columns.map((c) => (typeof c.width === 'number' ? c.width : Math.max(c.width.min, Math.floor((rest * c.width.flex) / (flexes || 1)))));
  // Minimums can overshoot: take the excess back from the widest flexible columns.
  let over = widths.reduce((a, b) => a + b, 0) + gaps - total;
  while (over > 0) {
    let widest = -1;
    columns.forEach((c, i) => {
      if (typeof c.width !== 'number' && widths[i] > 4 && (widest < 0 || widths[i] > widths[widest])) widest = i;
    });
    if (widest < 0) break;
    widths[widest]--;
    over--;
  }
  return widths;
}

export function GridView<T extends Row>({ grid, columns, width, empty }: { grid: GridState<T>; columns: Column<T>[]; width: number; empty: string }) {
  const t = theme();
  const widths = useMemo(() => layoutColumns(columns, width), [columns, width]);
  const header = columns
    .map((c, i) => fit(c.title + (c.key === grid.sortKey ? (grid.order === 'asc' ? ' ▲' : ' ▼') : ''), widths[i]))
    .join(' ');
  const rows = grid.view.slice(grid.top, grid.top + grid.height);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate">
        {header}
      </Text>
      {rows.length === 0 ? (
        <Text color={t.muted} wrap="truncate">
          {empty}
        </Text>
      ) : (
        rows.map((r, i) => {
          if (!r)
            return (
              <Text key={`loading-${grid.top + i}`} color={t.muted} wrap="truncate">
                …
              </Text>
            );
          const selected = grid.top + i === grid.cursor;
          const line = columns.map((c, j) => fit(c.get(r), widths[j])).join(' ');
          const color = columns[0].color?.(r);
          return selected ? (
            <Text key={r.id} wrap="truncate" inverse={t.inverse} backgroundColor={t.selectBg} color={t.selectFg}>
              {line}
            </Text>
          ) : (
            <Text key={r.id} wrap="truncate" color={color}>
              {line}
            </Text>
          );
        })
      )}
    </Box>
  );
}

/** "12 of 340 · /filter · sorted by email ▲" under a grid. */
export function GridFooter<T extends Row>({ grid, total, noun }: { grid: GridState<T>; total: number; noun: string }) {
  const t = theme();
  const pos = grid.view.length ? `${grid.cursor + 1}/${grid.view.length}` : '0';
  const filtered = grid.filter || grid.filtering ? ` of ${total}` : '';
  return (
    <Text wrap="truncate" color={t.muted}>
      {`${pos}${filtered} ${noun}`}
      {grid.filtering ? (
        <Text color={t.accent}>{`  filter: ${grid.filter}█  (Enter keeps, Esc clears)`}</Text>
      ) : grid.filter ? (
        <Text color={t.accent}>{`  filter: ${grid.filter}  (/ edits, Esc clears)`}</Text>
      ) : (
        '  / filter · s sort · ? keys'
      )}
    </Text>
  );
}
