// Console entry: enter the alternate screen, render, restore on exit. It only talks HTTP: the
// command entry (src/cli.ts) makes sure a server answers first.
import { randomUUID } from 'node:crypto';
import { render } from 'ink';
import { ApiClient } from '../src/client/api-client.js';
import { forgetToken, loadToken, saveToken } from '../src/client/token-file.js';
import { App } from './app.js';
import { osc52 } from './clipboard.js';
import { KeyStdin } from './input/key-stdin.js';
import { filePrefs } from './prefs.js';
import { terminalProblem } from './terminal.js';

const ENTER_ALT = '\x1b[?1049h\x1b[H';
const LEAVE_ALT = '\x1b[?1049l\x1b[?25h';

/** Opens the console on a server that answers (the command entry has made sure of that). */
export async function runConsole(opts: { url: string; readOnly: boolean }): Promise<number> {
  const problem = terminalProblem();
  if (problem) {
    console.error(problem);
    return 1;
  }
  const url = opts.url.replace(/\/+$/, '');
  const remembered = await loadToken(url);
  const client = new ApiClient(url, { token: remembered?.token ?? null });
  // Asked now, while Ink and React start up, rather than after the first render.
  const firstMe = client.token ? client.me() : undefined;
  firstMe?.catch(() => {}); // the first check reads the outcome
  const prefs = filePrefs();
  const stored = prefs.load() as Record<string, unknown>;
  const clientId = typeof stored.clientId === 'string' ? stored.clientId : randomUUID();
  if (stored.clientId !== clientId) prefs.save({ ...prefs.load(), clientId } as never);

  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    prefs.flush();
    process.stdout.write(LEAVE_ALT);
  };
  process.on('exit', restore);
  const crash = (e: unknown) => {
    restore();
    console.error('seatdesk: the console crashed:', e);
    process.exit(70);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  process.stdout.write(ENTER_ALT);

  const instance = render(
    <App
      client={client}
      readOnly={opts.readOnly}
      prefs={prefs}
      clientId={clientId}
      email={remembered?.email ?? null}
      firstMe={firstMe}
      writeControl={(seq) => process.stdout.write(seq)}
      osc52={osc52}
      onToken={(token, email) =>
        void (token && email ? saveToken({ url, token, email }).catch(() => {}) : forgetToken())
      }
    />,
    // 60 frames a second: at Ink's default 30, a held key's frame could wait a whole 33 ms slot.
    {
      exitOnCtrlC: false,
      patchConsole: false,
      maxFps: 120,
      stdin: new KeyStdin(process.stdin) as unknown as NodeJS.ReadStream,
    },
  );
  const onSignal = () => instance.unmount();
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  process.stdin.once('end', onSignal); // the terminal went away (an SSH connection dropped)
  await instance.waitUntilExit();
  restore();
  return 0;
}
