// Events committed by other servers: a LISTEN connection wakes us, the events table says what
// happened, read on from the last id seen, so a dropped connection leaves no gap once it is back.
import pg from 'pg';
import type { BusEvent, EventType } from '../../events.js';

export const EVENTS_CHANNEL = 'seatdesk_events';

export class EventFeed {
  private client: pg.Client | null = null;
  private lastId = 0n;
  private pulling = false;
  private again = false;
  private closed = false;
  private retryMs = 100;
  private readonly listeners = new Set<(e: BusEvent) => void>();

  constructor(
    private readonly url: string,
    private readonly origin: string,
    private readonly pool: pg.Pool,
  ) {}

  subscribe(listener: (e: BusEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    const { rows } = await this.pool.query<{ id: string | null }>('SELECT max(id)::text AS id FROM events');
    this.lastId = BigInt(rows[0].id ?? 0);
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', () => void this.pull());
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.client = client;
    this.retryMs = 100;
    void this.pull(); // whatever was committed while we were not listening
  }

  private lost(client: pg.Client): void {
    if (this.client !== client || this.closed) return;
    this.client = null;
    client.end().catch(() => {});
    const retry = () => {
      if (this.closed) return;
      this.connect().catch(() => {
        this.retryMs = Math.min(5000, this.retryMs * 2);
        setTimeout(retry, this.retryMs).unref();
      });
    };
    setTimeout(retry, this.retryMs).unref();
  }

  /** Reads every event after the last one seen; one reader at a time, again if woken meanwhile. */
  private async pull(): Promise<void> {
    if (this.pulling) {
      this.again = true;
      return;
    }
    this.pulling = true;
    try {
      do {
        this.again = false;
        for (;;) {
          const { rows } = await this.pool.query<{ id: string; origin: string; type: string; data: unknown }>(
            'SELECT id::text AS id, origin, type, data FROM events WHERE events.id > $1::bigint ORDER BY events.id LIMIT 500',
            [this.lastId.toString()],
          );
          for (const r of rows) {
            this.lastId = BigInt(r.id);
            if (r.origin === this.origin) continue;
            const event = { type: r.type as EventType, data: r.data };
            for (const l of this.listeners) l(event);
          }
          if (rows.length < 500) break;
        }
      } while (this.again && !this.closed);
    } catch {
      // The database is away; the reconnect (or the next notification) reads on from lastId.
    } finally {
      this.pulling = false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => {});
  }
}
