// seatdesk migrate: an embedded store copied into PostgreSQL, checked by counts and by a server
// on the database showing the same site (sign-in, users, seats, captured mail with its source).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dropDatabase } from '../../server/store/pg/local-postgres.js';
import { migrateDataDir } from '../../server/store/pg/migrate-data-dir.js';
import { newTestDatabase } from '../helpers/postgres.js';
import { activeUser, EMBEDDED, removeDir, startTestServer } from '../helpers/server.js';

const dirs: string[] = [];
const dbs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeDir(d);
  for (const u of dbs.splice(0)) await dropDatabase(u).catch(() => {});
});

describe('seatdesk migrate --from-data-dir', () => {
  it('copies every record and mail source, with equal counts, into a database a server then serves', async () => {
    const s = await startTestServer({ config: EMBEDDED });
    dirs.push(s.dir);
    await s.admin.updateLicense({ seats: 7 });
    const ann = await activeUser(s, 'ann@example.com');
    await s.admin.invite({ email: 'ben@example.com' });
    const { mail } = await s.admin.latestMail({ to: 'ben@example.com', wait: 10 });
    await s.admin.createToken('ci');
    await s.stop();

    const url = await newTestDatabase();
    dbs.push(url);
    const { source, target } = await migrateDataDir(s.dir, url);
    expect(target).toEqual(source);
    expect(source.users).toBe(3);
    expect(source.mailSources).toBeGreaterThanOrEqual(2);
    expect(source.seatHistory).toBe(4); // setup, the seats raised to 7, two invitations
    // A second copy into the same database is refused rather than mixed in.
    await expect(migrateDataDir(s.dir, url)).rejects.toThrow(/already holds 3 users/);

    const dir = await mkdtemp(join(tmpdir(), 'seatdesk-migrated-'));
    dirs.push(dir);
    const p = await startTestServer({ dir, config: { databaseUrl: url } });
    try {
      expect(await p.admin.license()).toMatchObject({ seats: 7, held: 3, available: 4 });
      expect((await p.admin.users({ q: 'ann@' })).items.map((u) => u.id)).toEqual([ann.id]);
      expect(await p.admin.rawMail(mail.id)).toContain('/activate/');
      // Seats are held in the database now: four more invitations fit, the fifth does not.
      for (let i = 0; i < 4; i++) await p.admin.invite({ email: `more${i}@example.com` });
      await expect(p.admin.invite({ email: 'one-too-many@example.com' })).rejects.toMatchObject({
        code: 'no_available_licenses',
      });
    } finally {
      await p.stop();
    }
  });
});
