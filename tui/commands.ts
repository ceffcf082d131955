// The one table of commands and their keys: handlers dispatch from it, and the help screen, the
// options bar and the README's key map are all read from it.
import type { Key } from 'ink';

export type Scope =
  'global' | 'list' | 'field' | 'users' | 'sessions' | 'history' | 'mail' | 'reader' | 'settings' | 'audit' | 'dialog';

export interface Command {
  id: string;
  scope: Scope;
  /** Key names: a character ('i', 'G', '?'), or Enter, Esc, Tab, Shift+Tab, Up, Down, Left, Right, PgUp, PgDn, Home, End, Ctrl+<letter>. */
  keys: string[];
  /** A word or two for the options bar. */
  label: string;
  /** The help screen's line. */
  help: string;
  /** Changes something on the server: off in --read-only. */
  changes?: boolean;
  /** Shown in help only (handled by the component that owns it). */
  hidden?: boolean;
}

const c = (
  scope: Scope,
  id: string,
  keys: string[],
  label: string,
  help: string,
  extra: Partial<Command> = {},
): Command => ({ id, scope, keys, label, help, ...extra });

export const COMMANDS: Command[] = [
  c('global', 'tab.users', ['1'], 'Users', 'Users (Licenses - Users)'),
  c('global', 'tab.sessions', ['2'], 'Sessions', 'Sessions (Login Clients)'),
  c('global', 'tab.mail', ['3'], 'Mail', 'captured mail'),
  c('global', 'tab.settings', ['4'], 'Settings', 'license and site settings'),
  c('global', 'tab.audit', ['5'], 'Audit', 'audit log: who did what to whom'),
  c('global', 'tab.next', ['Tab'], 'next', 'next screen'),
  c('global', 'tab.prev', ['Shift+Tab'], 'previous', 'previous screen'),
  c('global', 'command', [':'], 'command', 'command line: :users :sessions :mail :settings :audit :q'),
  c('global', 'help', ['?'], 'keys', 'keys of this screen'),
  c('global', 'quit', ['q', 'Ctrl+C'], 'quit', 'quit'),

  c('list', 'up', ['Up', 'k'], 'up', 'move up'),
  c('list', 'down', ['Down', 'j'], 'down', 'move down'),
  c('list', 'pageUp', ['PgUp', 'Ctrl+B'], 'page up', 'page up'),
  c('list', 'pageDown', ['PgDn', 'Ctrl+F'], 'page down', 'page down'),
  c('list', 'halfUp', ['Ctrl+U'], 'half up', 'half a page up'),
  c('list', 'halfDown', ['Ctrl+D'], 'half down', 'half a page down'),
  c('list', 'top', ['Home', 'g'], 'first', 'first row'),
  c('list', 'bottom', ['End', 'G'], 'last', 'last row'),
  c(
    'list',
    'filter',
    ['/'],
    'filter',
    'filter as you type: text, status:pending, client:web, profile:tester; Users: dormant:90, pending:14 (Enter keeps, Esc clears)',
  ),
  c('list', 'clearFilter', ['Esc'], 'clear filter', 'clear the filter'),
  c('list', 'sort', ['s'], 'sort', 'sort by the next column'),
  c('list', 'reverse', ['S'], 'reverse', 'reverse the sort'),

  c('field', 'field.clear', ['Ctrl+U'], 'clear', 'clear the field', { hidden: true }),
  c('field', 'field.wordBack', ['Ctrl+W'], 'delete word', 'delete the word before the cursor', { hidden: true }),
  c('field', 'field.start', ['Ctrl+A'], 'start', 'cursor to the start', { hidden: true }),
  c('field', 'field.end', ['Ctrl+E'], 'end', 'cursor to the end', { hidden: true }),

  c('users', 'users.details', ['Enter'], 'details', 'details and projects'),
  c('users', 'users.invite', ['i'], 'invite', 'invite a user (email, profiles → Activation Link)', { changes: true }),
  c('users', 'users.deactivate', ['d'], 'deactivate', 'deactivate: frees the seat, ends every session', {
    changes: true,
  }),
  c('users', 'users.reactivate', ['r'], 'reactivate', 'reactivate an inactive user (takes a seat)', { changes: true }),
  c('users', 'users.resend', ['a'], 'resend link', 'resend the activation link of a pending user', { changes: true }),
  c('users', 'users.reset', ['p'], 'reset password', 'reset the password of an active user (→ reset link)', {
    changes: true,
  }),
  c('users', 'users.edit', ['e'], 'edit', 'edit profiles', { changes: true }),
  c('users', 'users.endSessions', ['X'], 'end sessions', "end all of the user's sessions (confirm)", { changes: true }),
  c('users', 'users.mail', ['m'], 'mail', "that user's mail"),
  c('users', 'users.mark', ['Space'], 'mark', 'mark or unmark the row: d, r, a and X then act on every marked row'),
  c(
    'users',
    'users.markAll',
    ['*'],
    'mark all',
    'mark every row the filter shows (again: unmark them); Esc clears the marks',
  ),
  c('users', 'users.import', ['I'], 'import', 'invite many: a CSV file or pasted addresses, previewed first', {
    changes: true,
  }),

  c('sessions', 'sessions.describe', ['Enter'], 'describe', 'describe the session (client id, full user agent, times)'),
  c('sessions', 'sessions.terminate', ['x'], 'terminate', 'terminate the selected session at once', { changes: true }),
  c('sessions', 'sessions.terminateUser', ['X'], 'end all of user', "end all of the user's sessions (confirm)", {
    changes: true,
  }),
  c('sessions', 'sessions.idle', ['t'], 'idle timeout', 'idle auto-terminate minutes', { changes: true }),
  c('sessions', 'sessions.mark', ['Space'], 'mark', 'mark or unmark the row: x then ends every marked session'),
  c(
    'sessions',
    'sessions.markAll',
    ['*'],
    'mark all',
    'mark every row the filter shows (again: unmark them); Esc clears the marks',
  ),
  c('sessions', 'sessions.explorer', ['e'], 'Explorer', 'show or hide Explorer sessions'),
  c('sessions', 'sessions.history', ['h'], 'history', 'ended sessions with reasons'),

  c('history', 'history.describe', ['Enter'], 'describe', 'describe: reason and who ended it'),
  c('history', 'history.explorer', ['e'], 'Explorer', 'show or hide Explorer sessions'),
  c('history', 'history.live', ['h'], 'live', 'back to live sessions'),

  c('mail', 'mail.read', ['Enter'], 'read', 'read the message'),
  c('mail', 'mail.copy', ['c'], 'copy link', 'copy its activation or reset link (OSC 52)'),
  c('mail', 'mail.delete', ['D'], 'delete', 'delete the message (confirm)', { changes: true }),

  c(
    'reader',
    'reader.back',
    ['Esc', 'q'],
    'back',
    'back to the list (q too, as in less: it quits only outside the reader)',
  ),
  c('reader', 'reader.links', ['l'], 'links', 'every link on a line of its own (mouse-selectable)'),
  c('reader', 'reader.copy', ['c'], 'copy link', 'copy the first link (OSC 52)'),
  c('reader', 'reader.raw', ['R'], 'raw', 'raw source'),
  c('reader', 'reader.attachment', ['a'], 'next attachment', 'choose the next attachment'),
  c('reader', 'reader.save', ['S'], 'save attachment', 'save the chosen attachment to a file'),
  c('reader', 'reader.delete', ['D'], 'delete', 'delete the message (confirm)', { changes: true }),

  c('settings', 'settings.edit', ['Enter'], 'edit', 'edit the setting', { changes: true }),
  c('settings', 'settings.history', ['h'], 'seat history', 'seat history chart: last 30 / 90 days'),
  c(
    'settings',
    'settings.reclaim',
    ['p'],
    'reclaim preview',
    'what seat reclamation would do now (the dry run), and run it from there',
    { changes: true },
  ),

  c('audit', 'audit.details', ['Enter'], 'details', 'the entry in full'),

  c('dialog', 'dialog.choose', ['Left', 'Right'], 'choose', 'choose (confirm dialogs start on Cancel)', {
    hidden: true,
  }),
  c('dialog', 'dialog.field', ['Tab', 'Up', 'Down'], 'field', 'next field', { hidden: true }),
  c('dialog', 'dialog.copy', ['c'], 'copy', 'link dialogs: copy the link (OSC 52)', { hidden: true }),
  c('dialog', 'dialog.close', ['Esc'], 'close', 'close or cancel', { hidden: true }),
];

