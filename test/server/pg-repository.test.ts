// The PostgreSQL engine below the HTTP API: the rules hold across two engines ("servers") sharing
// one database, events cross between them with no gap after a lost connection, pages agree
// with the domain's keyset order.
import { afterEach, describe, expect, it } from 'vitest';
import { pageBySort } from '../../src/domain/keyset.js';
import type { ActionToken, Session } from '../../src/domain/schemas.js';
import type { BusEvent } from '../../server/events.js';
import { dropDatabase } from '../../server/store/pg/local-postgres.js';
import { PgRepository } from '../../server/store/pg/pg.repository.js';
import { newTestDatabase } from '../helpers/postgres.js';
import { outboxRecord as outbox, userRecord } from '../helpers/records.js';
import { eventually } from '../helpers/server.js';

const open: PgRepository[] = [];
const dbs: string[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
  for (const d of dbs.splice(0)) await dropDatabase(d).catch(() => {});
});

async function pair(published: BusEvent[][] = [[], []]): Promise<[PgRepository, PgRepository]> {
  const url = await newTestDatabase();
  dbs.push(url);
  const a = await PgRepository.open({ url, sessionHistory: 100, publish: (e) => published[0].push(e) });
  const b = await PgRepository.open({ url, sessionHistory: 100, publish: (e) => published[1].push(e) });
  open.push(a, b);
  return [a, b];
}

const session = (id: string, userId: string, extra: Partial<Session> = {}): Session => ({
  id,
  userId,
  email: `${userId}@example.com`,
  client: 'web',
  clientId: null,
  apiTokenId: null,
  tokenHash: `hash-${id}`,
  address: '127.0.0.1',
  userAgent: 'test',
  startedAt: new Date().toISOString(),
  lastActivityAt: new Date().toISOString(),
  endedAt: null,
  endReason: null,
  endedBy: null,
  ...extra,
});

