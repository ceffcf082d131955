// The repository's reads and writes for seat reclamation, the same on every engine: the dormant
// and stale-invitation filters agree with the domain's rules, activity per user, seat history.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS, isDormant, isStaleInvitation } from '../../src/domain/reclaim.js';
import type { ActionToken, Session } from '../../src/domain/schemas.js';
import type { SeatHistoryEntry } from '../../src/domain/seat-history.js';
import { EmbeddedRepository } from '../../server/store/embedded/embedded.repository.js';
import { dropDatabase } from '../../server/store/pg/local-postgres.js';
import { PgRepository } from '../../server/store/pg/pg.repository.js';
import type { Repository } from '../../server/store/repository.js';
import { newTestDatabase } from '../helpers/postgres.js';
import { userRecord } from '../helpers/records.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0)) await f().catch(() => {});
});

const NOW = new Date('2026-06-30T12:00:00.000Z');
const ago = (d: number) => new Date(NOW.getTime() - d * DAY_MS).toISOString();

const ENGINES: Record<string, () => Promise<Repository>> = {
  async embedded() {
    const dir = await mkdtemp(join(tmpdir(), 'seatdesk-reclaim-'));
    const repo = await EmbeddedRepository.open(dir, { sessionHistory: 100, now: () => NOW });
    cleanups.push(
      () => repo.close(),
      () => rm(dir, { recursive: true, force: true }),
    );
    return repo;
  },
  async postgres() {
    const url = await newTestDatabase();
    const repo = await PgRepository.open({ url, sessionHistory: 100, now: () => NOW });
    cleanups.push(
      () => repo.close(),
      () => dropDatabase(url),
    );
    return repo;
  },
};

const session = (id: string, userId: string, lastActivityAt: string, ended = false): Session => ({
  id,
  userId,
  email: `${userId}@example.com`,
  client: 'web',
  clientId: null,
  apiTokenId: null,
  tokenHash: `hash-${id}`,
  address: '127.0.0.1',
  userAgent: 'test',
  startedAt: lastActivityAt,
  lastActivityAt,
  endedAt: ended ? lastActivityAt : null,
  endReason: ended ? 'logout' : null,
  endedBy: null,
});
const link = (id: string, userId: string, createdAt: string, usedAt: string | null = null): ActionToken => ({
  id,
  kind: 'activation',
  userId,
  tokenHash: `h-${id}`,
  createdAt,
  expiresAt: '2099-01-01T00:00:00.000Z',
  usedAt,
});

