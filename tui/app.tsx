// The console: sign-in (or first-run setup), then the screens under a top bar, with the options
// bar (or a flash message, or the `:` command line) at the bottom.
import { Box, Text, useApp } from 'ink';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type ReactNode } from 'react';
import { ApiError, type ApiClient } from '../src/client/api-client.js';
import type { PublicUser } from '../src/domain/schemas.js';
import { commandFor, TABS, type TabId } from './commands.js';
import { DialogHost } from './components/dialog-host.js';
import { TextFieldView } from './components/text-field.js';
import { Tabs, TopBar } from './components/top-bar.js';
import { textWidth, wrap } from './format.js';
import { useLive } from './hooks/use-live.js';
import { useResources } from './hooks/use-resources.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { KeyRouter, LAYER, SAME, useKeys } from './input/key-router.js';
import { useTextField } from './input/text-field.js';
import type { GridPrefs, Prefs, PrefsStore } from './prefs.js';
import { AuditScreen } from './screens/audit-screen.js';
import { MailScreen } from './screens/mail-screen.js';
import type { Actions, Option, ScreenProps } from './screens/screen-props.js';
import { SessionsScreen } from './screens/sessions-screen.js';
import { SettingsScreen } from './screens/settings-screen.js';
import { isAdmin, LoginForm, SetupForm } from './screens/sign-in-screens.js';
import { UsersScreen } from './screens/users-screen.js';
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
  /** How long a flash message stays (ms). */
  flashMs?: number;
  /** The email of the remembered sign-in: filled in if it has to be given again. */
  email?: string | null;
  /** `client.me()` already asked while the console was starting (used for the first check only). */
  firstMe?: ReturnType<ApiClient['me']>;
}

type Phase =
  | { kind: 'checking' }
  | { kind: 'unreachable'; message: string }
  | { kind: 'setup' }
  | { kind: 'login'; message: string | null; email: string | null }
  | { kind: 'ready'; me: PublicUser; sessionId: string | null };

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 12;

export function App(props: AppProps) {
  return (
    <KeyRouter>
      <Console {...props} />
    </KeyRouter>
  );
}

