// A text field's state and its keys, as a pure reducer. The hook keeps the latest value in a ref
// updated as each key is handled, so keys arriving faster than React renders (a paste, a held
// key, a packet with several keys) each build on the one before, and Enter submits what was typed.
import type { Key } from 'ink';
import { useRef, useState } from 'react';
import { commandFor } from '../commands.js';

export interface FieldState {
  value: string;
  /** In code points. */
  cursor: number;
}

const cps = (s: string): string[] => Array.from(s);

export const fieldOf = (value: string): FieldState => ({ value, cursor: cps(value).length });

/** The next state for a key, or null when the key is not a field key (Enter, Esc, Tab, arrows up/down…). */
export function fieldKey(s: FieldState, input: string, key: Key): FieldState | null {
  const chars = cps(s.value);
  const at = (value: string[], cursor: number) => ({ value: value.join(''), cursor });
  switch (commandFor('field', input, key)) {
    case 'field.clear':
      return { value: '', cursor: 0 };
    case 'field.start':
      return { ...s, cursor: 0 };
    case 'field.end':
      return { ...s, cursor: chars.length };
    case 'field.wordBack': {
      let i = s.cursor;
      while (i > 0 && chars[i - 1] === ' ') i--;
      while (i > 0 && chars[i - 1] !== ' ') i--;
      return at([...chars.slice(0, i), ...chars.slice(s.cursor)], i);
    }
  }
  if (key.backspace || key.delete) {
    if (s.cursor === 0) return s;
    return at([...chars.slice(0, s.cursor - 1), ...chars.slice(s.cursor)], s.cursor - 1);
  }
  if (key.leftArrow) return { ...s, cursor: Math.max(0, s.cursor - 1) };
  if (key.rightArrow) return { ...s, cursor: Math.min(chars.length, s.cursor + 1) };
  if (key.home) return { ...s, cursor: 0 };
  if (key.end) return { ...s, cursor: chars.length };
  if (
    key.ctrl ||
    key.meta ||
    key.return ||
    key.tab ||
    key.escape ||
    key.upArrow ||
    key.downArrow ||
    key.pageUp ||
    key.pageDown ||
    !input
  )
    return null;
  // Printable text (one key, or several if a caller hands over a run): newlines become spaces.
  const text = cps(input.replace(/[\r\n]+/g, ' ').replace(/[\x00-\x1f\x7f]/g, ''));
  return at([...chars.slice(0, s.cursor), ...text, ...chars.slice(s.cursor)], s.cursor + text.length);
}

export interface TextField {
  value: string;
  cursor: number;
  /** The value as of the last key handled, even before React has rendered it. */
  latest(): string;
  /** Handles a field key; false when the key is not one. */
  handle(input: string, key: Key): boolean;
  set(value: string): void;
}

export function useTextField(initial = ''): TextField {
  const ref = useRef<FieldState>(fieldOf(initial));
  const [state, setState] = useState(ref.current);
  const put = (n: FieldState) => {
    ref.current = n;
    setState(n);
  };
  return {
    value: state.value,
    cursor: state.cursor,
    latest: () => ref.current.value,
    handle(input, key) {
      const n = fieldKey(ref.current, input, key);
      if (!n) return false;
      put(n);
      return true;
    },
    set: (value) => put(fieldOf(value)),
  };
}
