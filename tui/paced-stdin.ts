// Hands Ink one keypress per tick. A terminal delivers fast typing, pastes and scripted keys as one
// chunk ("abc\t"), which Ink passes to every handler as one input with stale state: "/abc" would
// run "a" as a command before the filter opens. Pacing gives React a render between keys.
import { EventEmitter } from 'node:events';

/** Splits input into keypresses: escape sequences whole, everything else one code point each. */
export function splitKeys(chunk: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < chunk.length) {
    if (chunk[i] === '\x1b' && i + 1 < chunk.length) {
      let j = i + 1;
      if (chunk[j] === '\x1b') j++; // meta + sequence
      if (chunk[j] === '[' || chunk[j] === 'O') {
        const csi = chunk[j] === '[';
        j++;
        if (csi) {
          if (chunk[j] === '[') j++;
          while (j < chunk.length && chunk.charCodeAt(j) >= 0x20 && chunk.charCodeAt(j) <= 0x3f) j++;
        }
        j = Math.min(chunk.length, j + 1);
      } else j = Math.min(chunk.length, j + 1);
      out.push(chunk.slice(i, j));
      i = j;
      continue;
    }
    const cp = chunk.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    out.push(chunk.slice(i, i + len));
    i += len;
  }
  return out;
}

/** Long enough for React to commit and Ink to re-subscribe its input handlers. */
const PACE_MS = 20;

/** Control keys the console uses; other Ctrl+letter keys would land in text fields as letters. */
const KEPT_CONTROLS = new Set(['\t', '\r', '\n', '\x1b', '\x7f', '\x08', '\x03']);
const wanted = (key: string): boolean => key.length !== 1 || key.charCodeAt(0) >= 0x20 || KEPT_CONTROLS.has(key);

export class PacedStdin extends EventEmitter {
  private queue: string[] = [];
  private ready: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  readonly isTTY: boolean;

  constructor(private readonly source: NodeJS.ReadStream) {
    super();
    this.isTTY = !!source.isTTY;
    source.setEncoding('utf8');
    source.on('data', (chunk: string) => {
      this.queue.push(...splitKeys(chunk).filter(wanted));
      this.pump();
    });
    source.on('end', () => this.emit('end'));
    source.on('error', (e) => this.emit('error', e));
  }

  private pump(): void {
    if (this.timer || this.ready !== null || this.queue.length === 0) return;
    // Even the first key waits for setImmediate: React flushes pending effects (which subscribe
    // the input handlers of what was just rendered) in the same queue, ahead of it.
    this.timer = setImmediate(() => {
      this.ready = this.queue.shift()!;
      this.emit('readable');
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, PACE_MS);
    }) as unknown as NodeJS.Timeout;
  }

  read(): string | null {
    const r = this.ready;
    this.ready = null;
    return r;
  }

  setEncoding(): this {
    return this;
  }
  setRawMode(on: boolean): this {
    this.source.setRawMode?.(on);
    return this;
  }
  ref(): this {
    this.source.ref();
    return this;
  }
  unref(): this {
    this.source.unref();
    return this;
  }
  resume(): this {
    this.source.resume();
    return this;
  }
  pause(): this {
    this.source.pause();
    return this;
  }
}
