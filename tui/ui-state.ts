// Console UI state: one reducer over the open tab, the open dialog (with its progress and error),
// the command line and the flash message.
import type { AuditEntry, PublicSession, PublicUser } from '../src/domain/schemas.js';
import type { TabId } from './commands.js';

export interface LinkItem {
  label: string;
  url: string;
}

export type Dialog =
  | { kind: 'help' }
  | { kind: 'confirm'; title: string; message: string; confirmLabel: string; run: () => Promise<boolean> }
  | {
      kind: 'link';
      title: string;
      links: LinkItem[];
      note: string;
      /** The queued message carrying the link, followed live. */ mailId?: string;
    }
  | { kind: 'invite' }
  | { kind: 'import' }
  | { kind: 'edit'; user: PublicUser }
  | { kind: 'details'; user: PublicUser }
  | { kind: 'session'; session: PublicSession }
  | { kind: 'audit'; entry: AuditEntry }
  | {
      kind: 'input';
      title: string;
      label: string;
      initial: string;
      hint: string;
      choices?: string[];
      submit: (value: string) => Promise<boolean>;
    };

export interface Flash {
  text: string;
  kind: 'info' | 'ok' | 'error';
  /** Tells one message from the next, so the timer of an old one does not clear a new one. */
  id: number;
}

export interface UiState {
  tab: TabId;
  dialog: Dialog | null;
  /** An action of the open dialog is running. */
  busy: boolean;
  /** Why the open dialog's action failed: shown inside it, with what was typed kept. */
  dialogError: string | null;
  flash: Flash | null;
  /** The `:` command line is open. */
  commandLine: boolean;
  /** Set by the Users screen's `m`: the Mail screen opens filtered to this address. */
  mailTo: string | null;
}

export type UiAction =
  | { type: 'tab'; tab: TabId }
  | { type: 'open'; dialog: Dialog }
  | { type: 'close' }
  | { type: 'busy'; on: boolean }
  | { type: 'dialogError'; message: string | null }
  | { type: 'flash'; text: string; kind: Flash['kind'] }
  | { type: 'unflash'; id: number }
  | { type: 'commandLine'; on: boolean }
  | { type: 'mailTo'; email: string | null };

export const initialUi: UiState = {
  tab: 'users',
  dialog: null,
  busy: false,
  dialogError: null,
  flash: null,
  commandLine: false,
  mailTo: null,
};

let flashes = 0;

export function uiReducer(s: UiState, a: UiAction): UiState {
  switch (a.type) {
    case 'tab':
      // A message belongs to the screen it was said on.
      return { ...s, tab: a.tab, flash: s.tab === a.tab ? s.flash : null, commandLine: false };
    case 'open':
      return { ...s, dialog: a.dialog, busy: false, dialogError: null };
    case 'close':
      return { ...s, dialog: null, busy: false, dialogError: null };
    case 'busy':
      return { ...s, busy: a.on };
    case 'dialogError':
      return { ...s, dialogError: a.message, busy: false };
    case 'flash':
      return { ...s, flash: { text: a.text, kind: a.kind, id: ++flashes } };
    case 'unflash':
      return s.flash?.id === a.id ? { ...s, flash: null } : s;
    case 'commandLine':
      return { ...s, commandLine: a.on };
    case 'mailTo':
      return { ...s, mailTo: a.email, tab: a.email ? 'mail' : s.tab, flash: a.email ? null : s.flash };
  }
}
