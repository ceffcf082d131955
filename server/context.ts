// What every service gets: the repository, the clock, the event bus and the settings.
import type { ServerConfig } from './config.js';
import type { EventBus } from './events.js';
import type { Repository } from './store/repository.js';
import type { ScryptParams } from '../src/domain/passwords.js';
import type { MailMode, User } from '../src/domain/schemas.js';

export interface Ctx {
  repo: Repository;
  bus: EventBus;
  config: ServerConfig;
  now: () => Date;
  scrypt: ScryptParams;
  /** How mail leaves: to the built-in sink (and its port), a relay, or nowhere. */
  mailMode: MailMode;
}

/** Who is acting: the signed-in user behind a request. */
export type Actor = Pick<User, 'id' | 'email' | 'adminProfile'>;
