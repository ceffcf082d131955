// Admin API for users: list, read, invite, change, and the lifecycle actions.
import { Hono } from 'hono';
import { z } from 'zod';
import { InviteBody, PatchUserBody, UserStatus } from '../src/domain/schemas.js';
import { actorOf, requirePerm } from './http/auth.js';
import type { AppEnv } from './http/env.js';
import { jsonBody, PageQuery, query } from './http/validate.js';
import { toPublicUser } from './public.js';

const days = z.coerce.number().int().min(1).max(3650).optional();
export const UserQuery = PageQuery.extend({
  status: UserStatus.optional(),
  dormantDays: days.describe(
    'Only dormant users: active, no login and no session activity for this many days. Also `dormant:N` in q.',
  ),
  pendingOlderThanDays: days.describe(
    'Only stale invitations: pending, invited more than this many days ago, link never used. Also `pending:N` in q.',
  ),
  profile: z
    .string()
    .max(40)
    .optional()
    .describe("Only users whose user profile starts with this (any case): the console's `profile:` filter."),
  admin: z
    .string()
    .max(40)
    .optional()
    .describe("Only users whose admin profile starts with this (any case), or `none`: the console's `admin:` filter."),
});

export const usersRoutes = new Hono<AppEnv>()
  .use(requirePerm('users'))
  .get('/', async (c) => {
    const { reclaim, users } = c.env.services;
    const q = query(c, UserQuery);
    const json = await users.listJson(
      q,
      () => reclaim.userQuery(q),
      (items) => reclaim.lastActive(items),
    );
    return c.body(json, 200, { 'content-type': 'application/json' });
  })
  .post('/invite', async (c) => {
    const body = await jsonBody(c, InviteBody);
    return c.json(await c.env.services.users.invite(actorOf(c), body), 201);
  })
  .get('/:id', async (c) => c.json({ user: toPublicUser(await c.env.services.users.get(c.req.param('id'))) }))
  .patch('/:id', async (c) => {
    const body = await jsonBody(c, PatchUserBody);
    return c.json({ user: await c.env.services.users.patch(actorOf(c), c.req.param('id'), body) });
  })
  .post('/:id/deactivate', async (c) =>
    c.json({ user: await c.env.services.users.deactivate(actorOf(c), c.req.param('id')) }),
  )
  .post('/:id/reactivate', async (c) => c.json(await c.env.services.users.reactivate(actorOf(c), c.req.param('id'))))
  .post('/:id/resend-activation', async (c) =>
    c.json(await c.env.services.users.resendActivation(actorOf(c), c.req.param('id'))),
  )
  .post('/:id/reset-password', async (c) =>
    c.json(await c.env.services.users.resetPassword(actorOf(c), c.req.param('id'))),
  )
  .get('/:id/mail', async (c) =>
    c.json({ items: await c.env.services.mail.deliveriesOf(c.req.param('id'), actorOf(c)) }),
  )
  .post('/:id/terminate-sessions', async (c) =>
    c.json({ ended: await c.env.services.sessions.terminateUser(actorOf(c), c.req.param('id')) }),
  );
