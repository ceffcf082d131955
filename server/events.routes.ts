// GET /api/events: Server-Sent Events for admins, with heartbeats and a bounded queue per client.
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { requirePerm } from './http/auth.js';
import type { AppEnv } from './http/env.js';
import type { MailEntry } from '../src/domain/schemas.js';
import { INTERNAL_EVENTS, type BusEvent } from './events.js';

/** Events waiting for one slow client; past this it is dropped and must reconnect. */
const MAX_QUEUE = 2000;

export const eventsRoutes = (heartbeatMs: number) =>
  new Hono<AppEnv>().use(requirePerm('sessions')).get('/', (c) =>
    streamSSE(c, async (stream) => {
      const queue: BusEvent[] = [];
      let wake: (() => void) | null = null;
      let overflow = false;
      const own = c.get('auth').session.id;
      const mailVisible = await c.env.services.mail.visibleTo(c.get('auth').user);
      let ownEnded = false;
      const off = c.env.services.ctx.bus.subscribe((e) => {
        // The stream lives no longer than the session that opened it.
        if (e.type === 'session.ended' && (e.data as { session: { id: string } }).session.id === own) ownEnded = true;
        if (INTERNAL_EVENTS.has(e.type)) return;
        if (e.type === 'mail.received' && !mailVisible((e.data as { mail: MailEntry }).mail)) return;
        if (queue.length >= MAX_QUEUE) overflow = true;
        else queue.push(e);
        wake?.();
      });
      const beat = setInterval(() => wake?.(), heartbeatMs);
      stream.onAbort(() => wake?.());
      let id = 0;
      try {
        await stream.writeSSE({ event: 'ready', data: JSON.stringify({ at: new Date().toISOString() }), retry: 2000 });
        while (!stream.aborted && !stream.closed && !overflow && !(ownEnded && queue.length === 0)) {
          if (queue.length === 0) {
            await new Promise<void>((r) => (wake = r));
            wake = null;
            if (queue.length === 0 && !stream.aborted && !ownEnded) await stream.write(': heartbeat\n\n');
            continue;
          }
          const e = queue.shift()!;
          await stream.writeSSE({ event: e.type, data: JSON.stringify(e.data), id: String(++id) });
        }
      } finally {
        off();
        clearInterval(beat);
      }
    }),
  );
