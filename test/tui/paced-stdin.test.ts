import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { PacedStdin, splitKeys } from '../../tui/paced-stdin.js';

class Source extends EventEmitter {
  isTTY = true;
  setEncoding() {}
  setRawMode() {}
}

describe('paced input', () => {
  it('splits a chunk into keypresses, escape sequences whole', () => {
    expect(splitKeys('ab\x1b[A\tc\x1b[6~é🔑')).toEqual(['a', 'b', '\x1b[A', '\t', 'c', '\x1b[6~', 'é', '🔑']);
    expect(splitKeys('\x1b')).toEqual(['\x1b']);
  });

  it('hands keys over one at a time and drops Ctrl+letters the console does not use', async () => {
    const src = new Source();
    const paced = new PacedStdin(src as unknown as NodeJS.ReadStream);
    const got: string[] = [];
    const done = new Promise<void>((resolve) =>
      paced.on('readable', () => {
        let k: string | null;
        while ((k = paced.read()) !== null) got.push(k);
        if (got.length === 4) resolve();
      }),
    );
    src.emit('data', 'a\x01b\x15\x7f\x03');
    await done;
    expect(got).toEqual(['a', 'b', '\x7f', '\x03']);
  });
});
