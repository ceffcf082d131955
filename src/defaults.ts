// The defaults the server, the console and the scripting CLI share: one place for each.
import { resolve } from 'node:path';
import { VERSION } from './version.js';

export { VERSION };

/** HTTP port of the server, and so of the URL the console and the CLI talk to. */
export const DEFAULT_PORT = 4780;
/** Loopback only unless told otherwise (and a non-loopback address also needs --allow-remote). */
export const DEFAULT_HOST = '127.0.0.1';
/** The built-in SMTP sink. */
export const DEFAULT_SMTP_PORT = 2525;
/** Store, captured mail, logs, the pid and lock files: relative to the working directory. */
export const DEFAULT_DATA_DIR = './data';

export const defaultPort = (env: NodeJS.ProcessEnv = process.env): number => Number(env.SEATDESK_PORT || DEFAULT_PORT);
/** The server the console and the CLI talk to when neither --url nor SEATDESK_URL says. */
export const defaultUrl = (env: NodeJS.ProcessEnv = process.env): string =>
  `http://${DEFAULT_HOST}:${defaultPort(env)}`;
export const dataDir = (env: NodeJS.ProcessEnv = process.env): string =>
  resolve(env.SEATDESK_DATA_DIR || DEFAULT_DATA_DIR);
