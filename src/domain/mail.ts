// Who a captured message went to: the To and Cc headers, and envelope recipients they do not name (Bcc).
import type { MailEntry } from './schemas.js';

/** Every recipient of a message: To, then Cc, then Bcc. */
export const recipientsOf = (m: Pick<MailEntry, 'to' | 'cc' | 'bcc'>): string[] => [...m.to, ...m.cc, ...m.bcc];

/** The envelope's recipients that neither To nor Cc names: the blind copies. */
export function blindRecipients(envelope: readonly string[], named: readonly string[]): string[] {
  const seen = new Set(named);
  const out: string[] = [];
  for (const r of envelope) {
    if (seen.has(r)) continue;
    seen.add(r);
    out.push(r);
  }
  return out;
}

/** Whether any recipient contains `needle` (lower case). */
export const sentTo = (m: Pick<MailEntry, 'to' | 'cc' | 'bcc'>, needle: string): boolean =>
  m.to.some((t) => t.includes(needle)) || m.cc.some((t) => t.includes(needle)) || m.bcc.some((t) => t.includes(needle));
