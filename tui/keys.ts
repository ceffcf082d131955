// The key map: one table feeds both the input handlers' documentation and the `?` help screen.
export interface Binding {
  keys: string;
  does: string;
  /** Changes something on the server: disabled in --read-only. */
  changes?: boolean;
}

export const GLOBAL_KEYS: Binding[] = [
  { keys: '1 2 3 4', does: 'Users Sessions Mail Settings' },
  { keys: 'Tab / Shift+Tab', does: 'next / previous' },
  { keys: '?', does: 'this help' },
  { keys: 'q / Ctrl+C', does: 'quit' },
];

export const GRID_KEYS: Binding[] = [
  { keys: '↑ ↓ / j k', does: 'move' },
  { keys: 'PgUp PgDn Home End', does: 'page, first, last' },
  { keys: '/', does: 'filter (Enter keeps, Esc clears)' },
  { keys: 's / S', does: 'sort column / reverse' },
];

export const SCREEN_KEYS: Record<string, Binding[]> = {
  users: [
    { keys: 'i', does: 'invite a user', changes: true },
    { keys: 'd', does: 'deactivate', changes: true },
    { keys: 'r', does: 'reactivate', changes: true },
    { keys: 'a', does: 'resend activation link', changes: true },
    { keys: 'p', does: 'reset password', changes: true },
    { keys: 'e', does: 'edit profiles', changes: true },
    { keys: 'm', does: "this user's mail" },
    { keys: 'Enter', does: 'details' },
  ],
  sessions: [
    { keys: 'x', does: 'terminate session now', changes: true },
    { keys: 'X', does: "end all user's sessions", changes: true },
    { keys: 't', does: 'idle auto-terminate', changes: true },
    { keys: 'e', does: 'show/hide Explorer' },
    { keys: 'h', does: 'live / ended history' },
  ],
  mail: [
    { keys: 'Enter', does: 'read' },
    { keys: 'c', does: 'copy activation link' },
    { keys: 'R', does: 'raw source' },
    { keys: 'D', does: 'delete (confirm)', changes: true },
    { keys: 'a S', does: 'reader: next attachment, save it to a file' },
    { keys: 'Esc', does: 'back to the list' },
  ],
  settings: [
    { keys: '↑ ↓', does: 'choose a setting' },
    { keys: 'Enter', does: 'edit (Enter saves)', changes: true },
  ],
};

export const TABS = [
  { id: 'users', key: '1', title: 'Users' },
  { id: 'sessions', key: '2', title: 'Sessions' },
  { id: 'mail', key: '3', title: 'Mail' },
  { id: 'settings', key: '4', title: 'Settings' },
] as const;
export type TabId = (typeof TABS)[number]['id'];
