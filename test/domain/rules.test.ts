import { describe, expect, it } from 'vitest';
import { needsRehash, hashPassword, verifyPassword, weakPasswordReason } from '../../src/domain/passwords.js';
import { sortAndPage } from '../../src/domain/query.js';
import { assertSeatFree, assertSeatsCover, countHeld, licenseView } from '../../src/domain/seats.js';
import { isIdle, pickOldest, terminationMessage } from '../../src/domain/sessions.js';
import { hashSecret, newSecret, sameHash } from '../../src/domain/tokens.js';

describe('query', () => {
  it('the bounded selection for early pages gives exactly what a full sort gives', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      id: `r${String(i).padStart(5, '0')}`,
      name: ['ann', 'Bob', 'cid', null][Math.floor(rnd() * 4)],
      n: Math.floor(rnd() * 50),
    }));
    for (const [sort, order, offset, limit] of [
      ['name', 'asc', 0, 100],
      ['n', 'desc', 200, 50],
      ['name', 'desc', 0, 10],
      ['n', 'asc', 4990, 100],
    ] as const) {
      const page = sortAndPage(rows, { sort, order, offset, limit }, ['name', 'n'], 'name');
      const dir = order === 'desc' ? -1 : 1;
      const key = (r: (typeof rows)[number]) => (sort === 'name' ? (r.name?.toLowerCase() ?? null) : r.n);
      const full = [...rows].sort((a, b) => {
        const x = key(a);
        const y = key(b);
        const c = x === y ? 0 : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1;
        return (x === null || y === null ? c : dir * c) || (a.id < b.id ? -1 : 1);
      });
      expect(
        page.items.map((r) => r.id),
        `${sort} ${order} ${offset}`,
      ).toEqual(full.slice(offset, offset + limit).map((r) => r.id));
      expect(page.total).toBe(5000);
    }
  });
});

describe('seats', () => {
  it('pending and active hold seats; available never negative; clear refusals', () => {
    const users = [{ status: 'active' as const }, { status: 'pending' as const }, { status: 'inactive' as const }];
    expect(countHeld(users)).toBe(2);
    expect(licenseView({ plan: 'trial', seats: 1, expiresAt: null }, 2)).toMatchObject({ available: 0 });
    expect(() => assertSeatFree({ plan: 'trial', seats: 2, expiresAt: null }, 2, 'invite a user')).toThrow(
      /all 2 seats/,
    );
    expect(() =>
      assertSeatFree({ plan: 'trial', seats: 9, expiresAt: '2020-01-01T00:00:00.000Z' }, 2, 'invite a user'),
    ).toThrow(/expired/);
    expect(() => assertSeatsCover(1, 2)).toThrow(/Deactivate 1 user/);
  });
});

describe('sessions', () => {
  it('idle only when a timeout is set and passed; the oldest by activity; messages per reason', () => {
    const at = '2026-01-01T00:00:00.000Z';
    expect(isIdle(Date.parse(at), null, Date.parse(at) + 1e9)).toBe(false);
    expect(isIdle(Date.parse(at), 5, Date.parse(at) + 5 * 60_000 - 1)).toBe(false);
    expect(isIdle(Date.parse(at), 5, Date.parse(at) + 5 * 60_000)).toBe(true);
    expect(pickOldest([{ lastActivityAt: '2026-01-02' }, { lastActivityAt: '2026-01-01' }])).toEqual({
      lastActivityAt: '2026-01-01',
    });
    expect(terminationMessage('admin')).toBe('Your session was terminated by the site administrator.');
  });
});

describe('secrets', () => {
  it('tokens carry 256 random bits and compare by hash in constant time', () => {
    const a = newSecret('sds');
    expect(a).toMatch(/^sds_[A-Za-z0-9_-]{43}$/);
    expect(newSecret('sds')).not.toBe(a);
    expect(sameHash(hashSecret(a), hashSecret(a))).toBe(true);
    expect(sameHash(hashSecret(a), hashSecret(a + 'x'))).toBe(false);
    expect(sameHash('ab', 'abc')).toBe(false);
  });

  it('passwords: scrypt with the parameters in the hash, rehash when they change, weak ones named', async () => {
    const low = { N: 1024, r: 8, p: 1 };
    const h = await hashPassword('a perfectly fine one', low);
    expect(h).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('a perfectly fine one', h)).toBe(true);
    expect(await verifyPassword('a perfectly fine two', h)).toBe(false);
    expect(needsRehash(h, low)).toBe(false);
    expect(needsRehash(h, { N: 2048, r: 8, p: 1 })).toBe(true);
    expect(weakPasswordReason('Password1234')).toMatch(/common/);
    expect(weakPasswordReason('zzzzzzzzzzzzzz')).toMatch(/repeated/);
    expect(weakPasswordReason('me@example.com', 'me@example.com')).toMatch(/email/);
    expect(weakPasswordReason('tangerine-kettle-57')).toBeNull();
  });
});
