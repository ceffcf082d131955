// What the scripting commands print: aligned tables for people, JSON for scripts, errors on stderr
// with an exit code that means something.
import { CommanderError, type Command } from 'commander';
import { ApiError } from '../client/api-client.js';

/** 0 ok, 1 error, 2 usage, 3 not found or no server answering. */
export const EXIT = { ok: 0, error: 1, usage: 2, notFound: 3 } as const;

export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

const NOT_FOUND = new Set(['not_found', 'user_not_found', 'session_not_found', 'no_message']);

export function exitCodeOf(e: unknown): number {
  if (e instanceof CliError) return e.exitCode;
  if (e instanceof ApiError)
    return e.status === 0 || e.status === 404 || NOT_FOUND.has(e.code) ? EXIT.notFound : EXIT.error;
  return EXIT.error;
}

/** Colour on a terminal, or when FORCE_COLOR asks; never with NO_COLOR set (it wins) or on a dumb terminal. */
const colour = (): boolean => {
  const env = process.env;
  if ((env.NO_COLOR ?? '') !== '' || env.TERM === 'dumb') return false;
  return !!process.stdout.isTTY || ((env.FORCE_COLOR ?? '') !== '' && env.FORCE_COLOR !== '0');
};
export const bold = (s: string): string => (colour() ? `\x1b[1m${s}\x1b[22m` : s);
export const dim = (s: string): string => (colour() ? `\x1b[2m${s}\x1b[22m` : s);

/** A table with a header row, columns padded to their widest cell; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [bold(line(header)), ...rows.map(line)].join('\n');
}

export const printJson = (value: unknown): void => void process.stdout.write(JSON.stringify(value, null, 2) + '\n');
export const print = (text: string): void => void process.stdout.write(text + '\n');

/** Runs a command body: its error goes to stderr as one line, and the exit code says what kind. */
export async function run(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    process.stderr.write(`seatdesk: ${(e as Error).message}\n`);
    process.exitCode = exitCodeOf(e);
  }
}

/** Commander's own errors (unknown option, missing argument, bad choice) exit 2; help and version exit 0. */
export function usageExits(cmd: Command): Command {
  return cmd.exitOverride((err: CommanderError) => {
    const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0;
    process.exit(ok ? EXIT.ok : EXIT.usage);
  });
}

/** A whole number in [min, max], for option parsers; anything else is a usage error. */
export const intIn =
  (name: string, min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new CommanderError(
        EXIT.usage,
        'commander.invalidArgument',
        `${name} must be a whole number from ${min} to ${max}, got "${value}"`,
      );
    return n;
  };

export const shortTime = (iso: string | null): string => {
  if (!iso) return '—';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
