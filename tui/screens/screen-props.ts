// What every screen gets from the app.
import { useLayoutEffect } from 'react';
import type { ApiClient } from '../../src/client/api-client.js';
import type { PublicUser } from '../../src/domain/schemas.js';
import { COMMANDS, keysLabel, type Scope, type TabId } from '../commands.js';
import type { Resources } from '../hooks/use-resources.js';
import type { GridPrefs } from '../prefs.js';
import type { Dialog, UiAction, UiState } from '../ui-state.js';

export interface Actions {
  /** Runs a one-key action: progress, then the outcome or the error as a flash message. */
  run<T>(fn: () => Promise<T>, ok: (r: T) => string): Promise<T | undefined>;
  /** Runs the open dialog's action: an error is shown inside the dialog, which stays open. */
  runInDialog<T>(fn: () => Promise<T>, ok: (r: T) => string): Promise<T | undefined>;
  open(d: Dialog): void;
  close(): void;
  copy(text: string, what: string): void;
  /** Refuses (with a message) when the console is read-only. */
  mayChange(): boolean;
  flash(text: string, kind?: 'info' | 'ok' | 'error'): void;
}

/** One entry of the options bar. */
export interface Option {
  keys: string;
  label: string;
}

export interface ScreenProps {
  client: ApiClient;
  res: Resources;
  ui: UiState;
  dispatch: (a: UiAction) => void;
  width: number;
  /** Rows for the screen body, grid header and footer included. */
  height: number;
  active: boolean;
  readOnly: boolean;
  me: PublicUser;
  prefs: GridPrefs | undefined;
  savePrefs: (p: GridPrefs) => void;
  act: Actions;
  /** The console's own session, which the session keys leave alone. */
  ownSessionId: string | null;
  /** Publishes the options bar of this screen (the keys that apply to the selected row). */
  setOptions: (tab: TabId, options: Option[]) => void;
}

/** true, or why the command does not apply to this row. */
export type Availability = true | string;

/**
 * The options of a scope, in table order: commands that apply now; changing ones hidden when
 * read-only. Published to the app's options bar.
 */
export function useOptions(p: ScreenProps, tab: TabId, scope: Scope, available: (id: string) => Availability): void {
  const options = COMMANDS.filter(
    (c) => c.scope === scope && !c.hidden && !(p.readOnly && c.changes) && available(c.id) === true,
  ).map((c) => ({ keys: keysLabel(c), label: c.label }));
  const text = JSON.stringify(options);
  const { setOptions } = p;
  useLayoutEffect(() => setOptions(tab, JSON.parse(text) as Option[]), [text, tab, setOptions]);
}

/** Checks read-only and availability; flashes the reason and returns false when refused. */
export function allowed(p: ScreenProps, changes: boolean | undefined, why: Availability): boolean {
  if (changes && !p.act.mayChange()) return false;
  if (why !== true) {
    p.act.flash(why, 'error');
    return false;
  }
  return true;
}
