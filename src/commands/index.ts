// The scripting commands (login, users, sessions, mail, tokens), registered on the seatdesk program.
import type { Command } from 'commander';
import { registerLogin } from './login.js';
import { registerMail } from './mail.js';
import { registerSessions } from './sessions.js';
import { registerTokens } from './tokens.js';
import { registerUsers } from './users.js';
import { registerUsersImport } from './users-import.js';

export function registerScriptCommands(program: Command): void {
  registerLogin(program);
  registerUsers(program);
  registerUsersImport(program);
  registerSessions(program);
  registerMail(program);
  registerTokens(program);
}
