// The real server in a child process (test/helpers/full-disk-server.ts), for tests that pull the plug.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export interface ChildServer {
  url: string;
  smtpPort: number;
  /** Sends "fill <bytes>" or "free" to its disk and waits for "ok". */
  command(line: string): Promise<void>;
  /** SIGKILL, and waits for the exit. */
  kill(): Promise<void>;
}

export async function spawnChildServer(dir: string): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('test/helpers/full-disk-server.ts'), dir], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let buf = '';
  const waiters: ((line: string) => void)[] = [];
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      waiters.shift()?.(line);
    }
  });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      waiters.push(resolve);
      void exited.then(() => reject(new Error('the server process exited')));
    });
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  try {
    const [, url, smtpPort] = (await next()).split(' ');
    return {
      url,
      smtpPort: Number(smtpPort),
      kill,
      async command(line) {
        const p = next();
        child.stdin.write(line + '\n');
        const answer = await p;
        if (answer !== 'ok') throw new Error(`the server process answered "${answer}" to "${line}"`);
      },
    };
  } catch (e) {
    await kill();
    throw e;
  }
}
