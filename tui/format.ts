// Text helpers for the console: times, display widths (wide characters take two columns), the seat gauge.
import stringWidth from './render-cache/string-width.js';
import wrapAnsi from 'wrap-ansi';

const segmenter = new Intl.Segmenter();
export const textWidth = (text: string): number => stringWidth(text);
export function shortTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sameDay = new Date(now).toDateString() === d.toDateString();
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return sameDay
    ? `${hm}:${pad(d.getSeconds())}`
    : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
}

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

/** Cuts to at most `cols` display columns, whole graphemes only (an ellipsis marks the cut). */
export function cut(text: string, cols: number): string {
  if (cols <= 0) return '';
  if (stringWidth(text) <= cols) return text;
  let out = '';
  let w = 0;
  for (const { segment } of segmenter.segment(text)) {
    const sw = stringWidth(segment);
    if (w + sw > cols - 1) break;
    out += segment;
    w += sw;
  }
  return out + '…';
}

/** Pads or cuts to exactly `cols` display columns (ellipsis when cut). */
export function fit(text: string, cols: number): string {
  if (cols <= 0) return '';
  const t = cut(text.replace(/[\r\n\t]+/g, ' '), cols);
  return t + ' '.repeat(Math.max(0, cols - stringWidth(t)));
}

/** Like fit, but `suffix` (a sort marker) is never the part that is cut. */
export function fitKeeping(text: string, suffix: string, cols: number): string {
  const sw = stringWidth(suffix);
  if (cols <= sw) return fit(suffix.trim(), cols);
  return fit(cut(text, cols - sw) + suffix, cols);
}

/** Word-wraps to `cols` columns (long words are broken). */
export const wrap = (text: string, cols: number): string[] =>
  wrapAnsi(text, Math.max(1, cols), { hard: true, trim: false }).split('\n');

export function seatGauge(held: number, seats: number, width = 5): string {
  const filled = seats > 0 ? Math.min(width, Math.round((held / seats) * width)) : 0;
  return '▰'.repeat(filled) + '▱'.repeat(width - filled);
}

export const bytes = (n: number): string =>
  n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(1)} MB`;
