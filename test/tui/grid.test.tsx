import { Text } from 'ink';
import { describe, expect, it } from 'vitest';
import {
  filterRows,
  layoutColumns,
  naturalWidths,
  parseFilter,
  sortRows,
  useGrid,
  windowTop,
  type Column,
} from '../../tui/hooks/use-grid.js';
import { KeyRouter, useKeys, LAYER } from '../../tui/input/key-router.js';
import { fit, fitKeeping, textWidth } from '../../tui/format.js';
import { renderTui } from '../helpers/ink.js';

interface R {
  id: string;
  name: string;
  n: number;
}
const COLS: Column<R>[] = [
  { key: 'name', title: 'Name', grow: 1, min: 5, get: (r) => r.name },
  { key: 'n', title: 'N', get: (r) => String(r.n), sortValue: (r) => r.n },
];

describe('grid rules', () => {
  it('sorts by a column (ties by a second key, then id), filters, and keeps the cursor in the window', () => {
    const rows: R[] = [
      { id: '3', name: 'carol', n: 2 },
      { id: '1', name: 'Alice', n: 2 },
      { id: '2', name: 'bob', n: 1 },
    ];
    expect(sortRows(rows, COLS[0], 'asc').map((r) => r.name)).toEqual(['Alice', 'bob', 'carol']);
    expect(sortRows(rows, COLS[1], 'desc').map((r) => r.id)).toEqual(['1', '3', '2']);
    // Equal n: the second key (name) decides, in either direction, never the random id.
    const tied = [
      { id: 'z', name: 'b', n: 1 },
      { id: 'a', name: 'c', n: 1 },
      { id: 'm', name: 'a', n: 1 },
    ];
    expect(sortRows(tied, COLS[1], 'asc', COLS[0]).map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(sortRows(tied, COLS[1], 'desc', COLS[0]).map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(filterRows(rows, 'AL', (r) => r.name).map((r) => r.id)).toEqual(['1']);
    expect(windowTop(0, 0, 10, 100)).toBe(0);
    expect(windowTop(15, 0, 10, 100)).toBe(6);
    expect(windowTop(3, 6, 10, 100)).toBe(3);
    expect(windowTop(99, 95, 10, 100)).toBe(90);
  });

  it('field filters (status:pending, client:web) combine with free text', () => {
    const users = [
      { id: '1', email: 'ann@x.com', status: 'pending', profile: 'Tester' },
      { id: '2', email: 'bob@x.com', status: 'active', profile: 'Tester' },
      { id: '3', email: 'bill@x.com', status: 'pending', profile: 'Default' },
    ];
    const fields = { status: (u: (typeof users)[0]) => u.status, profile: (u: (typeof users)[0]) => u.profile };
    const ids = (f: string) => filterRows(users, f, (u) => u.email, fields).map((u) => u.id);
    expect(parseFilter('status:pending b', ['status'])).toEqual({
      text: 'b',
      fields: [{ name: 'status', value: 'pending' }],
    });
    expect(ids('status:pending')).toEqual(['1', '3']);
    expect(ids('status:pend b')).toEqual(['3']);
    expect(ids('profile:tester status:active')).toEqual(['2']);
    expect(ids('STATUS:PENDING')).toEqual(['1', '3']);
    expect(ids('nope:x')).toEqual([]); // an unknown name is plain text
  });

  it('wide characters are measured by display width, so columns stay aligned', () => {
    const wide = '艾琳测试 🚀Zoë';
    expect(textWidth(wide)).toBe(14);
    expect(textWidth(fit(wide, 10))).toBe(10);
    expect(textWidth(fit(wide, 20))).toBe(20);
    expect(textWidth(fit('abc', 2))).toBe(2);
    // The sort marker survives however narrow the column.
    expect(fitKeeping('Last activity', ' ▼', 8)).toBe('Last … ▼');
    expect(fitKeeping('Last activity', ' ▼', 8).endsWith(' ▼')).toBe(true);
  });

  it('columns are sized by content and width; optional ones appear only when everything fits', () => {
    const cols: Column<R>[] = [...COLS, { key: 'extra', title: 'Extra', optional: 1, get: (r) => `x${r.n}` }];
    const rows = [{ id: '1', name: 'a-rather-long-name', n: 1 }];
    const nat = naturalWidths(cols, rows);
    expect(nat).toEqual([18, 1, 5]);
    const wide = layoutColumns(cols, 80, nat);
    expect(wide.columns.map((c) => c.key)).toEqual(['name', 'n', 'extra']);
    expect(wide.widths[0]).toBeGreaterThan(18); // some of the spare goes to the growing column…
    expect(wide.widths.reduce((a, b) => a + b, 0) + 2).toBeLessThan(80); // …not all of it
    const narrow = layoutColumns(cols, 20, nat);
    expect(narrow.columns.map((c) => c.key)).toEqual(['name', 'n']);
    // …unless it is the sorted one: its marker must stay in sight.
    expect(layoutColumns(cols, 20, nat, 'extra').columns.map((c) => c.key)).toEqual(['name', 'n', 'extra']);
    for (const total of [12, 20, 40]) {
      const l = layoutColumns(cols, total, nat);
      expect(l.widths.reduce((a, b) => a + b, 0) + l.columns.length - 1).toBeLessThanOrEqual(total);
    }
  });

  it('the cursor stays on its record when live updates reorder the rows, and only the window renders', async () => {
    function View({ rows }: { rows: R[] }) {
      const g = useGrid(rows, COLS, { height: 3, width: 40, filterText: (r) => r.name, defaultSort: 'n' });
      useKeys(LAYER.screen, (input, key) => g.handleKey(input, key));
      return (
        <>
          {g.view.slice(g.top, g.top + g.height).map((r, i) => (
            <Text key={r.id}>{`${g.top + i === g.cursor ? '>' : ' '}${r.name}`}</Text>
          ))}
        </>
      );
    }
    const make = (names: string[]) => names.map((name, i) => ({ id: name, name, n: i }));
    const ui = renderTui(
      <KeyRouter>
        <View rows={make(['a', 'b', 'c', 'd', 'e'])} />
      </KeyRouter>,
    );
    await ui.waitFor('>a');
    expect(ui.frame()).not.toContain('d'); // three rows fit
    ui.press('j');
    await ui.waitFor('>b');
    ui.instance.rerender(
      <KeyRouter>
        <View rows={make(['x', 'e', 'd', 'c', 'b', 'a'])} />
      </KeyRouter>,
    );
    const f = await ui.waitFor('>b');
    expect(f).toContain('c'); // the window moved to keep b in sight
    ui.press('G');
    await ui.waitFor('>a');
    ui.press('g');
    await ui.waitFor('>x');
    ui.unmount();
  });
});
