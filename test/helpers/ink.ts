// Renders Ink trees with a stdout of chosen size; send keys and wait for frames (cli-kit style).
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type { ReactElement } from 'react';
import { KeyStdin } from '../../tui/input/key-stdin.js';

class TestStdout extends EventEmitter {
  isTTY = true;
  frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
  lastFrame = () => this.frames.at(-1) ?? '';
}

class TestStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write = (data: string) => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

export const KEY = {
  enter: '\r',
  esc: '\x1b',
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  tab: '\t',
  backspace: '\x7f',
  pageDown: '\x1b[6~',
  home: '\x1b[H',
  end: '\x1b[F',
};

export const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

export function renderTui(tree: ReactElement, size = { columns: 100, rows: 30 }) {
  const stdout = new TestStdout(size.columns, size.rows);
  const stdin = new TestStdin();
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    // The console's own input, as in production: a chunk is split into keys, each handled in turn.
    stdin: new KeyStdin(stdin as unknown as NodeJS.ReadStream) as unknown as NodeJS.ReadStream,
    stderr: new TestStdout(100, 30) as unknown as NodeJS.WriteStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const frame = () => plain(stdout.lastFrame());
  // A generous deadline: on a machine shared by a whole team's test runs a frame can take seconds.
  const waitFor = async (check: string | RegExp | ((f: string) => boolean), timeoutMs = 20_000): Promise<string> => {
    const test =
      typeof check === 'function'
        ? check
        : (f: string) => (typeof check === 'string' ? f.includes(check) : check.test(f));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = frame();
      if (test(f)) return f;
      if (Date.now() > deadline) throw new Error(`frame never matched ${String(check)}; last frame:\n${f}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  /** Sends keys as one chunk, as a fast typist or a paste would; KeyStdin splits them. */
  const press = (...keys: string[]) => stdin.write(keys.join(''));
  const type = (text: string) => stdin.write(text);
  const resize = (columns: number, rows: number) => {
    stdout.columns = columns;
    stdout.rows = rows;
    stdout.emit('resize');
  };
  return { instance, stdout, stdin, frame, waitFor, press, type, resize, unmount: () => instance.unmount() };
}