describe('PostgreSQL engine', () => {
  it('starts a new database as a new embedded store does: a 5-seat trial and the Sample Project', async () => {
    const [a, b] = await pair();
    expect(await a.license()).toEqual({ plan: 'trial', seats: 5, expiresAt: null });
    expect((await b.projects()).map((p) => p.name)).toEqual(['Sample Project']);
    expect((await a.settings()).maxSessionsPerUser).toBe(3);
  });

  it('gives the last seats to exactly as many of 40 concurrent invitations across two servers', async () => {
    const [a, b] = await pair();
    await a.transaction((tx) => tx.putUser(userRecord('admin', 'admin@example.com', { status: 'active' })));
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).transaction(async (tx) => {
          const held = await tx.countHeldSeats();
          if (held >= (await tx.license()).seats) throw new Error('no_available_licenses');
          tx.putUser(userRecord(`u${i}`, `u${i}@example.com`));
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    expect(await a.countHeldSeats()).toBe(5);
  });

  it('holds the session limit for logins arriving at two servers at once', async () => {
    const [a, b] = await pair();
    await a.transaction((tx) => tx.putUser(userRecord('u1', 'u1@example.com', { status: 'active' })));
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? a : b).transaction(async (tx) => {
          if ((await tx.liveSessionsOf('u1')).length >= 3) throw new Error('session_limit_reached');
          tx.putSession(session(`s${i}`, 'u1'));
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(await b.liveSessionsOf('u1')).toHaveLength(3);
  });

  it('spends a single-use link once when two servers race for it', async () => {
    const [a, b] = await pair();
    const token: ActionToken = {
      id: 't1',
      kind: 'activation',
      userId: 'u1',
      tokenHash: 'h1',
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2099-01-01T00:00:00.000Z',
      usedAt: null,
    };
    await a.transaction((tx) => tx.putActionToken(token));
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).transaction(async (tx) => {
          const t = await tx.actionTokenByHash('h1');
          if (!t || t.usedAt) throw new Error('invalid_token');
          tx.putActionToken({ ...t, usedAt: new Date().toISOString() });
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('undoes everything a failed transaction wrote, and publishes none of its events', async () => {
    const published: BusEvent[][] = [[], []];
    const [a, b] = await pair(published);
    await expect(
      a.transaction(async (tx) => {
        tx.putUser(userRecord('u1', 'u1@example.com'));
        tx.emit({ type: 'user.updated', data: { id: 'u1' } });
        expect(await tx.user('u1')).toBeTruthy(); // a transaction reads its own writes
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await b.user('u1')).toBeUndefined();
    expect(published[0]).toEqual([]);
  });

  it('publishes events after commit locally and on the other server, and none is lost while its listener is away', async () => {
    const published: BusEvent[][] = [[], []];
    const [a, b] = await pair(published);
    const remote: BusEvent[] = [];
    const echoed: BusEvent[] = [];
    b.onRemoteEvent((e) => remote.push(e));
    a.onRemoteEvent((e) => echoed.push(e));
    await a.transaction((tx) => {
      tx.putUser(userRecord('u1', 'u1@example.com'));
      tx.emit({ type: 'user.updated', data: { id: 'u1' } });
    });
    expect(published[0]).toEqual([{ type: 'user.updated', data: { id: 'u1' } }]);
    await eventually(() => remote.length === 1);
    expect(published[1]).toEqual([]); // B did not commit it

    // Cut B's listening connection; what A commits meanwhile arrives once B is back.
    await a.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()`,
    );
    for (let i = 2; i <= 20; i++) await a.transaction((tx) => tx.emit({ type: 'user.updated', data: { id: `u${i}` } }));
    await eventually(() => remote.length === 20);
    expect(remote.map((e) => (e.data as { id: string }).id)).toEqual(Array.from({ length: 20 }, (_, i) => `u${i + 1}`));
    expect(echoed).toEqual([]); // a server hears nothing back of its own
  });

  it('ends each idle session once when two servers sweep at the same moment', async () => {
    const [a, b] = await pair();
    const old = '2026-01-01T00:00:00.000Z';
    await a.transaction((tx) => {
      for (let i = 0; i < 20; i++) tx.putSession(session(`s${i}`, `u${i % 4}`, { lastActivityAt: old }));
    });
    const sweep = (repo: PgRepository) =>
      repo.transaction(async (tx) => {
        const idle = await tx.liveSessionsInactiveSince('2026-06-01T00:00:00.000Z');
        for (const s of idle) tx.putSession({ ...s, endedAt: new Date().toISOString(), endReason: 'idle' });
        return idle.length;
      });
    const [x, y] = await Promise.all([sweep(a), sweep(b)]);
    expect(x + y).toBe(20);
    expect((await a.pageSessions({ state: 'ended', clients: ['web'] })).total).toBe(20);
  });

  it('lets two senders claim disjoint due messages (FOR UPDATE SKIP LOCKED)', async () => {
    const [a, b] = await pair();
    const at = '2026-01-01T00:00:00.000Z';
    await a.transaction((tx) => {
      for (let i = 0; i < 10; i++) tx.enqueueMail(outbox(`m${i}`, at));
    });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let claimedA: string[] = [];
    const first = a.transaction(async (tx) => {
      claimedA = (await tx.dueOutbox('2027-01-01T00:00:00.000Z', 4)).map((m) => m.id);
      await held;
    });
    await eventually(() => claimedA.length === 4);
    const claimedB = await b.transaction(async (tx) =>
      (await tx.dueOutbox('2027-01-01T00:00:00.000Z', 10)).map((m) => m.id),
    );
    release();
    await first;
    expect(claimedB).toHaveLength(6);
    expect(claimedB.filter((id) => claimedA.includes(id))).toEqual([]);
    expect(await a.nextOutboxAttempt()).toBe(at);
  });

  it('pages sessions by keyset in the domain order, for every column and both directions', async () => {
    const [a] = await pair();
    const rows: Session[] = [];
    const clients = ['web', 'tui', 'api'] as const;
    for (let i = 0; i < 60; i++) {
      rows.push(
        session(`id-${String((i * 37) % 60).padStart(2, '0')}`, `u${i % 7}`, {
          client: clients[i % 3],
          address: i % 5 ? `10.0.0.${i % 4}` : '',
          userAgent: i % 4 ? `Agent/${i % 6}` : 'agent/0',
          startedAt: new Date(Date.UTC(2026, 0, 1, 0, i % 20)).toISOString(),
          lastActivityAt: new Date(Date.UTC(2026, 0, 2, 0, i % 9)).toISOString(),
        }),
      );
    }
    await a.transaction((tx) => rows.forEach((r) => tx.putSession(r)));
    for (const sort of ['email', 'client', 'address', 'userAgent', 'startedAt', 'lastActivityAt'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        const expected = pageBySort(rows, { sort, order, limit: 1000 }).items.map((r) => r.id);
        const got: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await a.pageSessions({ sort, order, cursor, limit: 7 });
          expect(page.total).toBe(60);
          got.push(...page.items.map((r) => r.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(got, `${sort} ${order}`).toEqual(expected);
      }
    }
    const filtered = await a.pageSessions({ q: 'U3@', limit: 100 });
    expect(filtered.items.every((s) => s.email === 'u3@example.com')).toBe(true);
    expect(filtered.total).toBe(rows.filter((r) => r.email === 'u3@example.com').length);
    expect(filtered.activeCount).toBe(60);
    await expect(a.pageSessions({ sort: 'email', cursor: 'nonsense!' })).rejects.toMatchObject({
      code: 'invalid_cursor',
    });
  });
});
