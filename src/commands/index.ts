// The scripting commands (users, sessions, mail, tokens), registered on the seatdesk program.
import type { Command } from 'commander';
import { registerMail } from './mail.js';
import { registerSessions } from './sessions.js';
import { registerTokens } from './tokens.js';
import { registerUsers } from './users.js';

export function registerScriptCommands(program: Command): void {
  registerUsers(program);
  registerSessions(program);
  registerMail(program);
  registerTokens(program);
}
