// Admin API for login sessions: the grid, history and termination.
import { Hono } from 'hono';
import { z } from 'zod';
import { actorOf, requirePerm } from './http/auth.js';
import type { AppEnv } from './http/env.js';
import { PageQuery, query } from './http/validate.js';

export const SessionQuery = PageQuery.extend({
  client: z
    .string()
    .regex(
      /^(all|(web|tui|explorer|api)(,(web|tui|explorer|api))*)$/,
      'client: use all, or a comma list of web, tui, explorer, api',
    )
    .optional(),
  state: z.enum(['live', 'ended']).optional(),
});

export const sessionsRoutes = new Hono<AppEnv>()
  .use(requirePerm('sessions'))
  .get('/', async (c) =>
    c.body(await c.env.services.sessions.listJson(query(c, SessionQuery)), 200, { 'content-type': 'application/json' }),
  )
  .delete('/:id', async (c) =>
    c.json({ session: await c.env.services.sessions.terminate(actorOf(c), c.req.param('id')) }),
  );
