// The outbox's claims, the same on every engine: a sender's claim leases what it takes, and what
// it was told to pass over (tried already in this run) is neither taken nor held back.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedRepository } from '../../server/store/embedded/embedded.repository.js';
import { dropDatabase } from '../../server/store/pg/local-postgres.js';
import { PgRepository } from '../../server/store/pg/pg.repository.js';
import type { Repository } from '../../server/store/repository.js';
import { newTestDatabase } from '../helpers/postgres.js';
import { outboxRecord } from '../helpers/records.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0)) await f().catch(() => {});
});

const ENGINES: Record<string, () => Promise<Repository>> = {
  async embedded() {
    const dir = await mkdtemp(join(tmpdir(), 'seatdesk-claims-'));
    const repo = await EmbeddedRepository.open(dir, { sessionHistory: 100 });
    cleanups.push(
      () => repo.close(),
      () => rm(dir, { recursive: true, force: true }),
    );
    return repo;
  },
  async postgres() {
    const url = await newTestDatabase();
    const repo = await PgRepository.open({ url, sessionHistory: 100 });
    cleanups.push(
      () => repo.close(),
      () => dropDatabase(url),
    );
    return repo;
  },
};

const AT = '2026-01-01T00:00:00.000Z';
const NOW = '2026-01-01T00:01:00.000Z';
const LEASE = '2026-01-01T00:02:00.000Z';

for (const [engine, open] of Object.entries(ENGINES)) {
  describe(`outbox claims (${engine})`, () => {
    it('leases what it takes, and passes over the messages it is told to without leasing them', async () => {
      const repo = await open();
      await repo.transaction((tx) => {
        for (const id of ['m1', 'm2', 'm3']) tx.enqueueMail(outboxRecord(id, AT));
      });
      const first = await repo.claimOutbox(NOW, LEASE, 10, ['m2']);
      expect(first.map((m) => m.id).sort()).toEqual(['m1', 'm3']);
      // m1 and m3 are leased; m2 was passed over, so it is free for the next claim at once.
      expect((await repo.claimOutbox(NOW, LEASE, 10)).map((m) => m.id)).toEqual(['m2']);
      expect(await repo.claimOutbox(NOW, LEASE, 10)).toEqual([]);
    });
  });
}
