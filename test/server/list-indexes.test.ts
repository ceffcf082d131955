// The embedded engine's list pages answer the repository's queries as the reference does: the
// session grid leaves explorer out unless asked, counts every live session, filters by login
// email; users filter by status and name; mail filters by recipient and hides what it must.
import { describe, expect, it } from 'vitest';
import { pageBySort } from '../../src/domain/keyset.js';
import type { MailEntry, Session, User } from '../../src/domain/schemas.js';
import { ListIndexes } from '../../server/store/embedded/list-indexes.js';

function fixture() {
  const maps = {
    users: new Map<string, User>(),
    sessions: new Map<string, Session>(),
    mails: new Map<string, MailEntry>(),
  };
  const ix = new ListIndexes({
    user: (id) => maps.users.get(id),
    session: (id) => maps.sessions.get(id),
    mail: (id) => maps.mails.get(id),
    audit: () => undefined,
  });
  const put = <C extends 'users' | 'sessions' | 'mails'>(
    c: C,
    r: C extends 'users' ? User : C extends 'sessions' ? Session : MailEntry,
  ) => {
    const m = maps[c] as Map<string, typeof r>;
    const prev = m.get(r.id);
    m.set(r.id, r);
    ix.put(c, prev, r);
  };
  return { maps, ix, put };
}

const session = (i: number, over: Partial<Session> = {}): Session => ({
  id: `s${String(i).padStart(4, '0')}`,
  userId: `u${i % 7}`,
  email: `user${i % 7}@example.com`,
  client: (['web', 'tui', 'explorer', 'api'] as const)[i % 4],
  clientId: null,
  apiTokenId: null,
  tokenHash: null,
  address: `10.0.0.${i % 50}`,
  userAgent: i % 3 ? 'Mozilla' : 'curl',
  startedAt: `2026-01-01T00:${String(i % 60).padStart(2, '0')}:00.000Z`,
  lastActivityAt: '2026-01-01T01:00:00.000Z',
  endedAt: null,
  endReason: null,
  endedBy: null,
  ...over,
});

describe('list indexes', () => {
  it('sessions: live by default without explorer, activeCount counts all live, state=ended, q on login email', () => {
    const { ix, put, maps } = fixture();
    for (let i = 0; i < 200; i++)
      put(
        'sessions',
        session(
          i,
          i % 10 === 0
            ? { endedAt: `2026-01-02T00:00:${String(i % 60).padStart(2, '0')}.000Z`, endReason: 'logout' }
            : {},
        ),
      );
    const all = [...maps.sessions.values()];
    const live = all.filter((s) => !s.endedAt);
    const page = ix.pageSessions({ limit: 1000 });
    expect(page.activeCount).toBe(live.length);
    expect(page.items.map((s) => s.id)).toEqual(
      pageBySort(
        live.filter((s) => s.client !== 'explorer'),
        { sort: 'startedAt', order: 'asc', limit: 1000 },
      ).items.map((s) => s.id),
    );
    expect(ix.pageSessions({ clients: ['explorer'], limit: 1000 }).total).toBe(
      live.filter((s) => s.client === 'explorer').length,
    );
    const ended = ix.pageSessions({ state: 'ended', clients: ['web', 'tui', 'explorer', 'api'], limit: 1000 });
    expect(ended.items.map((s) => s.id)).toEqual(
      pageBySort(
        all.filter((s) => s.endedAt),
        { sort: 'endedAt', order: 'desc', limit: 1000 },
      ).items.map((s) => s.id),
    );
    const q = ix.pageSessions({ q: 'USER3@', sort: 'email', limit: 1000 });
    expect(q.total).toBe(live.filter((s) => s.email === 'user3@example.com' && s.client !== 'explorer').length);
    // Ending a session moves it from the live list to the history.
    const first = page.items[0];
    put('sessions', { ...first, endedAt: '2026-01-03T00:00:00.000Z', endReason: 'admin' });
    expect(ix.pageSessions({ limit: 1 }).activeCount).toBe(live.length - 1);
    expect(ix.pageSessions({ state: 'ended', limit: 1 }).items[0].id).toBe(first.id);
  });

  it('users: status facet, name and email filter, unknown sort falls back to email', () => {
    const { ix, put } = fixture();
    const statuses = ['active', 'pending', 'inactive'] as const;
    for (let i = 0; i < 60; i++)
      put('users', {
        id: `u${String(i).padStart(3, '0')}`,
        email: `p${i}@example.com`,
        firstName: i % 2 ? 'Ada' : '',
        lastName: `Lovelace${i}`,
        status: statuses[i % 3],
        userProfile: 'Default',
        adminProfile: null,
        projects: [],
        suspendedProjects: [],
        passwordHash: null,
        createdAt: '2026-01-01T00:00:00.000Z',
        invitedBy: null,
        activatedAt: null,
        lastLoginAt: i % 4 ? `2026-01-0${1 + (i % 9)}T00:00:00.000Z` : null,
        deactivatedAt: null,
        passwordResetPendingAt: null,
      });
    expect(ix.pageUsers({ status: 'pending', limit: 100 }).total).toBe(20);
    expect(
      ix
        .pageUsers({ q: 'ada lovelace1', limit: 100 })
        .items.map((u) => u.email)
        .sort(),
    ).toEqual(
      [
        'p1@example.com',
        'p11@example.com',
        'p13@example.com',
        'p15@example.com',
        'p17@example.com',
        'p19@example.com',
      ].sort(),
    );
    expect(ix.pageUsers({ sort: 'passwordHash', limit: 1 }).items[0].email).toBe('p0@example.com');
    const byLogin = ix.pageUsers({ sort: 'lastLoginAt', order: 'desc', limit: 100 }).items;
    expect(byLogin.slice(-15).every((u) => u.lastLoginAt === null)).toBe(true); // empty values last, even descending
  });

  it('mail: newest first, q over from, subject and recipients, to, and hidden recipients', () => {
    const { ix, put } = fixture();
    for (let i = 0; i < 30; i++)
      put('mails', {
        id: `m${String(i).padStart(3, '0')}`,
        messageId: null,
        from: 'no-reply@seatdesk.local',
        to: [i % 5 === 0 ? 'root@example.com' : `u${i}@example.com`],
        cc: [],
        bcc: i === 7 ? ['hidden@example.com'] : [],
        subject: i % 2 ? 'Invitation' : 'Reset',
        date: '2026-01-01T00:00:00.000Z',
        receivedAt: `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z`,
        size: 100,
        file: 'x.eml',
        snippet: '',
      } as MailEntry);
    expect(ix.pageMail({ limit: 3 }).items.map((m) => m.id)).toEqual(['m029', 'm028', 'm027']);
    expect(ix.pageMail({ q: 'hidden@', limit: 10 }).items.map((m) => m.id)).toEqual(['m007']);
    expect(ix.pageMail({ to: 'root@', limit: 100 }).total).toBe(6);
    expect(ix.pageMail({ hideTo: new Set(['root@example.com']), limit: 100 }).total).toBe(24);
    expect(ix.pageMail({ q: 'reset', limit: 100 }).total).toBe(15);
  });
});
