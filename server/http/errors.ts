// One error handler: domain errors, validation and framework errors become {error:{code,message}}.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from '../../src/domain/errors.js';

export function errorBody(code: string, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...(details ?? {}) } };
}

export function onError(err: Error, c: Context): Response {
  if (err instanceof AppError) {
    if (err.code === 'too_many_attempts' && err.details?.retryAfter)
      c.header('Retry-After', String(err.details.retryAfter));
    return c.json(errorBody(err.code, err.message, err.details), err.status as ContentfulStatusCode);
  }
  if (err instanceof HTTPException) {
    if (err.status === 413)
      return c.json(errorBody('payload_too_large', 'The request body is too large (the limit is 64 KB).'), 413);
    return c.json(errorBody('bad_request', err.message || 'Bad request.'), err.status as ContentfulStatusCode);
  }
  console.error('unexpected error', err);
  return c.json(errorBody('internal', 'Something went wrong on the server; it has been logged.'), 500);
}
