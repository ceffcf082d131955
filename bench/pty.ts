// A real pseudo-terminal for the console benchmarks: script(1) gives the program a pty of a fixed
// size, and a headless xterm parses what it writes, so a test sees the screen a person would see
// and the moment each piece of it arrived.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import xterm from '@xterm/headless';

interface Waiter {
  test: (screen: string) => boolean;
  resolve: (at: number) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class Pty {
  readonly child: ChildProcess;
  private readonly term: xterm.Terminal;
  private waiters: Waiter[] = [];
  /** Chunks of output parsed so far (each a frame, or part of one). */
  writes = 0;
  exited: Promise<number | null>;
  /** Run after the program is gone (a temp dir to remove). */
  private readonly cleanups: (() => Promise<unknown>)[] = [];

  constructor(command: string[], opts: { cols: number; rows: number; env: NodeJS.ProcessEnv; cwd?: string }) {
    this.term = new xterm.Terminal({ cols: opts.cols, rows: opts.rows, allowProposedApi: true });
    const quoted = command.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    // script runs the command on a new pty; stty gives that pty our size before the program starts.
    this.child = spawn('script', ['-qfec', `stty rows ${opts.rows} cols ${opts.cols}; exec ${quoted}`, '/dev/null'], {
      env: opts.env,
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.exited = new Promise((r) => this.child.once('exit', (code) => r(code)));
    this.child.stdout!.on('data', (chunk: Buffer) => {
      const at = performance.now();
      this.term.write(chunk, () => {
        this.writes++;
        this.check(at);
      });
    });
    this.child.stderr!.on('data', () => {});
  }

  /** The screen as text, one line per row. */
  screen(): string {
    const buf = this.term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < this.term.rows; y++) lines.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '');
    return lines.join('\n');
  }

  send(keys: string): number {
    const at = performance.now();
    this.child.stdin!.write(keys);
    return at;
  }

  /** Resolves with the arrival time of the output that made `test` true (now, if it already is). */
  waitFor(test: (screen: string) => boolean, what: string, timeoutMs = 30_000): Promise<number> {
    if (test(this.screen())) return Promise.resolve(performance.now());
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        test,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          reject(new Error(`the console never showed ${what} within ${timeoutMs} ms; the screen:\n${this.screen()}`));
        }, timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  /** The console's own process (script's child), for its memory. */
  programPid(): number | null {
    try {
      const kids = readFileSync(`/proc/${this.child.pid}/task/${this.child.pid}/children`, 'utf8').trim().split(/\s+/);
      return kids[0] ? Number(kids[0]) : null;
    } catch {
      return null;
    }
  }

  afterClose(f: () => Promise<unknown>): void {
    this.cleanups.push(f);
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      const pid = this.programPid();
      if (pid) process.kill(pid, 'SIGTERM');
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 3000))]);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    }
    for (const w of this.waiters) clearTimeout(w.timer);
    this.waiters = [];
    this.term.dispose();
    for (const f of this.cleanups.splice(0)) await f().catch(() => {});
  }

  private check(at: number): void {
    if (this.waiters.length === 0) return;
    const screen = this.screen();
    for (const w of [...this.waiters]) {
      if (!w.test(screen)) continue;
      clearTimeout(w.timer);
      this.waiters = this.waiters.filter((x) => x !== w);
      w.resolve(at);
    }
  }
}

/** Resident memory of a process, in bytes (Linux). */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}
