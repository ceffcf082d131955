// Events committed by other servers. Each commit NOTIFYs the ids of its rows in the events table
// (notifications arrive in commit order, and commits are not serialised to number them); after a
// lost connection the feed reads back over the time it was away, skipping what it has seen, so a
// reconnect leaves no gap.
import pg from 'pg';
import type { BusEvent, EventType } from '../../events.js';

export const EVENTS_CHANNEL = 'seatdesk_events';
/** How far back a reconnect reads, beyond the last event seen: longer than any transaction runs. */
const OVERLAP = '30 seconds';
const SEEN_KEEP = 20_000;

interface Row {
  id: string;
  origin: string;
  type: string;
  data: unknown;
  at: string;
}

export class EventFeed {
  private client: pg.Client | null = null;
  /** The database time of the newest event seen (a reconnect reads from a little before it). */
  private lastAt: string | null = null;
  private readonly seen = new Set<string>();
  /** Notifications are handled one at a time, in the order they came. */
  private queue: Promise<void> = Promise.resolve();
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
    this.lastAt = (await this.pool.query<{ now: string }>(`SELECT clock_timestamp()::text AS now`)).rows[0].now;
    await this.connect(false);
  }

  private async connect(catchUp: boolean): Promise<void> {
    // The read-back is queued ahead of every notification the new connection brings (one can
    // arrive before the LISTEN's own answer is handled), and runs once LISTEN holds, so what it
    // reads comes out before anything committed after it, in order.
    let listening = () => {};
    if (catchUp) {
      const ready = new Promise<void>((resolve) => (listening = resolve));
      this.enqueue(() => ready.then(() => this.catchUp()));
    }
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (n) => this.enqueue(() => this.notified(n.payload ?? '')));
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } finally {
      listening(); // on failure too, so the queue moves on (the retry reads back again)
    }
    this.client = client;
    this.retryMs = 100;
  }

  private enqueue(job: () => Promise<void>): void {
    this.queue = this.queue.then(job).catch(() => {
      // The database is away: the reconnect reads back over the gap.
    });
  }

  private async notified(payload: string): Promise<void> {
    let note: { o: string; ids: (string | number)[] };
    try {
      note = JSON.parse(payload);
    } catch {
      return;
    }
    if (note.o === this.origin || !Array.isArray(note.ids)) return;
    const { rows } = await this.pool.query<Row>(
      'SELECT id::text AS id, origin, type, data, at::text AS at FROM events WHERE events.id = ANY($1::bigint[]) ORDER BY events.id',
      [note.ids.map(String)],
    );
    this.deliver(rows);
  }

  private async catchUp(): Promise<void> {
    const { rows } = await this.pool.query<Row>(
      `SELECT id::text AS id, origin, type, data, at::text AS at FROM events WHERE at > $1::timestamptz - $2::interval ORDER BY events.id`,
      [this.lastAt ?? 'epoch', OVERLAP],
    );
    this.deliver(rows);
  }

  private deliver(rows: Row[]): void {
    for (const r of rows) {
      if (this.seen.has(r.id)) continue;
      this.seen.add(r.id);
      if (this.seen.size > SEEN_KEEP) this.seen.delete(this.seen.values().next().value!);
      if (!this.lastAt || r.at > this.lastAt) this.lastAt = r.at;
      if (r.origin === this.origin) continue;
      const event = { type: r.type as EventType, data: r.data };
      for (const l of this.listeners) {
        try {
          l(event);
        } catch {
          // one listener's failure does not stop the others
        }
      }
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client || this.closed) return;
    this.client = null;
    client.end().catch(() => {});
    const retry = () => {
      if (this.closed) return;
      this.connect(true).catch(() => {
        this.retryMs = Math.min(5000, this.retryMs * 2);
        setTimeout(retry, this.retryMs).unref();
      });
    };
    setTimeout(retry, this.retryMs).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => {});
  }
}
