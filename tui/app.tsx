// The console: sign-in (or first-run setup), then the four screens under a top bar and a status line.
import { Box, Text, useApp, useInput } from 'ink';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type ReactNode } from 'react';
import { ApiError, type ApiClient } from '../src/api-client.js';
import type { PublicUser } from '../src/domain/schemas.js';
import { DialogHost } from './components/dialog-host.js';
import { Tabs, TopBar } from './components/top-bar.js';
import { useLive } from './hooks/use-live.js';
import { useResources } from './hooks/use-resources.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { TABS } from './keys.js';
import type { GridPrefs, Prefs, PrefsStore } from './prefs.js';
import { MailScreen } from './screens/mail-screen.js';
import type { Actions, ScreenProps } from './screens/screen-props.js';
import { SessionsScreen } from './screens/sessions-screen.js';
import { SettingsScreen } from './screens/settings-screen.js';
import { UsersScreen } from './screens/users-screen.js';
import { isAdmin, LoginForm, SetupForm } from './screens/sign-in-screens.js';
import { theme } from './theme.js';
import { initialUi, uiReducer, type Dialog } from './ui-state.js';

export interface AppProps {
  client: ApiClient;
  readOnly: boolean;
  prefs: PrefsStore;
  /** Stable per machine, so re-opening the console reuses its session. */
  clientId: string;
  /** Writes a terminal control sequence (the OSC 52 copy). */
  writeControl: (seq: string) => void;
  onToken?: (token: string | null, email: string | null) => void;
  osc52: (text: string) => string;
}

type Phase =
  | { kind: 'checking' }
  | { kind: 'unreachable'; message: string }
  | { kind: 'setup' }
  | { kind: 'login'; message: string | null }
  | { kind: 'ready'; me: PublicUser; sessionId: string | null };

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 12;

export function App(props: AppProps) {
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const [phase, setPhase] = useState<Phase>({ kind: 'checking' });
  const { client } = props;

  const check = useCallback(async () => {
    try {
      if (client.token) {
        try {
          const { user, session } = await client.me();
          if (isAdmin(user)) return setPhase({ kind: 'ready', me: user, sessionId: session.id });
        } catch (e) {
          if (!(e instanceof ApiError) || e.status === 0) throw e;
          client.token = null;
        }
      }
      const st = await client.setupStatus();
      setPhase(st.needsSetup ? { kind: 'setup' } : { kind: 'login', message: null });
    } catch (e) {
      setPhase({ kind: 'unreachable', message: (e as Error).message });
    }
  }, [client]);

  useEffect(() => void check(), [check]);

  // Before the main screens exist, Ctrl+C and (outside forms) q still quit.
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') exit();
      if (phase.kind === 'unreachable' && (input === 'q' || key.escape)) exit();
      if (phase.kind === 'unreachable' && input === 'r') {
        setPhase({ kind: 'checking' });
        void check();
      }
    },
    { isActive: phase.kind !== 'ready' },
  );

  const height = Math.max(4, rows - 1); // a root as tall as the terminal makes Ink 6 redraw everything
  const tooSmall =
    columns < MIN_COLUMNS || rows < MIN_ROWS ? (
      <Box width={columns}>
        <Text wrap="wrap">{`Terminal too small (${columns}×${rows}); Seatdesk needs ${MIN_COLUMNS}×${MIN_ROWS}. Enlarge it, or Ctrl+C to quit.`}</Text>
      </Box>
    ) : null;
  const signedIn = (token: string, me: PublicUser, sessionId: string) => {
    client.token = token;
    props.onToken?.(token, me.email);
    setPhase({ kind: 'ready', me, sessionId });
  };
  const authLost = useCallback(
    (message: string) => {
      client.token = null;
      props.onToken?.(null, null);
      setPhase({ kind: 'login', message });
    },
    [client, props],
  );

  let body;
  switch (phase.kind) {
    case 'checking':
      body = <Text>{`Connecting to ${client.baseUrl}…`}</Text>;
      break;
    case 'unreachable':
      body = (
        <Box flexDirection="column">
          <Text color={theme().danger} wrap="wrap">
            {phase.message}
          </Text>
          <Text>Press r to retry, q to quit.</Text>
        </Box>
      );
      break;
    case 'setup':
      body = <SetupForm client={client} width={columns} clientId={props.clientId} onDone={signedIn} />;
      break;
    case 'login':
      body = <LoginForm client={client} width={columns} clientId={props.clientId} message={phase.message} onDone={signedIn} />;
      break;
    case 'ready':
      return <Main {...props} me={phase.me} sessionId={phase.sessionId} columns={columns} height={height} onAuthLost={authLost} tooSmall={tooSmall} />;
  }
  if (tooSmall) return tooSmall;
  return (
    <Box flexDirection="column" height={height} width={columns} padding={1}>
      {body}
    </Box>
  );
}

