// Benchmarks for seat reclamation at a 10,000-user site: a 10,000-row bulk-invite preview, and a
// bulk deactivation of 1,000 users with every item's result.
import { bigSite, startBenchServer } from './lib.js';

export interface ReclaimRow {
  bench: string;
  figure: string;
  value: number;
  unit: string;
  budget: string;
  pass: boolean;
}

export const RECLAIM_BENCHES: Record<string, (add: (r: ReclaimRow) => void) => Promise<void>> = {
  async reclaim(add) {
    const s = await startBenchServer(await bigSite());
    try {
      // 10,000 rows: new addresses, some bad ones, some already users, some repeated.
      const rows = Array.from({ length: 10_000 }, (_, i) =>
        i % 97 === 0
          ? `not-an-address-${i}`
          : i % 89 === 0
            ? `user${i}@example.com`
            : i % 83 === 0
              ? 'repeat@example.com'
              : `import-${i}@example.com,First${i},Last${i},Tester`,
      );
      const csv = ['email,first name,last name,user profile', ...rows].join('\n');
      const times: number[] = [];
      let shown = 0;
      for (let round = 0; round < 3; round++) {
        const t = performance.now();
        const r = await s.admin.importUsers({ csv, dryRun: true });
        times.push(performance.now() - t);
        shown = r.preview.valid.length + r.preview.invalid.length + r.preview.duplicates.length;
      }
      if (shown !== 10_000) throw new Error(`the preview accounted for ${shown} of 10000 rows`);
      const worst = Math.max(...times);
      add({
        bench: 'reclaim',
        figure: 'bulk-invite preview of 10,000 CSV rows at 10k users (worst of 3)',
        value: worst,
        unit: 'ms',
        budget: '< 2000 ms',
        pass: worst < 2000,
      });

      // 1,000 active users deactivated in one bulk request, each its own transaction.
      const ids: string[] = [];
      for (let cursor: string | undefined; ids.length < 1000;) {
        const page = await s.admin.users({ status: 'active', limit: 1000, cursor });
        for (const u of page.items) if (!u.adminProfile && ids.length < 1000) ids.push(u.id);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      const t = performance.now();
      const r = await s.admin.bulkUsers('deactivate', ids);
      const total = performance.now() - t;
      const ok = r.results.filter((x) => x.ok).length;
      if (r.results.length !== ids.length) throw new Error(`${r.results.length} results for ${ids.length} ids`);
      add({
        bench: 'reclaim',
        figure: `bulk deactivate of ${ids.length} users at 10k users (${ok} ok, all reported)`,
        value: total,
        unit: 'ms',
        budget: '< 5000 ms',
        pass: total < 5000 && ok === ids.length,
      });
    } finally {
      await s.stop();
    }
  },
};
