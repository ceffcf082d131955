// What every service gets: the store, the clock, the event bus, the mailer and the settings.
import type { ServerConfig } from './config.js';
import type { EventBus } from './events.js';
import type { Mailer } from './mail/mailer.js';
import type { Store } from './store/store.repository.js';
import type { ScryptParams } from '../src/domain/passwords.js';
import type { MailMode, User } from '../src/domain/schemas.js';

export interface Ctx {
  store: Store;
  bus: EventBus;
  mailer: Mailer;
  config: ServerConfig;
  now: () => Date;
  scrypt: ScryptParams;
  /** How mail leaves: to the built-in sink (and its port), a relay, or nowhere. */
  mailMode: MailMode;
}

/** Who is acting: the signed-in user behind a request. */
export type Actor = Pick<User, 'id' | 'email' | 'adminProfile'>;
