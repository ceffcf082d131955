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
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
/** Server-internal events, never streamed to consoles (they invalidate caches). */
export const INTERNAL_EVENTS: ReadonlySet<EventType> = new Set(['token.revoked']);
export interface BusEvent {
  type: EventType;
  data: unknown;
}
type Listener = (e: BusEvent) => void;

export class EventBus {
  private listeners = new Set<Listener>();
  emit(type: EventType, data: unknown): void {
    for (const l of this.listeners) l({ type, data });
  }
  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  get size(): number {
    return this.listeners.size;
  }
}
