// The embedded engine's list pages: which columns of users, sessions, mail and the audit log are
// indexed, how each list is split (live/ended sessions, by client; users by status), and the
// repository's page reads answered from those indexes. The engine calls put/del from the hooks
// that change its maps, and nothing else.
import type { AuditEntry, MailEntry, Session, User } from '../../../src/domain/schemas.js';
import type { AuditQuery, MailQuery, Page, SessionQuery, UserQuery } from '../repository.js';
import { AUDIT_SORTS, MAIL_SORTS, SESSION_SORTS, USER_SORTS } from '../../../src/domain/sorts.js';
import { SortedIndexes } from './sorted-indexes.js';

/** Every client but explorer: what the session grid shows by default. */
const DEFAULT_CLIENTS = new Set(['web', 'tui', 'api']);

const limitOf = (q: { limit?: number }) => Math.min(10_000, Math.max(1, q.limit ?? 100));
const pick = (sort: string | undefined, allowed: readonly string[], fallback: string) =>
  sort && allowed.includes(sort) ? sort : fallback;

export interface Lookups {
  user(id: string): User | undefined;
  session(id: string): Session | undefined;
  mail(id: string): MailEntry | undefined;
  audit(id: string): AuditEntry | undefined;
}

export type Indexed = 'users' | 'sessions' | 'mails' | 'audit';

export class ListIndexes {
  readonly users: SortedIndexes<User>;
  readonly sessions: SortedIndexes<Session>;
  readonly mails: SortedIndexes<MailEntry>;
  readonly audit: SortedIndexes<AuditEntry>;

  constructor(get: Lookups) {
    this.users = new SortedIndexes<User>(
      {
        columns: USER_SORTS,
        facet: (u) => u.status,
        text: (u) => `${u.email}\n${u.firstName} ${u.lastName}`.toLowerCase(),
      },
      get.user,
    );
    this.sessions = new SortedIndexes<Session>(
      {
        columns: SESSION_SORTS,
        group: (s) => (s.endedAt ? 'ended' : 'live'),
        facet: (s) => s.client,
        text: (s) => s.email.toLowerCase(),
        // Activity moves one tree and never changes what a filter matches.
        volatile: ['lastActivityAt'],
      },
      get.session,
    );
    this.mails = new SortedIndexes<MailEntry>(
      { columns: MAIL_SORTS, text: (m) => `${m.from}\n${m.subject}`.toLowerCase() },
      get.mail,
    );
    this.audit = new SortedIndexes<AuditEntry>({ columns: AUDIT_SORTS }, get.audit);
  }

  /** Call after a record of collection `c` was stored (prev: the record it replaced). */
  put(c: string, prev: unknown, next: unknown): void {
    const idx = this.of(c);
    if (idx) idx.put(prev as never, next as never);
  }

  /** Call after a record of collection `c` was removed. */
  del(c: string, prev: unknown): void {
    const idx = this.of(c);
    if (idx && prev) idx.del(prev as never);
  }

  clear(): void {
    for (const idx of [this.users, this.sessions, this.mails, this.audit]) idx.clear();
  }

  /** Builds the trees in idle turns of the event loop, so the first sort of each list is quick too. */
  async warmInBackground(): Promise<void> {
    for (const idx of [this.users, this.sessions, this.mails, this.audit]) await idx.warmInBackground();
  }

  /** `where`: a further filter the engine applies (dormant users, stale invitations), named by `key`. */
  pageUsers(q: UserQuery, where?: { key: string; test: (u: User) => boolean }): Page<User> {
    const profile = q.profile?.trim().toLowerCase();
    const admin = q.admin?.trim().toLowerCase();
    if (profile || admin) {
      const outer = where;
      const test = (u: User) =>
        (!profile || u.userProfile.toLowerCase().startsWith(profile)) &&
        (!admin || (u.adminProfile ?? 'none').toLowerCase().startsWith(admin)) &&
        (!outer || outer.test(u));
      where = { key: `profile:${profile ?? ''}\u0000admin:${admin ?? ''}\u0000${outer?.key ?? ''}`, test };
    }
    return this.users.page({
      sort: pick(q.sort, USER_SORTS, 'email'),
      order: q.order ?? 'asc',
      cursor: q.cursor,
      offset: q.offset,
      limit: limitOf(q),
      facets: q.status ? new Set([q.status]) : undefined,
      needle: q.q?.trim().toLowerCase() || undefined,
      where,
    });
  }

  pageSessions(q: SessionQuery): Page<Session> & { activeCount: number } {
    const state = q.state === 'ended' ? 'ended' : 'live';
    const page = this.sessions.page({
      group: state,
      sort: pick(q.sort, SESSION_SORTS, state === 'ended' ? 'endedAt' : 'startedAt'),
      order: q.order ?? (state === 'ended' ? 'desc' : 'asc'),
      cursor: q.cursor,
      offset: q.offset,
      limit: limitOf(q),
      facets: q.clients ? new Set(q.clients) : DEFAULT_CLIENTS,
      needle: q.q?.trim().toLowerCase() || undefined,
    });
    return { ...page, activeCount: this.sessions.count('live') };
  }

  pageMail(q: MailQuery): Page<MailEntry> {
    const to = q.to?.trim().toLowerCase();
    const needle = q.q?.trim().toLowerCase();
    const hide = q.hideTo;
    const recipients = (m: MailEntry) => [...m.to, ...(m.cc ?? []), ...(m.bcc ?? [])];
    const tests: ((m: MailEntry) => boolean)[] = [];
    if (hide && hide.size) tests.push((m) => !recipients(m).some((r) => hide.has(r)));
    if (to) tests.push((m) => recipients(m).some((r) => r.includes(to)));
    // q matches from, subject (the indexed text) or any recipient.
    const text = needle
      ? (m: MailEntry) =>
          `${m.from}\n${m.subject}`.toLowerCase().includes(needle) || recipients(m).some((r) => r.includes(needle))
      : null;
    if (text) tests.push(text);
    return this.mails.page({
      sort: pick(q.sort, MAIL_SORTS, 'receivedAt'),
      order: q.order ?? 'desc',
      cursor: q.cursor,
      offset: q.offset,
      limit: limitOf(q),
      where: tests.length
        ? {
            key: `${needle ?? ''}\u0000${to ?? ''}\u0000${hide ? [...hide].sort().join(',') : ''}`,
            test: (m) => tests.every((t) => t(m)),
          }
        : undefined,
    });
  }

  pageAudit(q: AuditQuery): Page<AuditEntry> {
    return this.audit.page({
      sort: 'at',
      order: q.order ?? 'desc',
      cursor: q.cursor,
      offset: q.offset,
      limit: limitOf(q),
    });
  }

  private of(c: string): SortedIndexes<never> | null {
    switch (c) {
      case 'users':
        return this.users as never;
      case 'sessions':
        return this.sessions as never;
      case 'mails':
        return this.mails as never;
      case 'audit':
        return this.audit as never;
      default:
        return null;
    }
  }
}
