// Dates as people read them: in the server's time zone, with the zone named.
const formats = new Map<string, Intl.DateTimeFormat>();

/** "28 November 2026 at 19:45 UTC" in the given time zone (default: this process's). */
export function humanDate(iso: string | Date, timeZone?: string): string {
  const key = timeZone ?? '';
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone })));
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  const zone =
    new Intl.DateTimeFormat('en-GB', { timeZoneName: 'short', timeZone })
      .formatToParts(d)
      .find((p) => p.type === 'timeZoneName')?.value ?? '';
  return `${f.format(d)}${zone ? ` ${zone}` : ''}`;
}
