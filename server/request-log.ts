// The request log: one JSON line per request in data/server.log, in pino's format, written through
// pino's asynchronous, buffered destination (no syscall per request), with every secret redacted.
import { pino } from 'pino';
import { redactPath } from '../src/domain/redact.js';

type Fetch = (req: Request, env: { incoming: { method?: string; url?: string } }) => Response | Promise<Response>;

export interface RequestLog {
  /** Wraps the app's fetch: a line per request, from the method and URL Node already parsed. */
  wrap(fetch: Fetch): Fetch;
  close(): Promise<void>;
}

export function openRequestLog(file: string): RequestLog {
  const dest = pino.destination({ dest: file, sync: false, minLength: 8192, mode: 0o600, mkdir: true });
  dest.on('error', () => {}); // a full disk must not take the server down over its log
  // The ISO time is formatted once per millisecond: at tens of thousands of requests a second,
  // formatting it per line was half of pino's cost.
  let stampMs = -1;
  let stamp = '';
  const time = () => {
    const now = Date.now();
    if (now !== stampMs) stamp = `{"level":"info","time":"${new Date((stampMs = now)).toISOString()}"`;
    return stamp;
  };
  // The buffer is written when it holds 8 KB; a quiet server's last lines are written within a second.
  let pending = false;
  const flusher = setInterval(() => {
    if (pending) {
      pending = false;
      dest.flush();
    }
  }, 1000);
  flusher.unref();

  // The lines of one event-loop turn go to the destination in one write (a write per line was
  // about a sixth of the cost of a small request at tens of thousands a second).
  let lines = '';
  let queued = false;
  const hand = () => {
    queued = false;
    const out = lines;
    lines = '';
    if (out) dest.write(out);
    pending = true;
  };
  // Each line is pino's own format ({"level","time",…fields}), put together here: four fields of
  // known types need no general serializer, and pino's logger call was a fifth of the cost of a
  // small request such as GET /api/me. Its buffered destination (sonic-boom) stays.
  const write = (incoming: { method?: string; url?: string }, status: number, started: number) => {
    const url = incoming.url ?? '';
    const q = url.indexOf('?'); // the query string is never logged
    const method = incoming.method === undefined ? '' : `,"method":${JSON.stringify(incoming.method)}`;
    const ms = Math.round((performance.now() - started) * 10) / 10;
    lines += `${time()}${method},"path":${JSON.stringify(redactPath(q < 0 ? url : url.slice(0, q)))},"status":${status},"ms":${ms}}\n`;
    if (!queued) {
      queued = true;
      setImmediate(hand);
    }
  };
  return {
    wrap: (fetch) => (req, env) => {
      const started = performance.now();
      const res = fetch(req, env);
      if (res instanceof Promise) return res.then((r) => (write(env.incoming, r.status, started), r));
      write(env.incoming, res.status, started);
      return res;
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(flusher);
        hand();
        dest.once('close', () => resolve());
        dest.once('error', () => resolve());
        dest.end();
      }),
  };
}
