// What every screen gets from the app.
import type { ApiClient } from '../../src/api-client.js';
import type { GridPrefs } from '../prefs.js';
import type { Resources } from '../hooks/use-resources.js';
import type { Dialog, UiAction, UiState } from '../ui-state.js';

export interface Actions {
  /** Runs a server call, shows progress and the result or the error in the status line. */
  run<T>(fn: () => Promise<T>, ok: (r: T) => string): Promise<T | undefined>;
  open(d: Dialog): void;
  copy(text: string, what: string): void;
  /** Refuses (with a status message) when the console is read-only. */
  mayChange(): boolean;
  notify(text: string): void;
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
  prefs: GridPrefs | undefined;
  savePrefs: (p: GridPrefs) => void;
  act: Actions;
  /** The console's own session, which the session keys leave alone. */
  ownSessionId: string | null;
}
