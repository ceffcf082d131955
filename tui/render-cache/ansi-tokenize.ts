// What Ink does for every line of every frame, remembered across frames. Ink 6 turns each line it
// writes into one styled object per character and back into a string, anew on each frame; at
// 120×40 that is thousands of objects per keypress and made a held key fall behind. Lines repeat
// from frame to frame (a cursor move changes two rows), so the styled characters of a line are
// kept, and characters that share a style share one styles array, so turning a row back into a
// string skips the style comparison between them. The bundle (bin/bundle.js) gives Ink this
// module in place of @alcalzone/ansi-tokenize; nothing here changes what is drawn.
import {
  ansiCodesToString,
  diffAnsiCodes,
  styledCharsFromTokens as styledCharsOf,
  tokenize as tokenizeLine,
  type AnsiCode,
  type StyledChar,
  type Token,
} from '@alcalzone/ansi-tokenize';

export * from '@alcalzone/ansi-tokenize';

const MAX_LINES = 5_000;
let tokens = new Map<string, Token[]>();
const styled = new WeakMap<Token[], StyledChar[]>();

export function tokenize(str: string, endChar?: number): Token[] {
  if (endChar !== undefined) return tokenizeLine(str, endChar);
  let t = tokens.get(str);
  if (!t) {
    t = tokenizeLine(str);
    if (tokens.size >= MAX_LINES) tokens = new Map();
    tokens.set(str, t);
  }
  return t;
}

const sameCodes = (a: AnsiCode[], b: AnsiCode[]) =>
  a.length === b.length && a.every((c, i) => c.code === b[i].code && c.endCode === b[i].endCode);

export function styledCharsFromTokens(t: Token[]): StyledChar[] {
  let chars = styled.get(t);
  if (!chars) {
    chars = styledCharsOf(t);
    for (let i = 1; i < chars.length; i++)
      if (sameCodes(chars[i - 1].styles, chars[i].styles)) chars[i] = { ...chars[i], styles: chars[i - 1].styles };
    styled.set(t, chars);
  }
  return chars;
}

const NONE: AnsiCode[] = [];

/** As the package's, but with no style work between characters that share a style (or have none). */
export function styledCharsToString(chars: StyledChar[]): string {
  let out = '';
  let prev = NONE;
  for (const c of chars) {
    if (c.styles !== prev && (c.styles.length > 0 || prev.length > 0))
      out += ansiCodesToString(diffAnsiCodes(prev, c.styles));
    out += c.value;
    prev = c.styles;
  }
  if (prev.length > 0) out += ansiCodesToString(diffAnsiCodes(prev, []));
  return out;
}
