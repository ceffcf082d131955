// The journal's line format, checked with the store file's own schemas before a line is replayed.
import { z } from 'zod';
import { StoreData } from '../../../src/domain/schemas.js';

type Rec = { id: string } & Record<string, unknown>;

/** One change in a journal entry: a collection's record put, patched or deleted, or a singleton set. */
export type JournalOp =
  { c: string; put: Rec } | { c: string; patch: Rec } | { c: string; del: string } | { s: string; set: unknown };

export interface JournalEntry {
  seq: number;
  ops: JournalOp[];
}

// Derived from the store schema, so a collection added there is checked here without more code.
const shape = StoreData.shape as Record<string, z.ZodType>;
const records = new Map<string, z.ZodObject>();
const singletons = new Map<string, z.ZodType>();
for (const [key, schema] of Object.entries(shape)) {
  if (key === 'schemaVersion' || key === 'seq') continue;
  if (schema instanceof z.ZodArray) records.set(key, schema.element as z.ZodObject);
  else singletons.set(key, schema);
}
const patches = new Map([...records].map(([c, s]) => [c, s.partial().extend({ id: z.string() })]));

const Entry = z.object({ seq: z.number().int().min(1), ops: z.array(z.unknown()) });

const describe = (e: z.ZodError) => {
  const issue = e.issues[0];
  return `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`;
};

/** Parses one journal line's JSON; throws an Error saying what is wrong (the caller adds file and line). */
export function parseJournalEntry(raw: unknown): JournalEntry {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new Error(`${JSON.stringify(raw)?.slice(0, 40)} is not a journal entry (an object with seq and ops)`);
  const entry = Entry.safeParse(raw);
  if (!entry.success) throw new Error(`not a journal entry (${describe(entry.error)})`);
  return { seq: entry.data.seq, ops: entry.data.ops.map((op, i) => parseOp(op, i)) };
}

function parseOp(op: unknown, i: number): JournalOp {
  const where = `change ${i + 1}`;
  if (op === null || typeof op !== 'object') throw new Error(`${where} is not an object`);
  const o = op as Record<string, unknown>;
  if (typeof o.s === 'string') {
    const schema = singletons.get(o.s);
    if (!schema || !('set' in o))
      throw new Error(`${where} sets an unknown part of the store (${JSON.stringify(o.s).slice(0, 40)})`);
    const r = schema.safeParse(o.set);
    if (!r.success) throw new Error(`${where}, ${o.s}: ${describe(r.error)}`);
    return { s: o.s, set: r.data };
  }
  const c = typeof o.c === 'string' ? o.c : '';
  const schema = records.get(c);
  if (!schema) throw new Error(`${where} names an unknown collection (${JSON.stringify(o.c)?.slice(0, 40)})`);
  if ('put' in o) {
    const r = schema.safeParse(o.put);
    if (!r.success) throw new Error(`${where}, a record of ${c}: ${describe(r.error)}`);
    return { c, put: r.data as Rec };
  }
  if ('patch' in o) {
    const r = patches.get(c)!.safeParse(o.patch);
    if (!r.success) throw new Error(`${where}, a change to ${c}: ${describe(r.error)}`);
    // Only the fields the line holds: the partial schema would add defaults for the others.
    const patch: Rec = { id: r.data.id as string };
    for (const k of Object.keys(o.patch as object)) if (k in r.data) patch[k] = (r.data as Record<string, unknown>)[k];
    return { c, patch };
  }
  if (typeof o.del === 'string') return { c, del: o.del };
  throw new Error(`${where} to ${c} neither puts, patches nor deletes a record`);
}
