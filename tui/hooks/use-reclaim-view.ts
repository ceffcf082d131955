// The Users screen's reclamation views: `dormant:90` / `pending:14` in the filter ask the server
// which users they are (its rules, its clock, session activity the console does not hold), and
// the grid keeps only those rows; the footer line says how many seats they hold.
import { useEffect, useMemo, useState } from 'react';
import type { ApiClient } from '../../src/client/api-client.js';
import { parseUserFilter } from '../../src/domain/reclaim.js';
import type { PublicUser } from '../../src/domain/schemas.js';
import { holdsSeat } from '../../src/domain/seats.js';

export interface ReclaimView {
  /** The rows the grid gets: every user, or those the server named. */
  rows: PublicUser[];
  /** Field filters so `dormant:N` / `pending:N` are not taken as search text. */
  fields: Record<string, (u: PublicUser) => string>;
  /** "12 dormant users (90 days) hold 12 seats", or null outside the views. */
  summary: string | null;
}

export function useReclaimView(client: ApiClient, filter: string, users: PublicUser[]): ReclaimView {
  const f = parseUserFilter(filter);
  const key = f.dormantDays || f.pendingOlderThanDays ? `${f.dormantDays ?? ''}/${f.pendingOlderThanDays ?? ''}` : '';
  const [ids, setIds] = useState<{ key: string; ids: Set<string> } | null>(null);
  // Asked again when the view changes or the users change (a deactivation leaves the view).
  useEffect(() => {
    if (!key) return setIds(null);
    const ac = new AbortController();
    void (async () => {
      const found = new Set<string>();
      try {
        for (let cursor: string | undefined; ; ) {
          const page = await client.users({ dormantDays: f.dormantDays, pendingOlderThanDays: f.pendingOlderThanDays, limit: 10_000, cursor }, ac.signal);
          for (const u of page.items) found.add(u.id);
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        if (!ac.signal.aborted) setIds({ key, ids: found });
      } catch {
        // the connection's own error handling reports a lost server
      }
    })();
    return () => ac.abort();
  }, [client, key, users]); // eslint-disable-line react-hooks/exhaustive-deps
  const rows = useMemo(() => (key && ids?.key === key ? users.filter((u) => ids.ids.has(u.id)) : key ? [] : users), [users, ids, key]);
  const fields = useMemo(
    () => ({ dormant: () => String(f.dormantDays ?? ''), pending: () => String(f.pendingOlderThanDays ?? '') }),
    [f.dormantDays, f.pendingOlderThanDays],
  );
  let summary: string | null = null;
  if (key) {
    const held = rows.filter(holdsSeat).length;
    const what = f.dormantDays && f.pendingOlderThanDays ? 'dormant or stale' : f.dormantDays ? `dormant (${f.dormantDays}+ days)` : `stale invitations (${f.pendingOlderThanDays}+ days)`;
    summary = ids?.key === key ? `${rows.length} ${what} hold ${held} seat${held === 1 ? '' : 's'}` : `finding ${what}…`;
  }
  return { rows, fields, summary };
}
