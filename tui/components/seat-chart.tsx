// Seats held over the last days, drawn in the terminal with block characters: a one-line
// sparkline for headers and a small bar chart with the license's seat count as its ceiling.
import { Box, Text } from 'ink';
import type { SeatPoint } from '../../src/domain/seat-history.js';
import { theme } from '../theme.js';

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const EIGHTHS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** At most `width` values: each column takes the largest value of the days it covers (peaks show). */
export function resample(values: readonly number[], width: number): number[] {
  if (width <= 0) return [];
  if (values.length <= width) return [...values];
  const out: number[] = [];
  for (let c = 0; c < width; c++) {
    const from = Math.floor((c * values.length) / width);
    const to = Math.max(from + 1, Math.floor(((c + 1) * values.length) / width));
    let m = -Infinity;
    for (let i = from; i < to; i++) m = Math.max(m, values[i]);
    out.push(m);
  }
  return out;
}

/** One character per value, scaled to `max` (0 draws as a space, anything above as at least ▁). */
export function sparkline(values: readonly number[], max: number): string {
  if (max <= 0) return values.map(() => ' ').join('');
  return values.map((v) => (v <= 0 ? ' ' : BLOCKS[Math.min(7, Math.max(0, Math.ceil((v / max) * 8) - 1))])).join('');
}

/** Rows of a bar chart, top first, `height` rows tall, in eighths of a row. */
export function barRows(values: readonly number[], max: number, height: number): string[] {
  const rows: string[] = [];
  for (let r = height - 1; r >= 0; r--) {
    let line = '';
    for (const v of values) {
      const eighths = max > 0 ? Math.round((Math.max(0, v) / max) * height * 8) : 0;
      line += EIGHTHS[Math.max(0, Math.min(8, eighths - r * 8))];
    }
    rows.push(line);
  }
  return rows;
}

/**
 * The chart: a title line (now, peak, lowest, seats), then `height` rows of bars, one column per
 * day (or per few days when the window is wider than the terminal), with the seat count on the axis.
 */
export function SeatChart({
  points,
  width,
  height,
  days,
}: {
  points: readonly SeatPoint[];
  width: number;
  height: number;
  days: number;
}) {
  const t = theme();
  if (!points.length) return <Text color={t.muted}>No seat history yet.</Text>;
  const held = points.map((p) => p.held);
  const now = points[points.length - 1];
  const top = Math.max(1, ...points.map((p) => p.seats), ...held);
  const axis = String(top).length + 1;
  const cols = resample(held, Math.max(1, width - axis - 1));
  const peak = Math.max(...held);
  const low = Math.min(...held);
  const overFull = now.held >= now.seats;
  const rows = barRows(cols, top, Math.max(1, height));
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold>{`Seats held, last ${days} days`}</Text>
        <Text color={t.muted}>{` · now ${now.held}/${now.seats} · peak ${peak} · low ${low}`}</Text>
      </Text>
      {rows.map((line, i) => (
        <Text key={i} wrap="truncate">
          <Text color={t.muted}>
            {(i === 0 ? String(top) : i === rows.length - 1 ? '0' : '').padStart(axis - 1) + '┤'}
          </Text>
          <Text color={overFull ? t.warn : t.accent}>{line}</Text>
        </Text>
      ))}
      <Text wrap="truncate" color={t.muted}>
        {`${' '.repeat(axis)}${points[0].day}`.padEnd(Math.max(0, width - now.day.length)) + now.day}
      </Text>
    </Box>
  );
}

/** A one-line trend for a header: `Seats ▂▃▃▅▇ 34/40 (30d)`. */
export function SeatSparkline({ points, width }: { points: readonly SeatPoint[]; width: number }) {
  const t = theme();
  if (!points.length) return null;
  const now = points[points.length - 1];
  const label = ` ${now.held}/${now.seats} (${points.length}d)`;
  const line = sparkline(
    resample(
      points.map((p) => p.held),
      Math.max(1, width - label.length),
    ),
    Math.max(1, ...points.map((p) => p.seats)),
  );
  return (
    <Text wrap="truncate">
      <Text color={t.accent}>{line}</Text>
      <Text color={t.muted}>{label}</Text>
    </Text>
  );
}