/** Does a key name match this keypress? */
export function keyMatches(name: string, input: string, key: Key): boolean {
  switch (name) {
    case 'Enter':
      return key.return;
    case 'Esc':
      return key.escape;
    case 'Tab':
      return key.tab && !key.shift;
    case 'Shift+Tab':
      return key.tab && key.shift;
    case 'Up':
      return key.upArrow;
    case 'Down':
      return key.downArrow;
    case 'Left':
      return key.leftArrow;
    case 'Right':
      return key.rightArrow;
    case 'PgUp':
      return key.pageUp;
    case 'PgDn':
      return key.pageDown;
    case 'Home':
      return key.home;
    case 'End':
      return key.end;
    case 'Space':
      return input === ' ' && !key.ctrl && !key.meta;
  }
  if (name.startsWith('Ctrl+')) return key.ctrl && input.toLowerCase() === name.slice(5).toLowerCase();
  return !key.ctrl && !key.meta && input === name;
}

/** The command of a scope that a keypress means, if any. */
export function commandFor(scope: Scope, input: string, key: Key): string | null {
  for (const cmd of COMMANDS) if (cmd.scope === scope && cmd.keys.some((k) => keyMatches(k, input, key))) return cmd.id;
  return null;
}

export const command = (id: string): Command => {
  const cmd = COMMANDS.find((x) => x.id === id);
  if (!cmd) throw new Error(`no command ${id}`);
  return cmd;
};

