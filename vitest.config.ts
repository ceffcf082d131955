import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // One test file per core. Vitest's default is one fewer (a single worker on a two-core
    // machine), but the suite mostly waits on servers, child processes, fsync and PostgreSQL:
    // two workers took it from ~540 s to ~300 s at load 15.
    maxWorkers: '100%',
    globalSetup: ['test/setup/postgres.ts'],
  },
});
