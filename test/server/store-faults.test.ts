import { mkdtemp, readFile, readdir, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { durableFileOps, realDisk } from '../../server/store/embedded/durable-file.js';
import { JOURNAL_FILE, SNAPSHOT_FILE, type Store } from '../../server/store/embedded/store.js';
import { ApiClient } from '../../src/client/api-client.js';
import { SCHEMA_VERSION } from '../../src/domain/schemas.js';
import { spawnChildServer } from '../helpers/child-server.js';
import { fullDisk } from '../helpers/full-disk.js';
import { userRecord } from '../helpers/records.js';
import { ADMIN, EMBEDDED, removeDir, startTestServer } from '../helpers/server.js';
import { closeStores, openStore } from '../helpers/stores.js';

const dirs: string[] = [];
const tmp = async () => {
  const d = await mkdtemp(join(tmpdir(), 'seatdesk-faults-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  await closeStores();
  for (const d of dirs.splice(0)) await removeDir(d);
});

const put = (store: Store, id: string) =>
  store.transact((tx) => tx.put('users', userRecord(id, `${id}@example.com`, { firstName: 'n'.repeat(80) })));

/** Every line of the journal is a whole JSON entry ending in a newline; no NUL bytes anywhere. */
async function expectCleanJournal(dir: string) {
  const text = await readFile(join(dir, JOURNAL_FILE), 'utf8');
  expect(text).not.toContain('\u0000');
  if (text) expect(text.endsWith('\n')).toBe(true);
  for (const line of text.split('\n').slice(0, -1)) expect(() => JSON.parse(line)).not.toThrow();
}

/** The bytes of every file in the dir, to show that a refused start changed nothing. */
async function filesOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) out[name] = (await readFile(join(dir, name))).toString('base64');
  return out;
}

