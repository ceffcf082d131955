import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/domain/reclaim.js';
import { seatSeries } from '../../src/domain/seat-history.js';
import { barRows, resample, SeatChart, sparkline } from '../../tui/components/seat-chart.js';
import { renderTui } from '../helpers/ink.js';

describe('seat chart', () => {
  it('resamples to the width keeping peaks; scales blocks to the seat count', () => {
    expect(resample([1, 5, 2, 2, 9, 0], 3)).toEqual([5, 2, 9]);
    expect(resample([1, 2], 5)).toEqual([1, 2]);
    expect(sparkline([0, 1, 4, 8], 8)).toBe(' ▁▄█');
    expect(barRows([0, 4, 8], 8, 2)).toEqual(['  █', ' ██']);
    expect(barRows([3], 8, 2)).toEqual([' ', '▆']);
  });

  it('draws 90 days at 80 columns: title with now/peak/low, bars, the axis and the dates', async () => {
    const now = new Date('2026-06-30T12:00:00.000Z');
    const entries = Array.from({ length: 90 }, (_, i) => ({
      at: new Date(now.getTime() - (89 - i) * DAY_MS).toISOString(),
      held: 10 + (i % 30),
      seats: 40,
    }));
    const points = seatSeries(entries, now, 90);
    const t = renderTui(<SeatChart points={points} width={80} height={4} days={90} />, { columns: 80, rows: 24 });
    const f = await t.waitFor('Seats held, last 90 days');
    t.unmount();
    const lines = f.split('\n');
    expect(lines[0]).toContain('now 39/40 · peak 39 · low 10');
    expect(lines[1]).toMatch(/^40┤/);
    expect(lines[4]).toMatch(/^ 0┤█+/);
    expect(lines[5]).toMatch(/^ +2026-04-02 +2026-06-30$/);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
  });
});
