// Admin API for the license, settings, catalogues and the audit log.
import { Hono } from 'hono';
import { z } from 'zod';
import { ADMIN_PROFILES, LicenseBody, SettingsBody, USER_PROFILES } from '../src/domain/schemas.js';
import { actorOf, requirePerm } from './http/auth.js';
import type { AppEnv } from './http/env.js';
import { jsonBody, query } from './http/validate.js';

export const AuditQuery = z.object({
  cursor: z.string().max(1000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export const siteRoutes = new Hono<AppEnv>()
  .get('/license', requirePerm('license:read'), async (c) => c.json(await c.env.services.site.license()))
  .put('/license', requirePerm('license:write'), async (c) => {
    const body = await jsonBody(c, LicenseBody);
    return c.json(await c.env.services.site.updateLicense(actorOf(c), body));
  })
  .get('/settings', requirePerm('settings:read'), async (c) =>
    c.json({ ...(await c.env.services.site.settings()), mail: c.env.services.ctx.mailMode }),
  )
  .put('/settings', requirePerm('settings:write'), async (c) => {
    const body = await jsonBody(c, SettingsBody);
    return c.json(await c.env.services.site.updateSettings(actorOf(c), body));
  })
  .get('/profiles', requirePerm('users'), (c) => c.json({ userProfiles: USER_PROFILES, adminProfiles: ADMIN_PROFILES }))
  .get('/projects', requirePerm('users'), async (c) => c.json({ items: await c.env.services.site.projects() }))
  .get('/audit', requirePerm('audit'), async (c) => {
    const q = query(c, AuditQuery);
    return c.json(await c.env.services.site.audit(q));
  });
