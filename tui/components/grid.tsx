// A table that renders only its visible window, with a sort marker and a selected row.
import { Box, Text } from 'ink';
import { fit, fitKeeping } from '../format.js';
import type { Grid as GridState, Row } from '../hooks/use-grid.js';
import { theme } from '../theme.js';

export function GridView<T extends Row>({ grid, width, empty }: { grid: GridState<T>; width: number; empty: string }) {
  const t = theme();
  const { columns, widths } = grid.layout;
  const header = columns
    .map((c, i) =>
      c.key === grid.sortKey
        ? fitKeeping(c.title, grid.order === 'asc' ? ' ▲' : ' ▼', widths[i])
        : fit(c.title, widths[i]),
    )
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

/** "12/340 users · filter: status:pending" under a grid. */
export function GridFooter<T extends Row>({
  grid,
  total,
  noun,
  extra,
}: {
  grid: GridState<T>;
  total: number;
  noun: string;
  extra?: string;
}) {
  const t = theme();
  const pos = grid.view.length ? `${grid.cursor + 1}/${grid.view.length}` : '0';
  const filtered = grid.filter || grid.filtering ? ` of ${total}` : '';
  const chars = Array.from(grid.filter);
  return (
    <Text wrap="truncate" color={t.muted}>
      {`${pos}${filtered} ${noun}${extra ? ` · ${extra}` : ''}`}
      {grid.filtering ? (
        <Text color={t.accent}>
          {'  filter: '}
          {chars.slice(0, grid.filterCursor).join('')}
          <Text inverse>{chars[grid.filterCursor] ?? ' '}</Text>
          {chars.slice(grid.filterCursor + 1).join('')}
          {`  Enter keeps · Esc clears${grid.fieldNames?.length ? ` · ${grid.fieldNames.map((n) => `${n}:`).join(' ')}` : ''}`}
        </Text>
      ) : grid.filter ? (
        <Text color={t.accent}>{`  filter: ${grid.filter}  (/ edits, Esc clears)`}</Text>
      ) : null}
    </Text>
  );
}
