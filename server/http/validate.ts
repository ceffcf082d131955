// Request parsing at the edge: JSON bodies and query strings through zod, with clear messages.
import type { Context } from 'hono';
import { z } from 'zod';
import { AppError } from '../../src/domain/errors.js';

export function zodMessage(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new AppError('validation_failed', zodMessage(r.error));
  return r.data;
}

export async function jsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let value: unknown;
  const type = c.req.header('content-type') ?? '';
  if (!type.includes('json')) throw new AppError('bad_request', 'Send the body as JSON with Content-Type: application/json.');
  try {
    value = await c.req.json();
  } catch {
    throw new AppError('invalid_json', 'The request body is not valid JSON.');
  }
  return parse(schema, value);
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();
export const PageQuery = z.object({
  sort: z.string().max(40).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  offset: int(0, 10_000_000),
  limit: int(1, 10_000),
  q: z.string().max(200).optional(),
});

export const query = <T extends z.ZodType>(c: Context, schema: T): z.infer<T> => parse(schema, c.req.query());
