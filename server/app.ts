// createApp: the whole HTTP surface as a Hono app, built from services (no listening here).
import type { LoopDelay } from './loop-delay.js';
import { Hono } from 'hono';
import { AppError } from '../src/domain/errors.js';
import { VERSION } from '../src/version.js';
import { authRoutes } from './auth.routes.js';
import { docsRoutes } from './docs.routes.js';
import { eventsRoutes } from './events.routes.js';
import { giveWay } from './give-way.js';
import { requireAuth, requirePerm } from './http/auth.js';
import { limitBody } from './http/body-limit.js';
import { requireJson } from './http/content-type.js';
import type { AppEnv } from './http/env.js';
import { errorBody, onError } from './http/errors.js';
import { mailRoutes } from './mail.routes.js';
import { activationPages, resetPages } from './pages.routes.js';
import type { Services } from './services.js';
import { sessionsRoutes } from './sessions.routes.js';
import { reclaimRoutes, sessionsBulkRoutes, usersBulkRoutes } from './reclaim.routes.js';
import { siteRoutes } from './site.routes.js';
import { usersRoutes } from './users.routes.js';

const ADMIN_PREFIXES = [
  '/users',
  '/sessions',
  '/mail',
  '/events',
  '/license',
  '/settings',
  '/profiles',
  '/projects',
  '/audit',
  '/diag',
  '/policy',
];

export interface AppOptions {
  heartbeatMs?: number;
  /** Event-loop delay, reported by GET /api/diag. */
  loop?: LoopDelay;
}

export function createApp(services: Services, opts: AppOptions = {}) {
  const app = new Hono<AppEnv>();
  const tracked: { peak: number; timer: NodeJS.Timeout | null } = { peak: 0, timer: null };
  const limit = limitBody(64 * 1024);
  // A bulk invite carries up to 10,000 rows.
  const importLimit = limitBody(4 * 1024 * 1024);
  // A burst of requests is handled over several turns of the event loop, not in one long one.
  app.use(async (_c, next) => {
    await giveWay();
    await next();
  });
  app.use((c, next) => (c.req.path === '/api/users/import' ? importLimit(c, next) : limit(c, next)));
  app.onError(onError);
  app.notFound((c) =>
    c.json(errorBody('not_found', `There is no ${c.req.method} ${c.req.path}. See the README for the API.`), 404),
  );

  const api = new Hono<AppEnv>()
    .use(requireJson)
    .get('/health', (c) => c.json({ status: 'ok', version: VERSION }))
    .route('/', docsRoutes);
  // `/users/*` also matches `/users` itself: one registration, so a request is authenticated once.
  for (const prefix of ADMIN_PREFIXES) api.use(`${prefix}/*`, requireAuth);
  api
    .route('/', authRoutes)
    .route('/users', usersBulkRoutes)
    .route('/users', usersRoutes)
    .route('/sessions', sessionsBulkRoutes)
    .route('/sessions', sessionsRoutes)
    .route('/', reclaimRoutes)
    .route('/mail', mailRoutes)
    .route('/events', eventsRoutes(opts.heartbeatMs ?? 15_000))
    .route('/', siteRoutes)
    .get('/diag', requirePerm('license:write'), (c) => {
      if (c.req.query('track')) {
        // Sample RSS every 10 ms from now on, for a peak that getrusage's lifetime peak would hide.
        tracked.peak = process.memoryUsage.rss();
        tracked.timer ??= setInterval(() => (tracked.peak = Math.max(tracked.peak, process.memoryUsage.rss())), 10);
        tracked.timer.unref();
      }
      // A full collection first, when the process runs with --expose-gc (the benchmarks do).
      if (c.req.query('gc')) (globalThis as { gc?: () => void }).gc?.();
      // Operational figures for the benchmarks and for people: memory and event-loop delay.
      const h = opts.loop;
      const body = {
        rss: process.memoryUsage.rss(),
        maxRss: process.resourceUsage().maxRSS * 1024,
        heapUsed: process.memoryUsage().heapUsed,
        loop: h ? h.summary() : null,
        sseClients: services.ctx.bus.size,
        trackedPeak: tracked.timer ? Math.max(tracked.peak, process.memoryUsage.rss()) : null,
      };
      if (c.req.query('reset') && h) h.reset();
      return c.json(body);
    });
  app.route('/api', api);
  app.route('/activate', activationPages);
  app.route('/reset-password', resetPages);
  app.get('/', (c) => c.text(`Seatdesk ${VERSION}. The admin console is the seatdesk command; the API is under /api.`));
  // The services travel in the bindings object that @hono/node-server makes per request.
  const fetch = app.fetch;
  app.fetch = (req, env, ctx) => {
    if (env) (env as { services?: Services }).services = services;
    return fetch(req, env ?? { services }, ctx);
  };
  return app;
}

export type AppType = ReturnType<typeof createApp>;

export { AppError };
