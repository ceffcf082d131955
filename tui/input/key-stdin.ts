// Hands Ink the terminal's input one keypress at a time, at once (no pacing): Ink would pass a
// chunk such as "/abc" to its handlers as one input. The key router (key-router.tsx) decides
// when each key is handled.
import { EventEmitter } from 'node:events';

const ESC = '\x1b';

/**
 * Splits input into keypresses: CSI and SS3 sequences whole, everything else one code point each.
 * Esc followed by a character is two keys, Esc and the character: over SSH a quick "Esc, j"
 * arrives in one packet, and the console has no Alt+key bindings to confuse it with.
 */
export function splitKeys(chunk: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < chunk.length) {
    if (chunk[i] === ESC && (chunk[i + 1] === '[' || chunk[i + 1] === 'O') && i + 2 < chunk.length) {
      let j = i + 2;
      if (chunk[i + 1] === '[') {
        if (chunk[j] === '[') j++; // legacy function keys: ESC [ [ A
        while (j < chunk.length && chunk.charCodeAt(j) >= 0x20 && chunk.charCodeAt(j) <= 0x3f) j++;
      }
      j = Math.min(chunk.length, j + 1);
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

/** Control keys the console uses; other Ctrl+letter keys are dropped. */
const KEPT_CONTROLS = new Set([
  '\t',
  '\r',
  '\n',
  ESC,
  '\x7f',
  '\x08',
  '\x03',
  '\x15',
  '\x04',
  '\x06',
  '\x02',
  '\x17',
  '\x01',
  '\x05',
]);
const wanted = (key: string): boolean => key.length !== 1 || key.charCodeAt(0) >= 0x20 || KEPT_CONTROLS.has(key);

/**
 * A lone Esc as the kitty keyboard protocol writes it (CSI 27 u), which Ink reads as Escape at
 * once. Passed as a bare ESC, Ink would hold it for a tick and join it with the next key.
 */
export const LONE_ESC = '\x1b[27u';

export class KeyStdin extends EventEmitter {
  private queue: string[] = [];
  readonly isTTY: boolean;

  constructor(private readonly source: NodeJS.ReadStream) {
    super();
    this.isTTY = !!source.isTTY;
    source.setEncoding('utf8');
    source.on('data', (chunk: string) => {
      for (const k of splitKeys(chunk)) if (wanted(k)) this.queue.push(k === ESC ? LONE_ESC : k);
      if (this.queue.length) this.emit('readable');
    });
    source.on('end', () => this.emit('end'));
    source.on('error', (e) => this.emit('error', e));
  }

  /** One key per call: Ink hands each to the console's key router on its own. */
  read(): string | null {
    return this.queue.shift() ?? null;
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
