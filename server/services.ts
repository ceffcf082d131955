// Wires the services together over one context.
import type { Ctx } from './context.js';
import { MailService } from './mail/mail.service.js';
import { SessionsService } from './sessions.service.js';
import { SiteService } from './site.service.js';
import { UsersService } from './users.service.js';

export interface Services {
  ctx: Ctx;
  users: UsersService;
  sessions: SessionsService;
  site: SiteService;
  mail: MailService;
}

export function createServices(ctx: Ctx): Services {
  const sessions = new SessionsService(ctx);
  return { ctx, sessions, users: new UsersService(ctx, sessions), site: new SiteService(ctx), mail: new MailService(ctx) };
}
