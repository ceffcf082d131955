// The seat history for the chart: fetched over the API, again whenever the seat count moves.
import { useEffect, useState } from 'react';
import type { ApiClient } from '../../src/client/api-client.js';
import type { LicenseView } from '../../src/domain/schemas.js';
import { seatSeries, type SeatHistoryEntry, type SeatPoint } from '../../src/domain/seat-history.js';

export function useSeatHistory(
  client: ApiClient,
  license: LicenseView | null,
  days: number,
): { points: SeatPoint[]; error: string | null } {
  const [entries, setEntries] = useState<SeatHistoryEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const held = license?.held;
  const seats = license?.seats;
  useEffect(() => {
    const ac = { stop: false };
    void (async () => {
      try {
        const all: SeatHistoryEntry[] = [];
        for (let cursor: string | undefined; ;) {
          const page = await client.seatHistory({ days, limit: 10_000, cursor });
          all.push(...page.items);
          if (!page.nextCursor || ac.stop) break;
          cursor = page.nextCursor;
        }
        if (!ac.stop) {
          setEntries(all);
          setError(null);
        }
      } catch (e) {
        if (!ac.stop) setError((e as Error).message);
      }
    })();
    return () => void (ac.stop = true);
  }, [client, days, held, seats]);
  const now = new Date();
  const points = seatSeries(entries, now, days, license ? { held: license.held, seats: license.seats } : undefined);
  return { points, error };
}
