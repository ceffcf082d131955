// Console UI state: one reducer over the open tab, the open dialog and the status line.
import type { PublicUser } from '../src/domain/schemas.js';
import type { TabId } from './keys.js';

export type Dialog =
  | { kind: 'help' }
  | { kind: 'confirm'; title: string; message: string; confirmLabel: string; run: () => Promise<void> }
  | { kind: 'link'; title: string; link: string; note: string }
  | { kind: 'invite' }
  | { kind: 'edit'; user: PublicUser }
  | { kind: 'details'; user: PublicUser }
  | { kind: 'input'; title: string; label: string; initial: string; hint: string; submit: (value: string) => Promise<void> };

export interface Status {
  text: string;
  kind: 'info' | 'ok' | 'error';
}

export interface UiState {
  tab: TabId;
  dialog: Dialog | null;
  status: Status | null;
  /** A screen is taking text (filtering): global keys stand aside. */
  capture: boolean;
  /** Set by the Users screen's `m`: the Mail screen opens filtered to this address. */
  mailTo: string | null;
}

export type UiAction =
  | { type: 'tab'; tab: TabId }
  | { type: 'open'; dialog: Dialog }
  | { type: 'close' }
  | { type: 'status'; status: Status | null }
  | { type: 'capture'; on: boolean }
  | { type: 'mailTo'; email: string | null };

export const initialUi: UiState = { tab: 'users', dialog: null, status: null, capture: false, mailTo: null };

export function uiReducer(s: UiState, a: UiAction): UiState {
  switch (a.type) {
    case 'tab':
      return { ...s, tab: a.tab, capture: false };
    case 'open':
      return { ...s, dialog: a.dialog };
    case 'close':
      return { ...s, dialog: null };
    case 'status':
      return { ...s, status: a.status };
    case 'capture':
      return s.capture === a.on ? s : { ...s, capture: a.on };
    case 'mailTo':
      return { ...s, mailTo: a.email, tab: a.email ? 'mail' : s.tab };
  }
}
