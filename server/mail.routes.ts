// Admin API for captured mail.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { z } from 'zod';
import { actorOf, requirePerm } from './http/auth.js';
import type { AppEnv } from './http/env.js';
import { PageQuery, parse, query } from './http/validate.js';

export const MailQuery = PageQuery.pick({ q: true, cursor: true, offset: true, limit: true }).extend({
  to: z.string().max(254).optional(),
});
export const LatestQuery = z.object({
  to: z.string().max(254).optional(),
  subject: z.string().max(200).optional(),
  wait: z.coerce.number().min(0).max(30, 'at most 30 seconds').optional(),
});

export const mailRoutes = new Hono<AppEnv>()
  .use(requirePerm('mail'))
  .get('/', async (c) => c.json(await c.env.services.mail.list(query(c, MailQuery), actorOf(c))))
  .get('/latest', async (c) => {
    const q = query(c, LatestQuery);
    const mail = await c.env.services.mail.latest(
      q.to ?? '',
      q.subject ?? '',
      q.wait ?? 0,
      c.req.raw.signal,
      actorOf(c),
    );
    return c.json({ mail });
  })
  .get('/outbox/:id', async (c) =>
    c.json({ delivery: await c.env.services.mail.delivery(c.req.param('id'), actorOf(c)) }),
  )
  .get('/:id', async (c) => c.json({ mail: await c.env.services.mail.read(c.req.param('id'), actorOf(c)) }))
  .get('/:id/attachments/:n', async (c) => {
    const n = parse(z.coerce.number().int().min(0).max(10_000), c.req.param('n'));
    const a = await c.env.services.mail.attachment(c.req.param('id'), n, actorOf(c));
    // Never rendered by the browser as a page of ours: always a download.
    c.header('Content-Type', a.contentType);
    c.header(
      'Content-Disposition',
      `attachment; filename="${a.filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(a.filename)}`,
    );
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(new Uint8Array(a.content));
  })
  .get('/:id/raw', async (c) => {
    const raw = await c.env.services.mail.raw(c.req.param('id'), actorOf(c));
    c.header('Content-Type', 'message/rfc822');
    if ('data' in raw) return c.body(new Uint8Array(raw.data));
    return c.body(Readable.toWeb(createReadStream(raw.path)) as ReadableStream);
  })
  .delete('/:id', async (c) => {
    await c.env.services.mail.remove(c.req.param('id'), actorOf(c));
    return c.json({ ok: true });
  })
  .delete('/', async (c) => c.json({ deleted: await c.env.services.mail.removeAll(actorOf(c)) }));