const GLYPH: Record<string, string> = { Up: '↑', Down: '↓', Left: '←', Right: '→' };
export const keyLabel = (name: string): string => GLYPH[name] ?? name;
export const keysLabel = (cmd: Command): string => cmd.keys.map(keyLabel).join('/');

export const inScope = (scope: Scope): Command[] => COMMANDS.filter((x) => x.scope === scope);

export const SCOPE_TITLES: Record<Scope, string> = {
  global: 'everywhere',
  list: 'lists',
  field: 'text fields',
  users: 'Users',
  sessions: 'Sessions',
  history: 'Sessions, history (h)',
  mail: 'Mail',
  reader: 'Mail reader',
  settings: 'Settings',
  audit: 'Audit',
  dialog: 'dialogs',
};

/** The README's key map, generated from the table (a test checks the README holds exactly this). */
export function keyMapMarkdown(): string {
  const rows = (Object.keys(SCOPE_TITLES) as Scope[]).map((scope) => {
    const items = inScope(scope).map((cmd) => `${cmd.keys.map((k) => '`' + keyLabel(k) + '`').join('/')} ${cmd.help}`);
    return `| ${SCOPE_TITLES[scope]} | ${items.join(' · ')} |`;
  });
  return ['| where | keys |', '|---|---|', ...rows].join('\n');
}

export const TABS = [
  { id: 'users', key: '1', title: 'Users', command: 'users' },
  { id: 'sessions', key: '2', title: 'Sessions', command: 'sessions' },
  { id: 'mail', key: '3', title: 'Mail', command: 'mail' },
  { id: 'settings', key: '4', title: 'Settings', command: 'settings' },
  { id: 'audit', key: '5', title: 'Audit', command: 'audit' },
] as const;
export type TabId = (typeof TABS)[number]['id'];