for (const [engine, open] of Object.entries(ENGINES)) {
  describe(`seat reclamation reads (${engine})`, () => {
    it('dormantBefore and invitedBefore pick exactly the users the domain rules pick, and compose with q and status', async () => {
      const repo = await open();
      const active = { status: 'active' as const, createdAt: ago(400), activatedAt: ago(399) };
      const users = [
        userRecord('d1', 'old@example.com', { ...active, lastLoginAt: ago(200) }),
        userRecord('d2', 'never@example.com', active),
        userRecord('a1', 'busy@example.com', { ...active, lastLoginAt: ago(200) }), // a live session used yesterday
        userRecord('a2', 'ended@example.com', { ...active, lastLoginAt: ago(200) }), // an ended session used last week
        userRecord('a3', 'fresh@example.com', { ...active, activatedAt: ago(3), lastLoginAt: null }),
        userRecord('p1', 'stale@example.com', { status: 'pending', createdAt: ago(30) }),
        userRecord('p2', 'resent@example.com', { status: 'pending', createdAt: ago(30) }), // a new link 2 days ago
        userRecord('p3', 'new@example.com', { status: 'pending', createdAt: ago(2) }),
        userRecord('i1', 'gone@example.com', { status: 'inactive', createdAt: ago(500), lastLoginAt: ago(450) }),
      ];
      const sessions = [
        session('s1', 'a1', ago(1)),
        session('s2', 'a2', ago(7), true),
        session('s3', 'd1', ago(150), true),
      ];
      const links = [
        link('l1', 'p1', ago(30)),
        link('l2', 'p2', ago(30)),
        link('l3', 'p2', ago(2)),
        link('l4', 'p3', ago(2)),
      ];
      await repo.transaction((tx) => tx.setLicense({ plan: 'standard', seats: 100, expiresAt: null }));
      await repo.transaction((tx) => {
        for (const u of users) tx.putUser(u);
        for (const s of sessions) tx.putSession(s);
        for (const l of links) tx.putActionToken(l);
      });

      const activity = await repo.activityOf(users.map((u) => u.id).concat('nobody'));
      expect(activity.get('a1')).toEqual({ lastSessionActivity: ago(1), lastInvitedAt: null, linkUsed: false });
      expect(activity.get('p2')).toEqual({ lastSessionActivity: null, lastInvitedAt: ago(2), linkUsed: false });
      expect(activity.has('nobody')).toBe(false);

      const ids = async (q: Parameters<Repository['pageUsers']>[0]) =>
        (await repo.pageUsers({ limit: 1000, ...q })).items.map((u) => u.id).sort();
      const cut90 = new Date(NOW.getTime() - 90 * DAY_MS).toISOString();
      const cut14 = new Date(NOW.getTime() - 14 * DAY_MS).toISOString();
      const byRule = (rule: (u: (typeof users)[number]) => boolean) =>
        users
          .filter(rule)
          .map((u) => u.id)
          .sort();
      expect(await ids({ dormantBefore: cut90 })).toEqual(
        byRule((u) => isDormant(u, activity.get(u.id)?.lastSessionActivity, 90, NOW)),
      );
      expect(await ids({ dormantBefore: cut90 })).toEqual(['d1', 'd2']);
      expect(await ids({ dormantBefore: new Date(NOW.getTime() - 5 * DAY_MS).toISOString() })).toEqual([
        'a2',
        'd1',
        'd2',
      ]);
      expect(await ids({ invitedBefore: cut14 })).toEqual(
        byRule((u) => isStaleInvitation(u, activity.get(u.id)?.lastInvitedAt, !!activity.get(u.id)?.linkUsed, 14, NOW)),
      );
      expect(await ids({ invitedBefore: cut14 })).toEqual(['p1']);
      expect(await ids({ dormantBefore: cut90, q: 'never' })).toEqual(['d2']);
      expect(await ids({ dormantBefore: cut90, status: 'pending' })).toEqual([]);
      const page = await repo.pageUsers({ dormantBefore: cut90, limit: 1 });
      expect(page.total).toBe(2);
      expect(page.nextCursor).not.toBeNull();
    });

    it('keeps seat history, newest first, paged and from a time on', async () => {
      const repo = await open();
      const entry = (i: number): SeatHistoryEntry => ({
        id: `h${i}`,
        at: ago(10 - i),
        actorId: null,
        actorEmail: null,
        action: 'user.invite',
        targetId: `u${i}`,
        targetEmail: `u${i}@example.com`,
        reason: null,
        held: i,
        seats: 5,
      });
      for (let i = 1; i <= 5; i++) await repo.transaction((tx) => tx.appendSeatHistory(entry(i)));
      const first = await repo.pageSeatHistory({ limit: 2 });
      expect(first.items.map((e) => e.held)).toEqual([5, 4]);
      expect(first.total).toBe(5);
      const next = await repo.pageSeatHistory({ limit: 2, cursor: first.nextCursor! });
      expect(next.items.map((e) => e.held)).toEqual([3, 2]);
      expect((await repo.pageSeatHistory({ since: ago(7) })).items.map((e) => e.held)).toEqual([5, 4, 3]);
      await expect(
        repo.transaction(async (tx) => (tx.appendSeatHistory(entry(6)), await tx.pageSeatHistory({ limit: 1 }))),
      ).resolves.toMatchObject({ items: [{ held: 6 }] });
    });
  });
}
