// Hono environment shared by the routes: the services (in the bindings, so no middleware has to
// set them on every request) and the authenticated caller.
import type { Authenticated } from '../sessions/auth.service.js';
import type { Services } from '../services.js';

export type AppEnv = {
  Bindings: {
    services: Services;
    /** Set by @hono/node-server: the Node request. */
    incoming?: { headers: Record<string, string | string[] | undefined>; socket?: unknown };
  };
  Variables: {
    auth: Authenticated;
  };
};
