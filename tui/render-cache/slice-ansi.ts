// slice-ansi, remembered: Ink clips every line of the screen's body to its box on every frame,
// and the lines repeat from frame to frame. Given to Ink by the bundle (bin/bundle.js).
import sliceAnsi from 'slice-ansi';

const MAX = 5_000;
let slices = new Map<string, string>();

export default function cachedSliceAnsi(text: string, start: number, end?: number): string {
  const key = `${start}:${end ?? ''}:${text}`;
  let s = slices.get(key);
  if (s === undefined) {
    s = sliceAnsi(text, start, end);
    if (slices.size >= MAX) slices = new Map();
    slices.set(key, s);
  }
  return s;
}
