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

// A list route is asked for the same few URLs over and over (a console polling its page): each
// raw query string is parsed once per schema, and the same frozen object is handed out again.
const QUERIES = 512;
const parsedQueries = new WeakMap<z.ZodType, Map<string, unknown>>();

/** The query string, from the URL Node parsed (building c.req.url costs more). */
function rawQuery(c: Context): string {
  const url = (c.env as { incoming?: { url?: string } } | undefined)?.incoming?.url ?? c.req.url;
  const i = url.indexOf('?');
  return i < 0 ? '' : url.slice(i + 1);
}

/** The query parameters through `schema`: frozen, and the same object for the same query string. */
export function query<T extends z.ZodType>(c: Context, schema: T): Readonly<z.infer<T>> {
  let seen = parsedQueries.get(schema);
  if (!seen) parsedQueries.set(schema, (seen = new Map()));
  const raw = rawQuery(c);
  const hit = seen.get(raw);
  if (hit !== undefined) return hit as z.infer<T>;
  const value = Object.freeze(parse(schema, c.req.query()));
  if (seen.size >= QUERIES) seen.delete(seen.keys().next().value!);
  seen.set(raw, value);
  return value;
}
