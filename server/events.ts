// The in-process event bus behind GET /api/events.
export const EVENT_TYPES = [
  'session.created',
  'session.ended',
  'user.updated',
  'license.updated',
  'mail.received',
  'mail.sent',
  'mail.failed',
  'settings.updated',
  'token.revoked',
  'mail.queued',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
/** Server-internal events, never streamed to consoles (they invalidate caches). */
export const INTERNAL_EVENTS: ReadonlySet<EventType> = new Set(['token.revoked', 'mail.queued']);
export interface BusEvent {
  type: EventType;
  data: unknown;
}
type Listener = (e: BusEvent) => void;

export class EventBus {
  private listeners = new Set<Listener>();
  /** The server's own listeners (caches, the outbox), not counted as subscribers. */
  private own = new Set<Listener>();
  emit(type: EventType, data: unknown): void {
    const e = { type, data };
    for (const l of this.own) l(e);
    for (const l of this.listeners) l(e);
  }
  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  /** For the server's own parts, which live as long as it does. */
  listen(l: Listener): void {
    this.own.add(l);
  }
  /** Subscribers (event streams, mail waits). */
  get size(): number {
    return this.listeners.size;
  }
}
