// Request parsing at the edge: JSON bodies and query strings through zod, with clear messages.
import type { Context } from 'hono';
import { z } from 'zod';
import { AppError } from '../../src/domain/errors.js';

/** "field: problem" per issue; a message that already starts with its field's name is not prefixed again. */
export function zodMessage(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => {
      if (!i.path.length) return i.message;
      const field = i.path.join('.');
      const last = String(i.path[i.path.length - 1]);
      return i.message.startsWith(`${field}:`) || i.message.startsWith(`${last} `) || i.message.startsWith(`${last}:`)
        ? i.message
        : `${field}: ${i.message}`;
    })
    .join('; ');
}

export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new AppError('validation_failed', zodMessage(r.error));
  return r.data;
}

export async function jsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let value: unknown;
  // The content type was checked for every API route by requireJson; a missing one means no body.
  if (c.req.header('content-type') === undefined)
    throw new AppError('invalid_json', 'Send a JSON body with Content-Type: application/json.');
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
  cursor: z.string().max(1000).optional(),
  q: z.string().max(200).optional(),
});

export const query = <T extends z.ZodType>(c: Context, schema: T): z.infer<T> => parse(schema, c.req.query());
