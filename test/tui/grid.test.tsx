import { Text, useInput } from 'ink';
import { describe, expect, it } from 'vitest';
import { filterRows, sortRows, useGrid, windowTop, type Column } from '../../tui/hooks/use-grid.js';
import { layoutColumns } from '../../tui/components/grid.js';
import { renderTui } from '../helpers/ink.js';

interface R {
  id: string;
  name: string;
  n: number;
}
const COLS: Column<R>[] = [
  { key: 'name', title: 'Name', width: { flex: 1, min: 5 }, get: (r) => r.name },
  { key: 'n', title: 'N', width: 4, get: (r) => String(r.n), sortValue: (r) => r.n },
];

describe('grid rules', () => {
  it('sorts by a column (stable by id), filters, and keeps the cursor in the window', () => {
    const rows: R[] = [
      { id: '3', name: 'carol', n: 2 },
      { id: '1', name: 'Alice', n: 2 },
      { id: '2', name: 'bob', n: 1 },
    ];
    expect(sortRows(rows, COLS[0], 'asc').map((r) => r.name)).toEqual(['Alice', 'bob', 'carol']);
    expect(sortRows(rows, COLS[1], 'desc').map((r) => r.id)).toEqual(['1', '3', '2']);
    expect(filterRows(rows, 'AL', (r) => r.name).map((r) => r.id)).toEqual(['1']);
    expect(windowTop(0, 0, 10, 100)).toBe(0);
    expect(windowTop(15, 0, 10, 100)).toBe(6);
    expect(windowTop(3, 6, 10, 100)).toBe(3);
    expect(windowTop(99, 95, 10, 100)).toBe(90);
  });

  it('column widths never exceed the width, even when minimums overshoot', () => {
    for (const total of [20, 40, 80, 120]) {
      const w = layoutColumns(COLS, total);
      expect(w.reduce((a, b) => a + b, 0) + COLS.length - 1).toBeLessThanOrEqual(Math.max(total, 10));
    }
  });

  it('the cursor stays on its record when live updates reorder the rows, and only the window renders', async () => {
    function View({ rows }: { rows: R[] }) {
      const g = useGrid(rows, COLS, { height: 3, filterText: (r) => r.name, defaultSort: 'n' });
      useInput((input, key) => void g.handleKey(input, key));
      return (
        <>
          {g.view.slice(g.top, g.top + g.height).map((r, i) => (
            <Text key={r.id}>{`${g.top + i === g.cursor ? '>' : ' '}${r.name}`}</Text>
          ))}
        </>
      );
    }
    const make = (names: string[]) => names.map((name, i) => ({ id: name, name, n: i }));
    const ui = renderTui(<View rows={make(['a', 'b', 'c', 'd', 'e'])} />);
    await ui.waitFor('>a');
    expect(ui.frame()).not.toContain('d'); // three rows fit
    ui.press('j');
    await ui.waitFor('>b');
    ui.instance.rerender(<View rows={make(['x', 'e', 'd', 'c', 'b', 'a'])} />);
    const f = await ui.waitFor('>b');
    expect(f).toContain('c'); // the window moved to keep b in sight
    ui.unmount();
  });
});
