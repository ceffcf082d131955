import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { realFileOps } from '../../server/store/embedded/durable-file.js';
import { JOURNAL_FILE, SNAPSHOT_FILE } from '../../server/store/embedded/store.js';
import { userRecord as baseUser } from '../helpers/records.js';
import { ADMIN, removeDir, startTestServer, type TestServer } from '../helpers/server.js';
import { closeStores, openStore } from '../helpers/stores.js';

const dirs: string[] = [];
const tmp = async () => {
  const d = await mkdtemp(join(tmpdir(), 'seatdesk-store-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  await closeStores();
  for (const d of dirs.splice(0)) await removeDir(d);
});

describe('store repository', () => {
  it('journals each change before acknowledging it and replays the journal on open', async () => {
    const dir = await tmp();
    const store = await openStore(dir);
    const user = { ...baseUser('u1', 'a@example.com') };
    await store.transact((tx) => tx.put('users', user));
    const journal = await readFile(join(dir, JOURNAL_FILE), 'utf8');
    expect(journal).toContain('a@example.com');
    // Reopen without a clean close (as after a crash): the journal brings the change back.
    const again = await openStore(dir + '');
    expect(again.findBy('users', 'a@example.com')?.id).toBe('u1');
  });

  it('groups concurrent transactions into few journal writes', async () => {
    const dir = await tmp();
    const store = await openStore(dir);
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        store.transact((tx) => tx.put('users', baseUser(`u${i}`, `u${i}@example.com`))),
      ),
    );
    const lines = (await readFile(join(dir, JOURNAL_FILE), 'utf8')).trim().split('\n');
    expect(lines.length).toBeLessThan(10);
    expect(store.count('users')).toBe(100);
  });

  it('records are frozen: callers cannot change the store behind its back', async () => {
    const store = await openStore(await tmp());
    await store.transact((tx) => tx.put('users', baseUser('u1', 'a@example.com')));
    expect(() => {
      (store.get('users', 'u1') as { email: string }).email = 'evil@example.com';
    }).toThrow();
  });

  it.each([
    ['journal', 1e9],
    ['snapshot', 1e9],
  ])(
    'a failed %s write undoes the change in memory and rejects with storage_unavailable',
    async (_what, compactBytes) => {
      const dir = await tmp();
      let fail = false;
      const enospc = () => Promise.reject(Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
      const store = await openStore(dir, {
        fileOps: {
          writeDurable: (f, t) => (fail ? enospc() : realFileOps.writeDurable(f, t)),
          appendDurable: (fh, t) => (fail ? enospc() : realFileOps.appendDurable(fh, t)),
        },
        compactBytes,
      });
      fail = true;
      // The snapshot case: a forced snapshot takes the same batch (compaction runs in the background
      // and never fails a change; the journal still holds it).
      const snap = _what === 'snapshot' ? store.snapshot() : null;
      const queued = store.transact((tx) => tx.put('users', baseUser('u3', 'c@example.com')));
      await expect(store.transact((tx) => tx.put('users', baseUser('u1', 'a@example.com')))).rejects.toMatchObject({
        code: 'storage_unavailable',
      });
      expect(store.get('users', 'u1')).toBeUndefined();
      expect(store.findBy('users', 'a@example.com')).toBeUndefined();
      await expect(queued).rejects.toMatchObject({ code: 'storage_unavailable' });
      if (snap) await expect(snap).rejects.toMatchObject({ code: 'storage_unavailable' });
      expect(store.get('users', 'u3')).toBeUndefined();
      fail = false;
      await store.transact((tx) => tx.put('users', baseUser('u2', 'b@example.com')));
      const reopened = await openStore(dir);
      expect(reopened.get('users', 'u1')).toBeUndefined();
      expect(reopened.get('users', 'u2')).toBeDefined();
    },
  );

  it('refuses a corrupt snapshot, naming the file, and leaves it untouched', async () => {
    const dir = await tmp();
    await (await openStore(dir)).close();
    const file = join(dir, SNAPSHOT_FILE);
    for (const bad of ['{"schemaVersion":1,"seq":', '\u0000\u0000\u0000', '{"schemaVersion":1,"seq":0}']) {
      await writeFile(file, bad);
      await expect(openStore(dir)).rejects.toThrow(file);
      expect(await readFile(file, 'utf8')).toBe(bad);
    }
  });

  it('ignores a torn last journal line and cleans leftover temp files', async () => {
    const dir = await tmp();
    const store = await openStore(dir);
    await store.transact((tx) => tx.put('users', baseUser('u1', 'a@example.com')));
    await writeFile(
      join(dir, JOURNAL_FILE),
      (await readFile(join(dir, JOURNAL_FILE), 'utf8')) + '{"seq":99,"ops":[{"c":"us',
    );
    await writeFile(join(dir, `.${SNAPSHOT_FILE}.tmp-123`), 'partial');
    const again = await openStore(dir);
    expect(again.get('users', 'u1')).toBeDefined();
    expect((await readdir(dir)).some((n) => n.includes('.tmp-'))).toBe(false);
  });
});

