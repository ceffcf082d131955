// The remembering stand-ins the bundle gives Ink (tui/render-cache/) answer exactly what the
// packages they stand in for answer, the first time and from the cache, and Ink frames drawn
// through them are the same frames.
import * as tokenizer from '@alcalzone/ansi-tokenize';
import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import * as cachedTokenizer from '../../tui/render-cache/ansi-tokenize.js';
import cachedSliceAnsi from '../../tui/render-cache/slice-ansi.js';
import cachedWidth from '../../tui/render-cache/string-width.js';

// SGR styles as a terminal gets them: open code, text, close code.
const sgr = (open: number, close: number) => (t: string) => `\u001b[${open}m${t}\u001b[${close}m`;
const c = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  italic: sgr(3, 23),
  underline: sgr(4, 24),
  inverse: sgr(7, 27),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
  redOnBlue: (t: string) => sgr(31, 39)(sgr(44, 49)(t)),
};
const LINES = [
  '',
  'plain ascii line',
  'Login email ▲  Name  —  Last login',
  '艾琳测试 🚀Zoë  wide and emoji 👩‍💻 🇫🇷',
  c.bold('bold') + ' then ' + c.redOnBlue('red on blue') + ' and ' + c.inverse('inverse'),
  c.dim(c.italic('nested ') + c.underline('styles')) + ' after',
  c.green('all green ▲ with a wide 字 inside'),
  `${c.cyan('\u001b]8;;https://example.com\u0007link\u001b]8;;\u0007')} text`,
  ' '.repeat(40) + c.yellow('x'),
];

describe('the render caches', () => {
  it('measure widths as string-width does', () => {
    for (let round = 0; round < 2; round++)
      for (const l of LINES) {
        expect(cachedWidth(l)).toBe(stringWidth(l));
        expect(cachedWidth(l, { countAnsiEscapeCodes: true })).toBe(stringWidth(l, { countAnsiEscapeCodes: true }));
      }
  });

  it('slice as slice-ansi does', () => {
    for (let round = 0; round < 2; round++)
      for (const l of LINES)
        for (const [a, b] of [
          [0, 5],
          [2, 9],
          [0, undefined],
          [3, 200],
          [0, 200],
          [0, 12],
        ] as const)
          expect(cachedSliceAnsi(l, a, b)).toBe(sliceAnsi(l, a, b));
  });

  it('give the same styled characters, and turn any row of them back into the same string', () => {
    const rows: tokenizer.StyledChar[][] = [];
    for (let round = 0; round < 2; round++)
      for (const l of LINES) {
        const ours = cachedTokenizer.styledCharsFromTokens(cachedTokenizer.tokenize(l));
        const theirs = tokenizer.styledCharsFromTokens(tokenizer.tokenize(l));
        expect(ours).toEqual(theirs);
        expect(cachedTokenizer.styledCharsToString(ours)).toBe(tokenizer.styledCharsToString(theirs));
        rows.push(ours);
      }
    // Rows as Ink composes them: pieces of different lines side by side, with blank cells between.
    const blank = (): tokenizer.StyledChar => ({ type: 'char', value: ' ', fullWidth: false, styles: [] });
    for (let i = 0; i + 1 < rows.length; i++) {
      const row = [...rows[i].slice(0, 7), blank(), blank(), ...rows[i + 1].slice(3), blank()];
      expect(cachedTokenizer.styledCharsToString(row)).toBe(tokenizer.styledCharsToString(row));
    }
  });
});
