// Request body size limit that keeps kept-alive connections usable after a 413.
import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.js';
import { errorBody } from './errors.js';
import { header } from './auth.js';

/** Oversized bodies up to this size are read and thrown away, so the connection can carry the next request. */
const DRAIN_MAX = 64 * 1024 * 1024;

/**
 * Refuses bodies over `maxSize` with 413 payload_too_large. An unread body would be parsed as the
 * next request on the connection (and the server would close it, losing the client's next
 * request), so the rest of an oversized body is read and discarded before the answer; a body over
 * DRAIN_MAX is answered with Connection: close instead. Before, not after: @hono/node-server
 * drains whatever is still unread once a response is out, and closes the connection if that takes
 * over half a second, which a client still sending a few megabytes on a busy machine does.
 */
export function limitBody(maxSize: number): MiddlewareHandler<AppEnv> {
  const tooLarge = (extra: Record<string, string> = {}) =>
    new Response(
      JSON.stringify(
        errorBody('payload_too_large', `The request body is too large (the limit is ${maxSize / 1024} KB).`),
      ),
      {
        status: 413,
        headers: { 'content-type': 'application/json', ...extra },
      },
    );
  return async (c, next) => {
    // Only where a body is expected: touching the body of a GET makes @hono/node-server build a
    // full Request (with an AbortController), which cost a third of the throughput of reads.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const declared = header(c, 'content-length');
    const chunked = header(c, 'transfer-encoding') !== undefined;
    if (declared === undefined && !chunked) return next(); // HTTP/1.1: no length, no chunks, no body
    if (!chunked) {
      const size = Number(declared);
      if (size <= maxSize) return next();
      if (size > DRAIN_MAX) return tooLarge({ connection: 'close' });
      await discardBody(c.env.incoming as IncomingMessage | undefined);
      return tooLarge();
    }
    // Chunked: count as it arrives, keep what fits, and on overflow read the rest away.
    const body = c.req.raw.body;
    if (!body) return next();
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxSize) {
        try {
          for (let read = size; read <= DRAIN_MAX;) {
            const r = await reader.read();
            if (r.done) return tooLarge();
            read += r.value.length;
          }
          await reader.cancel();
        } catch {
          // The client went away while sending; the answer is for the record only.
        }
        return tooLarge({ connection: 'close' });
      }
      chunks.push(value);
    }
    c.req.raw = new Request(c.req.raw, { body: Buffer.concat(chunks) });
    return next();
  };
}

/** Reads the rest of a body the answer does not need, so the connection stays in step; settles once it is read (or the client is gone). */
export function discardBody(incoming: IncomingMessage | undefined): Promise<void> {
  if (!incoming || incoming.readableEnded || incoming.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    incoming
      .once('end', resolve)
      .once('close', resolve)
      .once('error', () => resolve());
    incoming.on('data', () => {});
    incoming.resume();
  });
}
