// The JSON API takes JSON only: any other body type is refused before a route sees it.
import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../src/domain/errors.js';
import { header } from './auth.js';
import { discardBody } from './body-limit.js';
import type { AppEnv } from './env.js';

/** `application/json`, with or without parameters (charset); nothing else, however it is spelled. */
export const isJsonType = (type: string): boolean => type.split(';', 1)[0].trim().toLowerCase() === 'application/json';

/**
 * 415 unsupported_media_type for a request that carries a Content-Type other than
 * application/json, or a body without one. A web page can post text/plain or a form to any
 * origin without a CORS preflight; application/json it cannot, so this also stops forged
 * cross-site calls to login, setup and activation.
 */
export const requireJson: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
  const type = header(c, 'content-type');
  const hasBody =
    type !== undefined || header(c, 'transfer-encoding') !== undefined || Number(header(c, 'content-length') ?? 0) > 0;
  if (!hasBody || (type !== undefined && isJsonType(type))) return next();
  await discardBody(c.env.incoming as IncomingMessage | undefined);
  throw new AppError(
    'unsupported_media_type',
    type === undefined
      ? 'Send the body as JSON with Content-Type: application/json.'
      : `This API takes JSON only: send Content-Type: application/json (not ${type.slice(0, 100)}).`,
  );
};
