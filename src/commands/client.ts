// The API client the scripting commands share: the server from --url/SEATDESK_URL, signed in with
// SEATDESK_TOKEN or else the console's remembered sign-in.
import type { Command } from 'commander';
import { ApiClient } from '../client/api-client.js';
import { health } from '../daemon.js';
import type { PublicUser } from '../domain/schemas.js';
import { loadToken } from '../client/token-file.js';
import { CliError, EXIT } from './output.js';

export async function signedInClient(cmd: Command): Promise<ApiClient> {
  const url = (cmd.optsWithGlobals().url as string).replace(/\/+$/, '');
  const token = process.env.SEATDESK_TOKEN || (await loadToken(url))?.token;
  if (!token) {
    if (!(await health(url))) throw new CliError(EXIT.notFound, `no Seatdesk server answers at ${url}.`);
    throw new CliError(
      EXIT.error,
      `not signed in to ${url}: sign in once with the console (seatdesk), or set SEATDESK_TOKEN to an API token (seatdesk tokens create NAME makes one).`,
    );
  }
  return new ApiClient(url, { token });
}

/** The user with exactly this login email. */
export async function userByEmail(client: ApiClient, email: string): Promise<PublicUser> {
  const wanted = email.trim().toLowerCase();
  const page = await client.users({ q: wanted, limit: 100 });
  const user = page.items.find((u) => u.email === wanted);
  if (!user) throw new CliError(EXIT.notFound, `no user has the login email ${wanted}.`);
  return user;
}
