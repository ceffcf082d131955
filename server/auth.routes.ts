// Setup, login and logout, the caller's own identity and API tokens, and link completion (JSON).
import { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { AppError } from '../src/domain/errors.js';
import { CompleteTokenBody, LoginBody, SetupBody, TokenBody } from '../src/domain/schemas.js';
import { isLoopback } from './config.js';
import { requestInfo, requireAuth } from './http/auth.js';
import type { AppEnv } from './http/env.js';
import { jsonBody } from './http/validate.js';

export const CLIENT_COOKIE = 'seatdesk_client';

export const authRoutes = new Hono<AppEnv>()
  .get('/setup', async (c) => {
    const info = requestInfo(c);
    return c.json({ needsSetup: await c.env.services.users.needsSetup(), local: isLoopback(info.address) });
  })
  .post('/setup', async (c) => {
    if (!isLoopback(requestInfo(c).address))
      throw new AppError(
        'setup_local_only',
        'Setup is only accepted from this machine (a loopback address). Run it on the server host.',
      );
    const body = await jsonBody(c, SetupBody);
    const user = await c.env.services.users.setup(body.email, body.password, {
      firstName: body.firstName,
      lastName: body.lastName,
    });
    return c.json({ user }, 201);
  })
  .post('/auth/login', async (c) => {
    const body = await jsonBody(c, LoginBody);
    const client = body.client ?? 'web';
    let clientId = body.clientId;
    if (client === 'web' && !clientId) {
      clientId = getCookie(c, CLIENT_COOKIE);
      if (!clientId) {
        clientId = crypto.randomUUID();
        setCookie(c, CLIENT_COOKIE, clientId, { httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 400 * 86_400 });
      }
    }
    const result = await c.env.services.login.login({ ...body, client, clientId }, requestInfo(c));
    return c.json(result);
  })
  .post('/auth/activate', async (c) => {
    const body = await jsonBody(c, CompleteTokenBody);
    return c.json({ user: await c.env.services.users.completeToken('activation', body) });
  })
  .post('/auth/reset-password', async (c) => {
    const body = await jsonBody(c, CompleteTokenBody);
    return c.json({ user: await c.env.services.users.completeToken('reset', body) });
  })
  .post('/auth/logout', requireAuth, async (c) => {
    const { session } = c.get('auth');
    if (session.client === 'api')
      throw new AppError('bad_request', 'API tokens have no session to sign out of; revoke the token instead.');
    await c.env.services.login.logout(session);
    return c.json({ ok: true });
  })
  .get('/me', requireAuth, (c) => {
    // The hottest read: the JSON is cached with the authentication, but for the activity time.
    return c.body(c.env.services.auth.meJson(c.get('auth')), 200, { 'content-type': 'application/json' });
  })
  .get('/tokens', requireAuth, async (c) => c.json({ items: await c.env.services.tokens.list(c.get('auth').user.id) }))
  .post('/tokens', requireAuth, async (c) => {
    const body = await jsonBody(c, TokenBody);
    return c.json(await c.env.services.tokens.create(c.get('auth').user, body.name), 201);
  })
  .delete('/tokens/:id', requireAuth, async (c) => {
    await c.env.services.tokens.revoke(c.get('auth').user, c.req.param('id'));
    return c.json({ ok: true });
  });
