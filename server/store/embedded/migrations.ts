// Upgrades store files written by older Seatdesk versions to the current schema, on load.
import { SCHEMA_VERSION } from '../../../src/domain/schemas.js';

type Raw = Record<string, unknown>;

/**
 * Version 0 was the pre-release layout: no schemaVersion or seq, and users without
 * suspendedProjects. Each step takes version n to n + 1.
 */
const STEPS: Record<number, (d: Raw) => Raw> = {
  0: (d) => ({
    ...d,
    schemaVersion: 1,
    seq: typeof d.seq === 'number' ? d.seq : 0,
    users: ((d.users as Raw[] | undefined) ?? []).map((u) => ({ suspendedProjects: [], ...u })),
  }),
  // Version 2 added the mail outbox.
  1: (d) => ({ ...d, schemaVersion: 2, outbox: [] }),
  // Version 3 added seat history.
  2: (d) => ({ ...d, schemaVersion: 3, seatHistory: [] }),
};

export class NewerStoreError extends Error {}

export function migrate(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw; // the schema check reports it
  let data = raw as Raw;
  let version = typeof data.schemaVersion === 'number' ? data.schemaVersion : 0;
  if (version > SCHEMA_VERSION)
    throw new NewerStoreError(
      `it was written by a newer Seatdesk (store schema ${version}; this one reads up to ${SCHEMA_VERSION}). Upgrade Seatdesk`,
    );
  while (version < SCHEMA_VERSION) {
    const step = STEPS[version];
    if (!step) break;
    data = step(data);
    version = data.schemaVersion as number;
  }
  return data;
}