function Main(props: AppProps & { tooSmall: ReactNode; me: PublicUser; sessionId: string | null; columns: number; height: number; onAuthLost: (message: string) => void }) {
  const { exit } = useApp();
  const { client, columns, height, readOnly } = props;
  const [ui, dispatch] = useReducer(uiReducer, initialUi);
  const [busy, setBusy] = useState(false);
  const prefsRef = useRef<Prefs>(props.prefs.load());
  const savePrefs = useMemo(() => {
    const make = (screen: string) => (p: GridPrefs) => {
      prefsRef.current = { ...prefsRef.current, [screen]: p };
      props.prefs.save(prefsRef.current);
    };
    return { users: make('users'), sessions: make('sessions'), mail: make('mail'), settings: make('settings') };
  }, [props.prefs]);

  const status = useCallback((text: string, kind: 'info' | 'ok' | 'error' = 'info') => dispatch({ type: 'status', status: { text, kind } }), []);
  const [reachable, setReachable] = useState(true);
  const onError = useCallback(
    (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) return props.onAuthLost(e.message);
      if (e instanceof ApiError && e.status === 0) setReachable(false);
      status(e instanceof Error ? e.message : String(e), 'error');
    },
    [props, status],
  );
  const res = useResources(client, onError);
  const conn = useLive(
    client,
    true,
    res.onEvent,
    () => {
      if (!reachable) status('Reconnected.', 'ok');
      setReachable(true);
      // Load once the event stream is open (and again after every reconnect), so no change can
      // fall between the snapshot and the first event.
      void res.reload();
    },
    (e) => props.onAuthLost(e.message),
  );

  const act: Actions = {
    async run(fn, ok) {
      setBusy(true);
      try {
        const r = await fn();
        const msg = ok(r);
        if (msg) status(msg, 'ok');
        return r;
      } catch (e) {
        onError(e);
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    open: (d: Dialog) => dispatch({ type: 'open', dialog: d }),
    copy(text, what) {
      props.writeControl(props.osc52(text));
      status(`Copied the ${what} to the clipboard (OSC 52).`, 'ok');
    },
    notify: (text) => status(text, 'info'),
    mayChange() {
      if (readOnly) status('Read-only console: changes are disabled (started with --read-only).', 'error');
      return !readOnly;
    },
  };

  const dialogOpen = ui.dialog !== null;
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') return exit();
      if (ui.capture) return;
      if (input === 'q') return exit();
      if (input === '?') return dispatch({ type: 'open', dialog: { kind: 'help' } });
      const byKey = TABS.find((t) => t.key === input);
      if (byKey) return dispatch({ type: 'tab', tab: byKey.id });
      if (key.tab) {
        const i = TABS.findIndex((t) => t.id === ui.tab);
        dispatch({ type: 'tab', tab: TABS[(i + (key.shift ? TABS.length - 1 : 1)) % TABS.length].id });
      }
    },
    { isActive: !dialogOpen },
  );
  // Ctrl+C must quit even with a dialog open.
  useInput((input, key) => void (key.ctrl && input === 'c' && exit()), { isActive: dialogOpen });

  const bodyHeight = height - 3; // top bar, tabs, status line
  const screenProps: ScreenProps = { client, res, ui, dispatch, width: columns, height: bodyHeight, active: !dialogOpen, prefs: undefined, savePrefs: savePrefs.users, act, ownSessionId: props.sessionId };
  const d = ui.dialog;
  const dialog = d ? (
    <DialogHost dialog={d} tab={ui.tab} readOnly={readOnly} width={columns} busy={busy} users={res.users} client={client} act={act} dispatch={dispatch} />
  ) : null;

  const t = theme();
  // Every screen stays mounted (hidden when not shown) so cursors, filters and the open message survive.
  const show = (tab: string) => (d || ui.tab !== tab ? 'none' : 'flex');
  const on = (tab: string) => !dialogOpen && ui.tab === tab;
  const screens = (
    <>
      <Box display={show('users')} flexDirection="column">
        <UsersScreen {...screenProps} active={on('users')} prefs={prefsRef.current.users} savePrefs={savePrefs.users} />
      </Box>
      <Box display={show('sessions')} flexDirection="column">
        <SessionsScreen {...screenProps} active={on('sessions')} prefs={prefsRef.current.sessions} savePrefs={savePrefs.sessions} />
      </Box>
      <Box display={show('mail')} flexDirection="column">
        <MailScreen {...screenProps} active={on('mail')} prefs={prefsRef.current.mail} savePrefs={savePrefs.mail} />
      </Box>
      <Box display={show('settings')} flexDirection="column">
        <SettingsScreen {...screenProps} active={on('settings')} />
      </Box>
    </>
  );
  const st = ui.status;
  if (props.tooSmall) return <>{props.tooSmall}</>; // every hook above still runs: nothing is lost
  return (
    <Box flexDirection="column" height={height} width={columns}>
      <TopBar url={client.baseUrl} conn={reachable ? conn : 'reconnecting'} email={props.me.email} license={res.license} readOnly={readOnly} width={columns} />
      <Tabs tab={ui.tab} width={columns} />
      <Box flexDirection="column" height={bodyHeight} overflow="hidden">
        {dialog}
        {screens}
      </Box>
      <Text wrap="truncate" color={st?.kind === 'error' ? t.danger : st?.kind === 'ok' ? t.ok : t.muted}>
        {busy ? 'Working…' : (st?.text ?? (readOnly ? 'Read-only: watching. ? for keys.' : 'Ready. ? for keys.'))}
      </Text>
    </Box>
  );
}
