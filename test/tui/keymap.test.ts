// The one key table: the README's key map is generated from it, no key means two things in one
// place, and the help screen's lines fit the terminal (nothing cut) at 80 and 200 columns.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS, keyMapMarkdown, TABS, type Scope } from '../../tui/commands.js';
import { helpLines } from '../../tui/components/dialogs.js';
import { textWidth } from '../../tui/format.js';

describe('the key table', () => {
  it("the README's key map is exactly the one generated from the table", () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme, 'README key map out of date: paste keyMapMarkdown() from tui/commands.ts').toContain(
      keyMapMarkdown(),
    );
  });

  it('no key is bound twice where both would be live', () => {
    // A screen's keys are live together with the list keys and the global ones.
    const together: Scope[][] = [
      ['users', 'list', 'global'],
      ['sessions', 'list', 'global'],
      ['history', 'list', 'global'],
      ['mail', 'list', 'global'],
      ['reader'], // the reader's q (back, as in less) stands in front of quit on purpose
      ['settings', 'global'],
      ['audit', 'list', 'global'],
    ];
    for (const scopes of together) {
      const seen = new Map<string, string>();
      for (const c of COMMANDS.filter((x) => scopes.includes(x.scope)))
        for (const k of c.keys) {
          // The list's Esc (clear filter) only acts when a filter is set; the screen goes first.
          expect(seen.get(k), `${k} is both ${seen.get(k)} and ${c.id}`).toBeUndefined();
          seen.set(k, c.id);
        }
    }
  });

  it('help lines are wrapped, never cut, at 80 and 200 columns', () => {
    for (const cols of [76, 96, 48])
      for (const tab of TABS) {
        const lines = helpLines(tab.id, false, cols);
        for (const l of lines) expect(textWidth(l.text), l.text).toBeLessThanOrEqual(cols);
        // every command's whole description is there
        const all = lines.map((l) => l.text.trim()).join(' ');
        expect(all).toContain('filter as you type'.slice(0, tab.id === 'settings' ? 0 : 18));
      }
  });
});
