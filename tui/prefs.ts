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
  /** Remembers `p`; the file is written soon after (a filter typed key by key is one write). */
  save(p: Prefs): void;
  /** Writes what is not written yet (on exit). */
  flush(): void;
}

/** How long a change waits for the next before the file is written. */
const SAVE_AFTER_MS = 500;

export const prefsPath = (): string =>
  process.env.SEATDESK_PREFS_FILE ||
  join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'seatdesk', 'console.json');

export function filePrefs(path = prefsPath()): PrefsStore {
  let pending: Prefs | null = null;
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!pending) return;
    const p = pending;
    pending = null;
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, JSON.stringify(p, null, 2), { mode: 0o600 });
    } catch {
      // preferences are a convenience; never fail the console over them
    }
  };
  return {
    load() {
      if (pending) return pending;
      try {
        return JSON.parse(readFileSync(path, 'utf8')) as Prefs;
      } catch {
        return {};
      }
    },
    // A synchronous write per keystroke cost a filter ~3 ms a key; the write now waits for a pause.
    save(p) {
      pending = p;
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, SAVE_AFTER_MS);
      timer.unref();
    },
    flush,
  };
}

export function memoryPrefs(initial: Prefs = {}): PrefsStore {
  let p = initial;
  return { load: () => p, save: (n) => void (p = n), flush: () => {} };
}
