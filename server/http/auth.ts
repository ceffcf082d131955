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
  return { address: address.replace(/^::ffff:/, ''), userAgent: (header(c, 'user-agent') ?? '').slice(0, 300) };
}

/**
 * A request header. Under @hono/node-server, c.req.header() builds a Fetch Headers object for the
 * whole request on first use (a few µs); Node has already parsed them on the IncomingMessage.
 */
export function header(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: { headers: Record<string, string | string[] | undefined> } } | undefined)
    ?.incoming;
  if (!incoming?.headers) return c.req.header(name);
  const v = incoming.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export const requireAuth: MiddlewareHandler<AppEnv> = (c, next) => {
  const authorization = header(c, 'authorization') ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!m) throw new AppError('unauthorized', 'Sign in first: send Authorization: Bearer <session or API token>.');
  const auth = c.env.services.auth.authenticate(m[1], () => requestInfo(c));
  // Not an async function: the usual (synchronous) case adds no promise and no extra tick.
  if (auth instanceof Promise)
    return auth.then((a) => {
      c.set('auth', a);
      return next();
    });
  c.set('auth', auth);
  return next();
};

export const requirePerm =
  (perm: Permission): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const user = c.get('auth').user;
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

export const actorOf = (c: Context<AppEnv>) => c.get('auth').user;
