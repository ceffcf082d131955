// Hono environment shared by the routes: services and the authenticated caller.
import type { Authenticated } from '../sessions.service.js';
import type { Services } from '../services.js';

export type AppEnv = {
  Variables: {
    auth: Authenticated;
    services: Services;
  };
};
