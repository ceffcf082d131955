// Wires the services together over one context.
import type { Ctx } from './context.js';
import { MailService } from './mail/mail.service.js';
import type { OutboxSender } from './mail/outbox.js';
import { Activity } from './sessions/activity.js';
import { AuthService } from './sessions/auth.service.js';
import { LoginService } from './sessions/login.service.js';
import { SessionsService } from './sessions/sessions.service.js';
import { TokensService } from './sessions/tokens.service.js';
import { SiteService } from './site.service.js';
import { ReclaimService } from './reclaim.service.js';
import { UsersService } from './users.service.js';

export interface Services {
  ctx: Ctx;
  users: UsersService;
  auth: AuthService;
  login: LoginService;
  tokens: TokensService;
  sessions: SessionsService;
  site: SiteService;
  mail: MailService;
  /** Dormant users, stale invitations, bulk actions and imports, the daily policy, seat history. */
  reclaim: ReclaimService;
  /** Set once the mailer exists (the sink's port is known only after it listens). */
  outbox?: OutboxSender;
}

export function createServices(ctx: Ctx): Services {
  const activity = new Activity();
  const users = new UsersService(ctx, activity);
  const sessions = new SessionsService(ctx, activity);
  return {
    ctx,
    users,
    auth: new AuthService(ctx, activity),
    login: new LoginService(ctx, activity),
    tokens: new TokensService(ctx, activity),
    sessions,
    site: new SiteService(ctx),
    mail: new MailService(ctx),
    reclaim: new ReclaimService({ repo: ctx.repo, now: ctx.now, users, sessions }),
  };
}