describe('full disk', () => {
  it('a write that stores only part of a journal line fails its batch and leaves no torn line', async () => {
    const dir = await tmp();
    const disk = fullDisk();
    const store = await openStore(dir, { fileOps: disk.fileOps });
    await put(store, 'u1');
    for (const room of [0, 1, 37, 150]) {
      disk.fill(room);
      await expect(put(store, `lost${room}`)).rejects.toMatchObject({ code: 'storage_unavailable' });
      expect(store.get('users', `lost${room}`)).toBeUndefined();
      await expectCleanJournal(dir);
    }
    expect(disk.refused).toBeGreaterThan(0);
    disk.free();
    await put(store, 'u2');
    await expectCleanJournal(dir);
    // As after a crash: no clean close.
    const again = await openStore(dir);
    expect(again.get('users', 'u1')).toBeDefined();
    expect(again.get('users', 'u2')).toBeDefined();
    for (const room of [0, 1, 37, 150]) expect(again.get('users', `lost${room}`)).toBeUndefined();
  });

  it('short writes on a disk with room are continued, not lost', async () => {
    const dir = await tmp();
    const disk = fullDisk();
    const store = await openStore(dir, { fileOps: disk.fileOps });
    disk.shortWrites(7);
    await Promise.all(['a', 'b', 'c'].map((id) => put(store, id)));
    await store.snapshot(); // the snapshot goes through the same short writes
    await put(store, 'd');
    await expectCleanJournal(dir);
    const again = await openStore(dir);
    expect(['a', 'b', 'c', 'd'].map((id) => again.get('users', id)?.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a partial line that cannot be cut off at once is cut off before the next append', async () => {
    const dir = await tmp();
    let room = Infinity;
    let truncateFails = false;
    const store = await openStore(dir, {
      fileOps: durableFileOps({
        ...realDisk,
        write: async (fh, buf, off, len) => {
          if (room <= 0) throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
          const n = await realDisk.write(fh, buf, off, Math.min(len, room));
          room -= n;
          return n;
        },
        truncate: (fh, size) =>
          truncateFails
            ? Promise.reject(Object.assign(new Error('I/O error'), { code: 'EIO' }))
            : realDisk.truncate(fh, size),
      }),
    });
    await put(store, 'u1');
    room = 20;
    truncateFails = true;
    await expect(put(store, 'lost')).rejects.toMatchObject({ code: 'storage_unavailable' });
    room = Infinity;
    await expect(put(store, 'lost2')).rejects.toMatchObject({ code: 'storage_unavailable' }); // still cannot repair
    truncateFails = false;
    await put(store, 'u2');
    await expectCleanJournal(dir);
    const again = await openStore(dir);
    expect([
      again.get('users', 'u1')?.id,
      again.get('users', 'u2')?.id,
      again.get('users', 'lost'),
      again.get('users', 'lost2'),
    ]).toEqual(['u1', 'u2', undefined, undefined]);
  });

  it('a server on a full disk, killed after space returns, starts with every acknowledged write', async () => {
    const dir = await tmp();
    const child = await spawnChildServer(dir);
    try {
      const admin = new ApiClient(child.url);
      admin.token = (await admin.login({ ...ADMIN, client: 'tui' })).token;
      await admin.updateLicense({ seats: 1000 });
      const acked: string[] = [];
      const refused: string[] = [];
      let n = 0;
      const burst = (count: number) =>
        Promise.all(
          Array.from({ length: count }, async () => {
            const email = `full${n++}@example.com`;
            try {
              await admin.invite({ email });
              acked.push(email);
            } catch (e) {
              expect(e).toMatchObject({ status: 503, code: 'storage_unavailable' });
              refused.push(email);
            }
          }),
        );
      await burst(10);
      // The disk fills at various points inside a line, with requests in flight, several times.
      for (const room of [0, 3, 200, 700, 1500]) {
        await child.command(`fill ${room}`);
        await burst(8);
        await child.command('free');
        await burst(3);
      }
      expect(refused.length).toBeGreaterThan(0);
      await child.kill();
      const s = await startTestServer({ dir, config: EMBEDDED });
      try {
        const emails = new Set((await s.admin.users({ limit: 1000 })).items.map((u) => u.email));
        for (const e of acked) expect(emails.has(e), `acknowledged ${e} lost`).toBe(true);
        for (const e of refused) expect(emails.has(e), `refused ${e} is there`).toBe(false);
        expect((await s.admin.license()).seats).toBe(1000);
      } finally {
        await s.stop();
      }
    } finally {
      await child.kill();
    }
  }, 60_000);
});

describe('bad store files refuse start-up, naming the file, and are never changed', () => {
  it.each(['null', '[]', '{}', '0', '""', '{"schemaVersion":1,"seq":0,"users":"nobody"}'])(
    'a snapshot holding %s',
    async (bad) => {
      const dir = await tmp();
      const file = join(dir, SNAPSHOT_FILE);
      await writeFile(file, bad);
      const before = await filesOf(dir);
      await expect(openStore(dir)).rejects.toThrow(file);
      expect(await filesOf(dir)).toEqual(before);
      await expect(startTestServer({ dir, config: EMBEDDED })).rejects.toThrow(file);
      expect(await readFile(file, 'utf8')).toBe(bad);
    },
  );

  it('a missing snapshot is a new store', async () => {
    const dir = await tmp();
    const store = await openStore(dir);
    expect(store.count('users')).toBe(0);
    expect(JSON.parse(await readFile(join(dir, SNAPSHOT_FILE), 'utf8')).schemaVersion).toBe(SCHEMA_VERSION);
  });

  /** A store with three acknowledged users in its journal (not closed: the journal stays). */
  async function journaled(): Promise<{ dir: string; file: string; seq: number }> {
    const dir = await tmp();
    const store = await openStore(dir);
    for (const id of ['u1', 'u2', 'u3']) await put(store, id);
    const file = join(dir, JOURNAL_FILE);
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(3);
    return { dir, file, seq: JSON.parse(lines[2]).seq };
  }

  it.each([
    ['a number', () => '42', /line 4: .*not a journal entry/],
    ['an entry without ops', (seq: number) => JSON.stringify({ seq: seq + 1 }), /line 4: .*ops/],
    ['a seq that jumps ahead', (seq: number) => JSON.stringify({ seq: seq + 50, ops: [] }), /line 4: .*seq/],
    ['a seq that repeats', (seq: number) => JSON.stringify({ seq, ops: [] }), /line 4: .*seq/],
    [
      'an unknown collection',
      (seq: number) => JSON.stringify({ seq: seq + 1, ops: [{ c: 'nope', put: { id: 'x' } }] }),
      /line 4: /,
    ],
    [
      'an invalid user',
      (seq: number) => JSON.stringify({ seq: seq + 1, ops: [{ c: 'users', put: { id: 'x', email: 7 } }] }),
      /line 4: .*users.*email/,
    ],
    [
      'a patch of a wrong type',
      (seq: number) => JSON.stringify({ seq: seq + 1, ops: [{ c: 'users', patch: { id: 'u1', status: 'sleeping' } }] }),
      /line 4: .*status/,
    ],
    [
      'invalid settings',
      (seq: number) => JSON.stringify({ seq: seq + 1, ops: [{ s: 'settings', set: { maxSessionsPerUser: -1 } }] }),
      /line 4: .*settings/,
    ],
  ])('a journal line holding %s', async (_what, line, message) => {
    const { dir, file, seq } = await journaled();
    // The bad line is followed by a good one, as when later changes were acknowledged after it.
    await appendFile(file, `${line(seq)}\n${JSON.stringify({ seq: seq + 1, ops: [] })}\n`);
    const before = await filesOf(dir);
    const err = (await openStore(dir).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(message);
    expect(err.message).not.toMatch(/iterable/);
    expect(await filesOf(dir)).toEqual(before);
  });

  it('entries already in the snapshot are skipped; the torn last line is still dropped', async () => {
    const { dir, file, seq } = await journaled();
    await appendFile(
      file,
      `${JSON.stringify({ seq: seq + 1, ops: [{ c: 'users', patch: { id: 'u1', lastName: 'Patched' } }] })}\n{"seq":${seq + 2},"ops":[{"c":"us`,
    );
    const store = await openStore(dir);
    expect(store.get('users', 'u1')).toMatchObject({ lastName: 'Patched' });
    expect(store.count('users')).toBe(3);
  });
});
