// What the API shows of stored records: never a password hash or a token hash.
import type { PublicSession, PublicUser, Session, User } from '../src/domain/schemas.js';

export const toPublicUser = ({ passwordHash: _p, ...u }: User): PublicUser => u;
export const toPublicSession = ({ tokenHash: _t, ...s }: Session): PublicSession => s;

// List pages are built from each record's JSON, kept per record: the embedded engine's records
// are frozen and replaced on change, so a record's identity is its version. A page of 50 users
// then costs 50 lookups and one join instead of 50 copies and a 25 KB JSON.stringify.
const jsonOf = new WeakMap<object, string>();

export function recordJson<T extends object>(record: T, view: (r: T) => unknown): string {
  let s = jsonOf.get(record);
  if (s === undefined) {
    s = JSON.stringify(view(record));
    jsonOf.set(record, s);
  }
  return s;
}

/** A record's JSON with more fields after its own. */
export const withFields = (json: string, extra: Record<string, unknown>): string =>
  `${json.slice(0, -1)},${JSON.stringify(extra).slice(1)}`;

/** `{"items":[…],…rest}` from the items' JSON. */
export const pageJson = (items: string[], rest: Record<string, unknown>): string =>
  `{"items":[${items.join(',')}],${JSON.stringify(rest).slice(1)}`;