describe('server persistence', () => {
  let s: TestServer | undefined;
  afterEach(async () => {
    await s?.stop();
    if (s) await removeDir(s.dir);
    s = undefined;
  });

  it('everything is there after a restart on the same data dir', async () => {
    s = await startTestServer();
    await s.admin.updateLicense({ seats: 10 });
    const inv = await s.admin.invite({ email: 'keep@example.com', userProfile: 'Viewer' });
    await s.admin.updateSettings({ idleTimeoutMinutes: 30 });
    await s.admin.latestMail({ to: 'keep@example.com', wait: 10 }); // the invitation is sent in the background
    const mailCount = (await s.admin.mails()).total;
    s = await s.restart();
    expect((await s.admin.user(inv.user.id)).user).toMatchObject({
      email: 'keep@example.com',
      userProfile: 'Viewer',
      status: 'pending',
    });
    expect((await s.admin.license()).seats).toBe(10);
    expect((await s.admin.settings()).idleTimeoutMinutes).toBe(30);
    expect((await s.admin.mails()).total).toBe(mailCount);
    // The activation link issued before the restart still works.
    await s
      .client()
      .activate({ token: inv.activationLink!.split('/').pop()!, password: 'a-good-password-9', firstName: 'K' });
  });

  it('a second server on the same data dir is refused', async () => {
    s = await startTestServer();
    await expect(startTestServer({ dir: s.dir })).rejects.toThrow(/Another Seatdesk server|already runs/);
  });

  it('seeds the admin once from the environment and keeps it', async () => {
    s = await startTestServer();
    const first = (await s.admin.me()).user.id;
    s = await s.restart();
    expect((await s.admin.me()).user.id).toBe(first);
    expect((await s.admin.users({ q: ADMIN.email })).total).toBe(1);
  });
});

describe('compaction', () => {
  it('snapshots in the background while new changes go to a fresh journal; nothing is lost', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seatdesk-compact-'));
    try {
      const store = await openStore(dir, { compactBytes: 20_000 });
      for (let round = 0; round < 20; round++)
        await Promise.all(
          Array.from({ length: 25 }, (_, i) =>
            store.transact((tx) =>
              tx.put('users', baseUser(`u${round}-${i}`, `u${round}-${i}@example.com`, { firstName: 'n'.repeat(100) })),
            ),
          ),
        );
      const snapshotUsers = JSON.parse(await readFile(join(dir, SNAPSHOT_FILE), 'utf8')).users.length;
      expect(snapshotUsers).toBeGreaterThan(25); // compaction happened along the way
      expect((await stat(join(dir, JOURNAL_FILE))).size).toBeLessThan(200_000);
      // Without a clean close, but once the background snapshot is done: two live stores on one
      // data dir (which the server's lock forbids) would read each other's half-written state.
      await store.settled();
      const again = await openStore(dir);
      expect(again.count('users')).toBe(500);
    } finally {
      await closeStores();
      await removeDir(dir);
    }
  });
});

describe('patches', () => {
  it('journals only the changed fields and replays them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seatdesk-patch-'));
    try {
      const store = await openStore(dir);
      await store.transact((tx) => tx.put('users', baseUser('u1', 'p@example.com', { firstName: 'x'.repeat(500) })));
      const before = (await readFile(join(dir, JOURNAL_FILE), 'utf8')).length;
      await store.transact((tx) => tx.patch('users', 'u1', { lastName: 'Patched' }));
      const line = (await readFile(join(dir, JOURNAL_FILE), 'utf8')).slice(before);
      expect(line.length).toBeLessThan(120);
      const again = await openStore(dir);
      expect(again.get('users', 'u1')).toMatchObject({
        lastName: 'Patched',
        firstName: 'x'.repeat(500),
        email: 'p@example.com',
      });
    } finally {
      await closeStores();
      await removeDir(dir);
    }
  });
});
