// Display width of a string, remembered: the console and Ink measure the same cells and lines on
// every frame, and string-width walks any non-ASCII line grapheme by grapheme. The bundle
// (bin/bundle.js) sends Ink's own string-width imports here too.
import stringWidth, { type Options } from 'string-width';

const MAX = 20_000;
let widths = new Map<string, number>();

export default function textWidth(text: string, options?: Options): number {
  if (options) return stringWidth(text, options);
  let w = widths.get(text);
  if (w === undefined) {
    w = stringWidth(text);
    // Frames repeat the same strings; a full cache starts again rather than growing without bound.
    if (widths.size >= MAX) widths = new Map();
    widths.set(text, w);
  }
  return w;
}
