// Keyset paging through the real server: every list route walks by cursor without skipping or
// repeating a row while rows come and go, and a bad cursor is 400 invalid_cursor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/client/api-client.js';
import { ADMIN, removeDir, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await s.admin.updateLicense({ plan: 'standard', seats: 100 });
  // Equal sort values on purpose: every invited user has the same (empty) name and status.
  for (let i = 0; i < 40; i += 10)
    await Promise.all(
      Array.from({ length: 10 }, (_, j) => s.admin.invite({ email: `p${String(i + j).padStart(2, '0')}@example.com` })),
    );
}, 60_000);
afterAll(async () => {
  await s?.stop();
  if (s) await removeDir(s.dir);
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(400);
    return (e as ApiError).code;
  }
  throw new Error('accepted');
}

describe('keyset paging over HTTP', () => {
  it('users sorted by a column of equal (empty) values: the walk by cursor is stable while users arrive and leave', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let round = 0;
    for (;;) {
      const page = await s.admin.users({ sort: 'firstName', order: 'desc', limit: 7, cursor });
      seen.push(...page.items.map((u) => u.email));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
      // Between pages: a new user (no name, like the rest) and the last one shown deactivated (the
      // administrator has no name either, and ties go by random id: it cannot deactivate itself).
      await s.admin.invite({ email: `late${round++}@example.com` });
      await s.admin.deactivate(page.items.filter((u) => u.email !== ADMIN.email).at(-1)!.id);
    }
    expect(new Set(seen).size).toBe(seen.length); // nothing twice
    for (let i = 0; i < 40; i++) expect(seen).toContain(`p${String(i).padStart(2, '0')}@example.com`); // nothing skipped
  });

  it('a damaged cursor, or one made for another sort, is 400 invalid_cursor on every list', async () => {
    const page = await s.admin.users({ sort: 'email', limit: 5 });
    expect(page.nextCursor).toBeTruthy();
    expect(await code(s.admin.users({ sort: 'lastName', cursor: page.nextCursor! }))).toBe('invalid_cursor');
    expect(await code(s.admin.users({ cursor: 'not-a-cursor!' }))).toBe('invalid_cursor');
    expect(await code(s.admin.sessions({ cursor: 'AAAA' }))).toBe('invalid_cursor');
    expect(await code(s.admin.mails({ cursor: page.nextCursor! }))).toBe('invalid_cursor');
    expect(await code(s.admin.audit({ cursor: page.nextCursor! }))).toBe('invalid_cursor');
    // The same cursor with its own sort goes on from where the page ended.
    const next = await s.admin.users({ sort: 'email', limit: 5, cursor: page.nextCursor! });
    expect(next.items[0].email > page.items[4].email).toBe(true);
  });

  it('profile: and admin: narrow by the start of the profile name, in any case, and page by cursor', async () => {
    await s.admin.invite({ email: 'q-tester@example.com', userProfile: 'Tester' });
    await s.admin.invite({ email: 'q-ua@example.com', adminProfile: 'User Administrator' });
    const emails = async (q: Record<string, string>) =>
      (await s.admin.users({ ...q, limit: 100 })).items.map((u) => u.email);
    expect(await emails({ profile: 'TES' })).toEqual(['q-tester@example.com']);
    expect(await emails({ admin: 'user' })).toEqual(['q-ua@example.com']);
    expect(await emails({ admin: 'site' })).toEqual([ADMIN.email]);
    const none = await s.admin.users({ admin: 'none', limit: 100 });
    expect(none.items.map((u) => u.adminProfile)).toEqual(none.items.map(() => null));
    expect(none.total).toBe(none.items.length);
    expect(none.items.map((u) => u.email)).toContain('q-tester@example.com');
    expect(await emails({ profile: 'test', admin: 'user' })).toEqual([]);
    // A LIKE wildcard in the text is matched literally.
    expect(await emails({ profile: '%' })).toEqual([]);
    // Narrowed lists page by cursor like the others.
    const first = await s.admin.users({ admin: 'none', sort: 'email', limit: 7 });
    const second = await s.admin.users({ admin: 'none', sort: 'email', limit: 7, cursor: first.nextCursor! });
    expect(second.items[0].email > first.items[6].email).toBe(true);
    expect(second.items.every((u) => u.adminProfile === null)).toBe(true);
  });
});
