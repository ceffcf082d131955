// The console's remembered sign-in: a user-only (0600) file; ignored if anyone else can read it.
import { mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const tokenFilePath = (): string =>
  process.env.SEATDESK_TOKEN_FILE ||
  join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'seatdesk', 'token.json');

export interface Remembered {
  url: string;
  token: string;
  email: string;
}

export async function loadToken(url: string): Promise<Remembered | null> {
  const file = tokenFilePath();
  try {
    const st = await stat(file);
    if ((st.mode & 0o077) !== 0) return null; // readable by others: do not trust it
    const data = JSON.parse(await readFile(file, 'utf8')) as Remembered;
    return data.url === url && typeof data.token === 'string' ? data : null;
  } catch {
    return null;
  }
}

export async function saveToken(r: Remembered): Promise<void> {
  const file = tokenFilePath();
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await unlink(file).catch(() => {});
  await writeFile(file, JSON.stringify(r), { mode: 0o600, flag: 'wx' });
}

export async function forgetToken(): Promise<void> {
  await unlink(tokenFilePath()).catch(() => {});
}
