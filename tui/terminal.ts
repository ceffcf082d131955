// Whether the console can run here: a module of its own, so the command entry can say no before
// it loads the console (React, Ink and every screen take seconds to load on a busy machine).

/** Why the console cannot run here, or null. Checked before a server is looked for. */
export function terminalProblem(): string | null {
  if (process.stdout.isTTY && process.stdin.isTTY) return null;
  return 'seatdesk: the console needs a terminal (stdin and stdout must be a TTY). Use `seatdesk server` or the HTTP API from scripts.';
}
