// Event-loop delay, as GET /api/diag reports it. Node's monitor records the time between its
// timer's runs, which includes the timer's own interval: an idle process reads 10 ms at a 10 ms
// resolution. The delay is what is left once that interval is taken off.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const RESOLUTION_MS = 10;

export interface LoopDelay {
  /** Milliseconds late, by percentile and at worst, since start or the last reset. */
  summary(): { p50: number; p99: number; max: number; mean: number };
  reset(): void;
  stop(): void;
}

export function monitorLoopDelay(): LoopDelay {
  const h: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  const late = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
  return {
    summary: () => ({ p50: late(h.percentile(50)), p99: late(h.percentile(99)), max: late(h.max), mean: late(h.mean) }),
    reset: () => h.reset(),
    stop: () => h.disable(),
  };
}
