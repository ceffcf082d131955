// The request log: one line per request, buffered and written in batches (a write per request
// would be a syscall per request).
import { createWriteStream, type WriteStream } from 'node:fs';

export class RequestLog {
  private lines: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly out: WriteStream;

  constructor(file: string) {
    this.out = createWriteStream(file, { flags: 'a', mode: 0o600 });
    this.out.on('error', () => {}); // a full disk must not take the server down over its log
  }

  write(line: string): void {
    this.lines.push(line);
    if (this.lines.length >= 512) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), 200);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.lines.length === 0) return;
    this.out.write(this.lines.join('\n') + '\n');
    this.lines = [];
  }

  close(): Promise<void> {
    this.flush();
    return new Promise((r) => this.out.end(() => r()));
  }
}
