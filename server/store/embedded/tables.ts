// The embedded engine's tables: records in memory by id, unique indexes, and change hooks that
// secondary indexes (sorted orders, per-user lists) keep themselves up to date from.
import { sampleProject } from '../../../src/domain/sample-project.js';
import {
  SCHEMA_VERSION,
  type ActionToken,
  type ApiToken,
  type AuditEntry,
  type License,
  type MailEntry,
  type OutboxMessage,
  type Project,
  type Session,
  type Settings,
  type Site,
  type StoreData,
  type User,
} from '../../../src/domain/schemas.js';
import type { SeatHistoryEntry } from '../../../src/domain/seat-history.js';

export interface Collections {
  users: User;
  projects: Project;
  sessions: Session;
  apiTokens: ApiToken;
  actionTokens: ActionToken;
  mails: MailEntry;
  audit: AuditEntry;
  outbox: OutboxMessage;
  seatHistory: SeatHistoryEntry;
}
export type CollName = keyof Collections;
export const COLLECTIONS: CollName[] = [
  'users',
  'projects',
  'sessions',
  'apiTokens',
  'actionTokens',
  'mails',
  'audit',
  'outbox',
  'seatHistory',
];

export interface Singletons {
  site: Site;
  license: License;
  settings: Settings;
}
export type SingletonName = keyof Singletons;

/** Unique secondary indexes: field values that identify one record. */
const UNIQUE: Partial<Record<CollName, string>> = {
  users: 'email',
  sessions: 'tokenHash',
  apiTokens: 'tokenHash',
  actionTokens: 'tokenHash',
};

/** Told of every change to a collection: `prev` is undefined for an insert, `next` for a delete. */
export type ChangeHook<C extends CollName> = (
  prev: Collections[C] | undefined,
  next: Collections[C] | undefined,
) => void;

export class Tables {
  private readonly maps = Object.fromEntries(COLLECTIONS.map((c) => [c, new Map()])) as {
    [C in CollName]: Map<string, Collections[C]>;
  };
  private readonly unique = new Map<CollName, Map<string, string>>();
  private readonly hooks = new Map<CollName, ChangeHook<never>[]>();
  single!: Singletons;

  constructor() {
    for (const c of Object.keys(UNIQUE)) this.unique.set(c as CollName, new Map());
  }

  /** Registers a secondary index; it is fed every record already present. */
  onChange<C extends CollName>(c: C, hook: ChangeHook<C>): void {
    const list = this.hooks.get(c) ?? [];
    list.push(hook as ChangeHook<never>);
    this.hooks.set(c, list);
    for (const r of this.maps[c].values()) hook(undefined, r);
  }

  get<C extends CollName>(c: C, id: string): Collections[C] | undefined {
    return this.maps[c].get(id);
  }
  values<C extends CollName>(c: C): IterableIterator<Collections[C]> {
    return this.maps[c].values();
  }
  count(c: CollName): number {
    return this.maps[c].size;
  }
  findBy<C extends CollName>(c: C, value: string): Collections[C] | undefined {
    const id = this.unique.get(c)?.get(value);
    return id === undefined ? undefined : this.maps[c].get(id);
  }

  put<C extends CollName>(c: C, record: Collections[C]): void {
    const prev = this.maps[c].get(record.id);
    const field = UNIQUE[c];
    if (field) {
      const index = this.unique.get(c)!;
      const before = (prev as Record<string, unknown> | undefined)?.[field];
      if (before != null) index.delete(String(before));
      const value = (record as unknown as Record<string, unknown>)[field];
      if (value != null) index.set(String(value), record.id);
    }
    this.maps[c].set(record.id, record);
    for (const h of this.hooks.get(c) ?? []) (h as ChangeHook<C>)(prev, record);
  }

  del(c: CollName, id: string): void {
    const prev = this.maps[c].get(id);
    if (!prev) return;
    const field = UNIQUE[c];
    const value = field ? (prev as unknown as Record<string, unknown>)[field] : null;
    if (value != null) this.unique.get(c)!.delete(String(value));
    this.maps[c].delete(id);
    for (const h of this.hooks.get(c) ?? []) h(prev as never, undefined);
  }

  toData(seq: number): StoreData {
    const data = { schemaVersion: SCHEMA_VERSION, seq, ...this.single } as StoreData;
    for (const c of COLLECTIONS) (data as unknown as Record<string, unknown[]>)[c] = [...this.maps[c].values()];
    return data;
  }

  fromData(data: StoreData): void {
    this.single = { site: data.site, license: data.license, settings: data.settings };
    for (const c of COLLECTIONS) {
      for (const id of [...this.maps[c].keys()]) this.del(c, id);
      for (const r of data[c] as { id: string }[]) this.put(c, Object.freeze(r) as never);
    }
  }
}

export function defaultData(now: Date): StoreData {
  const at = now.toISOString();
  return {
    schemaVersion: SCHEMA_VERSION,
    seq: 0,
    site: { name: 'Seatdesk', createdAt: at },
    license: { plan: 'trial', seats: 5, expiresAt: null },
    settings: { idleTimeoutMinutes: null, maxSessionsPerUser: 3, mailRetention: 5000 },
    users: [],
    projects: [sampleProject(at)],
    sessions: [],
    apiTokens: [],
    actionTokens: [],
    mails: [],
    audit: [],
    outbox: [],
    seatHistory: [],
  };
}
