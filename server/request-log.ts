// The request log: one JSON line per request in data/server.log, written by pino through an
// asynchronous, buffered destination (no syscall per request), with every secret redacted.
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
    if (now !== stampMs) stamp = `,"time":"${new Date((stampMs = now)).toISOString()}"`;
    return stamp;
  };
  const logger = pino({ base: null, timestamp: time, formatters: { level: (label) => ({ level: label }) } }, dest);
  // The buffer is written when it holds 8 KB; a quiet server's last lines are written within a second.
  let pending = false;
  const flusher = setInterval(() => {
    if (pending) {
      pending = false;
      dest.flush();
    }
  }, 1000);
  flusher.unref();

  const write = (incoming: { method?: string; url?: string }, status: number, started: number) => {
    const url = incoming.url ?? '';
    const q = url.indexOf('?'); // the query string is never logged
    logger.info({
      method: incoming.method,
      path: redactPath(q < 0 ? url : url.slice(0, q)),
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
    pending = true;
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
        dest.once('close', () => resolve());
        dest.once('error', () => resolve());
        dest.end();
      }),
  };
}
