// Per-screen sort and filter choices, remembered across restarts in the user's config dir.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface GridPrefs {
  sort?: string;
  order?: 'asc' | 'desc';
  filter?: string;
}
export type Prefs = Record<string, GridPrefs>;

export interface PrefsStore {
  load(): Prefs;
  save(p: Prefs): void;
}

export const prefsPath = (): string =>
  process.env.SEATDESK_PREFS_FILE ||
  join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'seatdesk', 'console.json');

export function filePrefs(path = prefsPath()): PrefsStore {
  return {
    load() {
      try {
        return JSON.parse(readFileSync(path, 'utf8')) as Prefs;
      } catch {
        return {};
      }
    },
    save(p) {
      try {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, JSON.stringify(p, null, 2), { mode: 0o600 });
      } catch {
        // preferences are a convenience; never fail the console over them
      }
    },
  };
}

export function memoryPrefs(initial: Prefs = {}): PrefsStore {
  let p = initial;
  return { load: () => p, save: (n) => (p = n) };
}
