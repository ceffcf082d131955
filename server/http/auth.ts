// Authentication and authorization middleware for the API routes.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../../src/domain/errors.js';
import { can, type Permission } from '../../src/domain/permissions.js';
import type { AppEnv } from './env.js';

export function requestInfo(c: Context): { address: string; userAgent: string } {
  let address = 'unknown';
  try {
    address = getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // not served by node (app.request in unit tests)
  }
  return { address: address.replace(/^::ffff:/, ''), userAgent: (c.req.header('user-agent') ?? '').slice(0, 300) };
}

export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw new AppError('unauthorized', 'Sign in first: send Authorization: Bearer <session or API token>.');
  c.set('auth', await c.var.services.sessions.authenticate(m[1], requestInfo(c)));
  await next();
};

export const requirePerm =
  (perm: Permission): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const user = c.var.auth.user;
    if (!can(user, perm)) {
      throw new AppError(
        'forbidden',
        user.adminProfile
          ? `Your admin profile (${user.adminProfile}) does not allow this; a Site Administrator can do it.`
          : 'This needs an administrator: your account has no admin profile.',
      );
    }
    await next();
  };

export const actorOf = (c: Context<AppEnv>) => c.var.auth.user;
