// The list keys of a grid, dispatched from the command table: one function for every grid (the
// in-memory one and the server-side window), so the keys and the filter field behave the same.
import type { Key } from 'ink';
import { commandFor } from '../commands.js';
import { SAME, type KeyResult } from '../input/key-router.js';
import type { TextField } from '../input/text-field.js';

export interface GridKeyTarget {
  filtering: boolean;
  /** The filter's text field (useTextField): it keeps every key, however fast they come. */
  filter: TextField;
  /** Rows a page moves. */
  page: number;
  setFiltering(on: boolean): void;
  /** The filter's text changed: put the cursor back on top, remember it, fetch. */
  filterChanged(): void;
  moveTo(index: (cur: number, count: number) => number): void;
  sort(how: 'next' | 'reverse'): void;
}

/** Handles a list key; false when it is not one. While filtering every key is used. */
export function gridKey(g: GridKeyTarget, input: string, key: Key): KeyResult {
  if (g.filtering) {
    if (key.escape) {
      g.filter.set('');
      g.setFiltering(false);
      g.filterChanged();
    } else if (key.return) g.setFiltering(false);
    else if (key.upArrow) g.moveTo((c) => c - 1);
    else if (key.downArrow) g.moveTo((c) => c + 1);
    else if (g.filter.handle(input, key)) {
      g.filterChanged();
      return SAME; // the filter's text: the keys after it still go to the filter
    }
    return true;
  }
  const page = Math.max(1, g.page);
  const half = Math.ceil(page / 2);
  switch (commandFor('list', input, key)) {
    case 'up':
      return g.moveTo((c) => c - 1);
    case 'down':
      return g.moveTo((c) => c + 1);
    case 'pageUp':
      return g.moveTo((c) => c - page);
    case 'pageDown':
      return g.moveTo((c) => c + page);
    case 'halfUp':
      return g.moveTo((c) => c - half);
    case 'halfDown':
      return g.moveTo((c) => c + half);
    case 'top':
      return g.moveTo(() => 0);
    case 'bottom':
      return g.moveTo((_c, n) => n - 1);
    case 'filter':
      return g.setFiltering(true);
    case 'clearFilter':
      if (!g.filter.latest()) return false;
      g.filter.set('');
      return g.filterChanged();
    case 'sort':
      return g.sort('next');
    case 'reverse':
      return g.sort('reverse');
    default:
      return false;
  }
}
