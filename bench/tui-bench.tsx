// The console's Sessions screen with 100,000 sessions at 120×40: key press to new frame.
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import { useReducer } from 'react';
import { ApiClient } from '../src/api-client.js';
import type { PublicSession } from '../src/domain/schemas.js';
import type { Resources } from '../tui/hooks/use-resources.js';
import { PacedStdin } from '../tui/paced-stdin.js';
import { SessionsScreen } from '../tui/screens/sessions-screen.js';
import { initialUi, uiReducer } from '../tui/ui-state.js';
import { percentile } from './lib.js';

class FrameStdout extends EventEmitter {
  isTTY = true;
  columns = 120;
  rows = 40;
  private waiter: (() => void) | null = null;
  write = (_s: string) => {
    const w = this.waiter;
    this.waiter = null;
    w?.();
    return true;
  };
  nextFrame = () => new Promise<void>((r) => (this.waiter = r));
}
class KeyStdin extends EventEmitter {
  isTTY = true;
  setEncoding() {}
  setRawMode() {}
  ref() {}
  unref() {}
  resume() {}
  pause() {}
}

function sessions(n: number): PublicSession[] {
  const out: PublicSession[] = [];
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const started = new Date(now - ((i * 7919) % 86_400_000)).toISOString();
    out.push({
      id: `s${i}`,
      userId: `u${i % 10000}`,
      email: `user${String(i % 10000).padStart(5, '0')}@example.com`,
      client: (['web', 'tui', 'api', 'web'] as const)[i % 4],
      clientId: null,
      apiTokenId: null,
      address: `10.0.${(i >> 8) & 255}.${i & 255}`,
      userAgent: i % 2 ? 'Mozilla/5.0 Firefox/131.0' : 'curl/8.5.0',
      startedAt: started,
      lastActivityAt: started,
      endedAt: null,
      endReason: null,
      endedBy: null,
    });
  }
  return out;
}

export async function tuiBench(n = 100_000, samples = 40): Promise<{ filter: number; cursor: number; sort: number; firstFrame: number }> {
  const rows = sessions(n);
  const res = {
    license: null,
    settings: { idleTimeoutMinutes: null, maxSessionsPerUser: 3, mailRetention: 5000 },
    users: [],
    sessions: rows,
    ended: [],
    mails: [],
    loaded: true,
    reload: async () => {},
    loadEnded: async () => {},
    onEvent: () => {},
    setUsers: () => {},
    setSessions: () => {},
    setMails: () => {},
    setSettings: () => {},
    setLicense: () => {},
  } as unknown as Resources;
  const Harness = () => {
    const [ui, dispatch] = useReducer(uiReducer, { ...initialUi, tab: 'sessions' });
    const act = { run: async () => undefined, open: () => {}, copy: () => {}, mayChange: () => false, notify: () => {} };
    return <SessionsScreen client={new ApiClient('http://127.0.0.1:1')} res={res} ui={ui} dispatch={dispatch} width={120} height={36} active prefs={undefined} savePrefs={() => {}} act={act} ownSessionId={null} />;
  };
  const stdout = new FrameStdout();
  const stdin = new KeyStdin();
  const t0 = performance.now();
  const first = stdout.nextFrame();
  const app = render(<Harness />, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: new PacedStdin(stdin as unknown as NodeJS.ReadStream) as unknown as NodeJS.ReadStream,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  await first;
  const firstFrame = performance.now() - t0;
  const settle = () => new Promise((r) => setTimeout(r, 40)); // let Ink's 30 fps throttle window pass
  const press = async (key: string): Promise<number> => {
    await settle();
    const frame = stdout.nextFrame();
    const t = performance.now();
    stdin.emit('data', key);
    await frame;
    return performance.now() - t;
  };
  const cursor: number[] = [];
  for (let i = 0; i < samples; i++) cursor.push(await press(i % 2 ? 'k' : 'j'));
  await press('/');
  const filter: number[] = [];
  const word = 'user012';
  for (let i = 0; i < samples; i++) filter.push(await press(i % 2 === 0 ? word[(i / 2) % word.length] : '\x7f'));
  await press('\x1b');
  const sort: number[] = [];
  for (let i = 0; i < Math.min(samples, 12); i++) sort.push(await press(i % 3 === 2 ? 'S' : 's'));
  app.unmount();
  return { filter: percentile(filter, 95), cursor: percentile(cursor, 95), sort: percentile(sort, 95), firstFrame };
}