function Console(props: AppProps) {
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const [phase, setPhase] = useState<Phase>({ kind: 'checking' });
  // Where to come back to after signing in again (the session was ended, or expired).
  const returnTab = useRef<TabId>('users');
  const { client } = props;
  const firstMe = useRef(props.firstMe);

  const check = useCallback(async () => {
    try {
      if (client.token) {
        try {
          const asked = firstMe.current;
          firstMe.current = undefined;
          const { user, session } = await (asked ?? client.me());
          if (isAdmin(user)) return setPhase({ kind: 'ready', me: user, sessionId: session.id });
        } catch (e) {
          if (!(e instanceof ApiError) || e.status === 0) throw e;
          client.token = null;
        }
      }
      const st = await client.setupStatus();
      setPhase(st.needsSetup ? { kind: 'setup' } : { kind: 'login', message: null, email: props.email ?? null });
    } catch (e) {
      setPhase({ kind: 'unreachable', message: (e as Error).message });
    }
  }, [client, props.email]);

  useEffect(() => void check(), [check]);

  // Ctrl+C quits from anywhere, above every layer.
  useKeys(LAYER.root, (input, key) => (key.ctrl && input === 'c' ? exit() : false));
  useKeys(
    LAYER.global,
    (input, key) => {
      if (input === 'q' || key.escape) exit();
      else if (input === 'r') {
        setPhase({ kind: 'checking' });
        void check();
      }
    },
    phase.kind === 'unreachable',
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
  const me = phase.kind === 'ready' ? phase.me : null;
  const authLost = useCallback(
    (message: string, tab: TabId) => {
      client.token = null;
      returnTab.current = tab;
      props.onToken?.(null, null);
      setPhase({ kind: 'login', message, email: me?.email ?? null });
    },
    [client, props, me],
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
      body = (
        <LoginForm
          client={client}
          width={columns}
          clientId={props.clientId}
          message={phase.message}
          email={phase.email}
          onDone={signedIn}
        />
      );
      break;
    case 'ready':
      return (
        <Main
          {...props}
          me={phase.me}
          sessionId={phase.sessionId}
          columns={columns}
          height={height}
          initialTab={returnTab.current}
          onAuthLost={authLost}
          tooSmall={tooSmall}
        />
      );
  }
  if (tooSmall) return tooSmall;
  return (
    <Box flexDirection="column" height={height} width={columns} padding={1}>
      {body}
    </Box>
  );
}

/** Runs a `:` command; returns an error message for an unknown one. */
function commandLine(text: string): { tab: TabId } | { quit: true } | { help: true } | { error: string } {
  const word = text.trim().replace(/^:/, '').toLowerCase();
  if (['q', 'q!', 'quit', 'exit'].includes(word)) return { quit: true };
  if (['help', 'h', '?'].includes(word)) return { help: true };
  const tab = word ? TABS.find((t) => t.command.startsWith(word) || t.key === word) : undefined;
  if (tab) return { tab: tab.id };
  return { error: `Unknown command ":${word}". Try :users, :sessions, :mail, :settings, :audit, :help or :q.` };
}

/** As many options as fit the width; "? more" when some do not. */
export function optionsLine(options: Option[], width: number): string {
  const parts: string[] = [];
  let used = 0;
  const tail = '? more';
  for (const [i, o] of options.entries()) {
    const item = `${o.keys} ${o.label}`;
    const rest = i < options.length - 1 ? textWidth(tail) + 3 : 0;
    if (used + textWidth(item) + 3 + rest > width) {
      parts.push(tail);
      return parts.join(' · ');
    }
    parts.push(item);
    used += textWidth(item) + 3;
  }
  return parts.join(' · ');
}

function Main(
  props: AppProps & {
    tooSmall: ReactNode;
    me: PublicUser;
    sessionId: string | null;
    columns: number;
    height: number;
    initialTab: TabId;
    onAuthLost: (message: string, tab: TabId) => void;
  },
) {
  const { exit } = useApp();
  const { client, columns, height, readOnly } = props;
  const [ui, dispatch] = useReducer(uiReducer, { ...initialUi, tab: props.initialTab });
  const visited = useRef(new Set<TabId>());
  const prefsRef = useRef<Prefs>(props.prefs.load());
  const savePrefs = useMemo(() => {
    const make = (screen: string) => (p: GridPrefs) => {
      prefsRef.current = { ...prefsRef.current, [screen]: p };
      props.prefs.save(prefsRef.current);
    };
    return { users: make('users'), sessions: make('sessions'), mail: make('mail'), audit: make('audit') };
  }, [props.prefs]);

  const flash = useCallback(
    (text: string, kind: 'info' | 'ok' | 'error' = 'info') => dispatch({ type: 'flash', text, kind }),
    [],
  );
  // Flash messages clear by themselves (errors stay longer), and on a change of screen.
  const flashMs = props.flashMs ?? 6000;
  useEffect(() => {
    if (!ui.flash) return;
    const id = ui.flash.id;
    const timer = setTimeout(
      () => dispatch({ type: 'unflash', id }),
      ui.flash.kind === 'error' ? flashMs * 2 : flashMs,
    );
    return () => clearTimeout(timer);
  }, [ui.flash, flashMs]);

  const tabRef = useRef(ui.tab);
  tabRef.current = ui.tab;
  const [reachable, setReachable] = useState(true);
  const { onAuthLost } = props;
  const onError = useCallback(
    (e: unknown): string | null => {
      if (e instanceof ApiError && e.status === 401) {
        onAuthLost(e.message, tabRef.current);
        return null;
      }
      if (e instanceof ApiError && e.status === 0) setReachable(false);
      return e instanceof Error ? e.message : String(e);
    },
    [onAuthLost],
  );
  const onResourceError = useCallback(
    (e: unknown) => {
      const m = onError(e);
      if (m) flash(m, 'error');
    },
    [onError, flash],
  );
  const res = useResources(client, onResourceError);
  const conn = useLive(
    client,
    true,
    res.onEvent,
    () => {
      if (!reachable) flash('Reconnected.', 'ok');
      setReachable(true);
      // Load once the event stream is open (and again after every reconnect), so no change can
      // fall between the snapshot and the first event.
      void res.reload();
    },
    (e) => onAuthLost(e.message, tabRef.current),
  );

  const [working, setWorking] = useState(false);
  const act: Actions = {
    async run(fn, ok) {
      setWorking(true);
      try {
        const r = await fn();
        const msg = ok(r);
        if (msg) flash(msg, 'ok');
        return r;
      } catch (e) {
        const m = onError(e);
        if (m) flash(m, 'error');
        return undefined;
      } finally {
        setWorking(false);
      }
    },
    async runInDialog(fn, ok) {
      dispatch({ type: 'busy', on: true });
      try {
        const r = await fn();
        dispatch({ type: 'busy', on: false });
        const msg = ok(r);
        if (msg) flash(msg, 'ok');
        return r;
      } catch (e) {
        const m = onError(e);
        dispatch({ type: 'dialogError', message: m });
        return undefined;
      }
    },
    open: (d: Dialog) => dispatch({ type: 'open', dialog: d }),
    close: () => dispatch({ type: 'close' }),
    copy(text, what) {
      props.writeControl(props.osc52(text));
      // Whether the terminal took it cannot be known (tmux needs set-clipboard): say what was done.
      flash(
        `Sent the ${what} to the terminal's clipboard (OSC 52). If it did not arrive, select it on screen.`,
        'info',
      );
    },
    flash,
    mayChange() {
      if (readOnly) flash('Read-only console: changes are disabled (started with --read-only).', 'error');
      return !readOnly;
    },
  };

  const [options, setOptionsState] = useState<Partial<Record<TabId, Option[]>>>({});
  const setOptions = useCallback((tab: TabId, o: Option[]) => setOptionsState((old) => ({ ...old, [tab]: o })), []);

  const cmd = useTextField('');
  const dialogOpen = ui.dialog !== null;
  useKeys(
    LAYER.overlay,
    (input, key) => {
      if (key.escape) return dispatch({ type: 'commandLine', on: false });
      if (key.return) {
        const r = commandLine(cmd.latest());
        dispatch({ type: 'commandLine', on: false });
        if ('quit' in r) exit();
        else if ('help' in r) dispatch({ type: 'open', dialog: { kind: 'help' } });
        else if ('tab' in r) dispatch({ type: 'tab', tab: r.tab });
        else flash(r.error, 'error');
        return;
      }
      if ((key.backspace || key.delete) && cmd.latest() === '') return dispatch({ type: 'commandLine', on: false });
      return cmd.handle(input, key) ? SAME : true;
    },
    ui.commandLine && !dialogOpen,
  );
  useKeys(
    LAYER.global,
    (input, key) => {
      const id = commandFor('global', input, key);
      const i = TABS.findIndex((t) => t.id === ui.tab);
      switch (id) {
        case 'quit':
          return exit();
        case 'help':
          return dispatch({ type: 'open', dialog: { kind: 'help' } });
        case 'command':
          cmd.set('');
          return dispatch({ type: 'commandLine', on: true });
        case 'tab.next':
          return dispatch({ type: 'tab', tab: TABS[(i + 1) % TABS.length].id });
        case 'tab.prev':
          return dispatch({ type: 'tab', tab: TABS[(i + TABS.length - 1) % TABS.length].id });
        case null:
          return false;
        default:
          return dispatch({ type: 'tab', tab: id.slice(4) as TabId });
      }
    },
    !dialogOpen && !ui.commandLine,
  );

  const t = theme();
  const st = ui.flash;
  const bottom: { text: ReactNode; lines: number } = (() => {
    if (ui.commandLine)
      return {
        text: (
          <Text>
            {':'}
            <TextFieldView field={cmd} focused width={columns - 2} />
          </Text>
        ),
        lines: 1,
      };
    if (st) {
      const lines = wrap(st.text, columns).slice(0, 3);
      const color = st.kind === 'error' ? t.danger : st.kind === 'ok' ? t.ok : undefined;
      return { text: <Text color={color}>{lines.join('\n')}</Text>, lines: lines.length };
    }
    if (working) return { text: <Text color={t.muted}>Working…</Text>, lines: 1 };
    const opts = dialogOpen ? [] : (options[ui.tab] ?? []);
    return {
      text: <Text color={t.muted}>{optionsLine([...opts, { keys: '?', label: 'keys' }], columns)}</Text>,
      lines: 1,
    };
  })();
  const bodyHeight = height - 2 - bottom.lines; // top bar, tabs, bottom lines

  const screenProps: ScreenProps = {
    client,
    res,
    ui,
    dispatch,
    width: columns,
    height: bodyHeight,
    active: false,
    readOnly,
    me: props.me,
    prefs: undefined,
    savePrefs: savePrefs.users,
    act,
    ownSessionId: props.sessionId,
    setOptions,
  };
  const d = ui.dialog;
  const dialog = d ? (
    <DialogHost
      dialog={d}
      tab={ui.tab}
      readOnly={readOnly}
      width={columns}
      height={bodyHeight}
      busy={ui.busy}
      error={ui.dialogError}
      res={res}
      ownSessionId={props.sessionId}
      client={client}
      act={act}
      dispatch={dispatch}
    />
  ) : null;

  // A screen mounts when first shown (the first frame does not wait for the others), then stays
  // mounted, hidden when not shown, so cursors, filters and the open message survive.
  visited.current.add(ui.tab);
  const seen = (tab: TabId) => visited.current.has(tab);
  const show = (tab: TabId) => (d || ui.tab !== tab ? 'none' : 'flex');
  const on = (tab: TabId) => !dialogOpen && !ui.commandLine && ui.tab === tab;
  if (props.tooSmall) return <>{props.tooSmall}</>; // every hook above still runs: nothing is lost
  return (
    <Box flexDirection="column" height={height} width={columns}>
      <TopBar
        url={client.baseUrl}
        conn={reachable ? conn : 'reconnecting'}
        email={props.me.email}
        license={res.license}
        readOnly={readOnly}
        width={columns}
      />
      <Tabs tab={ui.tab} width={columns} />
      <Box flexDirection="column" height={bodyHeight} overflow="hidden">
        {dialog}
        {seen('users') && (
          <Box display={show('users')} flexDirection="column">
            <UsersScreen
              {...screenProps}
              active={on('users')}
              prefs={prefsRef.current.users}
              savePrefs={savePrefs.users}
            />
          </Box>
        )}
        {seen('sessions') && (
          <Box display={show('sessions')} flexDirection="column">
            <SessionsScreen
              {...screenProps}
              active={on('sessions')}
              prefs={prefsRef.current.sessions}
              savePrefs={savePrefs.sessions}
            />
          </Box>
        )}
        {seen('mail') && (
          <Box display={show('mail')} flexDirection="column">
            <MailScreen {...screenProps} active={on('mail')} prefs={prefsRef.current.mail} savePrefs={savePrefs.mail} />
          </Box>
        )}
        {seen('settings') && (
          <Box display={show('settings')} flexDirection="column">
            <SettingsScreen {...screenProps} active={on('settings')} />
          </Box>
        )}
        {seen('audit') && (
          <Box display={show('audit')} flexDirection="column">
            <AuditScreen
              {...screenProps}
              active={on('audit')}
              prefs={prefsRef.current.audit}
              savePrefs={savePrefs.audit}
            />
          </Box>
        )}
      </Box>
      <Box height={bottom.lines} flexShrink={0}>
        {bottom.text}
      </Box>
    </Box>
  );
}
