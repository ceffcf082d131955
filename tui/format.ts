// Text helpers for the console: times, widths, the seat gauge.
export function shortTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sameDay = new Date(now).toDateString() === d.toDateString();
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return sameDay ? `${hm}:${pad(d.getSeconds())}` : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
}

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

/** Pads or cuts to exactly `width` columns (ellipsis when cut). */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const t = text.replace(/[\r\n\t]+/g, ' ');
  if (t.length <= width) return t.padEnd(width);
  return width === 1 ? '…' : t.slice(0, width - 1) + '…';
}

export function seatGauge(held: number, seats: number, width = 5): string {
  const filled = seats > 0 ? Math.min(width, Math.round((held / seats) * width)) : 0;
  return '▰'.repeat(filled) + '▱'.repeat(width - filled);
}

export const bytes = (n: number): string => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(1)} MB`);
