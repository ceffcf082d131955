import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // One test file per core and one more. Vitest's default is one fewer than the cores (a single
    // worker on a two-core machine), but the suite mostly waits on servers, child processes, fsync
    // and PostgreSQL. On two cores: one worker ~540 s at load 15, two ~300 s; at load 5, two 100 s,
    // three 69 s, four 72 s. (A percentage cannot go past the core count, hence the number.)
    maxWorkers: availableParallelism() + 1,
    globalSetup: ['test/setup/bundle.ts', 'test/setup/postgres.ts'],
  },
});
