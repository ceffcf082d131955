// slice-ansi, remembered: Ink clips every line of the screen's body to its box on every frame,
// and the lines repeat from frame to frame. A line with no escape codes that already fits is
// its own slice, without parsing it. Given to Ink by the bundle (bin/bundle.js).
import sliceAnsi from 'slice-ansi';
import textWidth from './string-width.js';

const MAX = 5_000;
let slices = new Map<string, string>();

export default function cachedSliceAnsi(text: string, start: number, end?: number): string {
  if (start === 0 && end !== undefined && !text.includes('\u001b') && textWidth(text) <= end) return text;
  const key = `${start}:${end ?? ''}:${text}`;
  let s = slices.get(key);
  if (s === undefined) {
    s = sliceAnsi(text, start, end);
    if (slices.size >= MAX) slices = new Map();
    slices.set(key, s);
  }
  return s;
}
