// Admin API for seat reclamation: bulk actions, the bulk invite, seat history and the policy.
import { Hono } from 'hono';
import { z } from 'zod';
import { BulkSessionsBody, BulkUsersBody } from '../src/domain/schemas.js';
import { ImportBody } from '../src/domain/bulk-import.js';
import { actorOf, requirePerm } from './http/auth.js';
import type { AppEnv } from './http/env.js';
import { jsonBody, query } from './http/validate.js';

export const HistoryQuery = z.object({
  days: z.coerce.number().int().min(1).max(3650).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});

/** Mounted at /api/users: POST /bulk and /import (before the /:id routes). */
export const usersBulkRoutes = new Hono<AppEnv>()
  .post('/bulk', requirePerm('users'), async (c) => {
    const body = await jsonBody(c, BulkUsersBody);
    if (body.action === 'resend-activation') await requirePermNow(c, 'resend');
    if (body.action === 'terminate-sessions') await requirePermNow(c, 'sessions');
    return c.json(await c.env.services.reclaim.bulkUsers(actorOf(c), body.action, body.ids));
  })
  .post('/import', requirePerm('users'), async (c) =>
    c.json(await c.env.services.reclaim.importUsers(actorOf(c), await jsonBody(c, ImportBody))),
  );

/** Mounted at /api/sessions. */
export const sessionsBulkRoutes = new Hono<AppEnv>().post('/bulk', requirePerm('sessions'), async (c) => {
  const body = await jsonBody(c, BulkSessionsBody);
  return c.json(await c.env.services.reclaim.bulkEndSessions(actorOf(c), body.ids));
});

/** Mounted at /api. */
export const reclaimRoutes = new Hono<AppEnv>()
  .get('/license/history', requirePerm('license:read'), async (c) =>
    c.json(await c.env.services.reclaim.history(query(c, HistoryQuery))),
  )
  .get('/policy/plan', requirePerm('settings:write'), async (c) => c.json(await c.env.services.reclaim.plan()))
  .post('/policy/run', requirePerm('settings:write'), async (c) => c.json(await c.env.services.reclaim.run()));

/** A second permission inside a handler (the action decides which). */
async function requirePermNow(
  c: Parameters<ReturnType<typeof requirePerm>>[0],
  perm: Parameters<typeof requirePerm>[0],
): Promise<void> {
  await requirePerm(perm)(c, async () => {});
}
