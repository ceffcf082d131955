// The installed command runs a bundle (bin/bundle.js). What the console loads at start is what
// decides how soon its first frame appears, so the console's part of it is kept lean: no zod, no
// CSV parser, no server, no React development build.
import { readFileSync, statSync, utimesSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript, no declarations
import { bundled } from '../../bin/bundle.js';

/** Every file a bundle file imports statically, itself included. */
function staticGraph(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    const text = readFileSync(file, 'utf8');
    files.set(file, text);
    for (const m of text.matchAll(/^import\s(?:[^'"]*\sfrom\s)?["'](\.\/[^'"]+)["']/gm))
      visit(join(dirname(file), m[1]));
  };
  visit(entry);
  return files;
}

it('builds, and the console loads none of the server, zod, the CSV parser or React development builds', async () => {
  const entry = (await bundled()) as string | null;
  expect(entry).toMatch(/dist\/seatdesk\.mjs$/);
  // The console is loaded by a dynamic import from the entry: find its chunk.
  const entryText = readFileSync(entry!, 'utf8');
  const chunks = [...entryText.matchAll(/import\(["'](\.\/[^'"]+)["']\)/g)].map((m) => join(dirname(entry!), m[1]));
  const consoleChunk = chunks.find((c) => readFileSync(c, 'utf8').includes('function runConsole('));
  expect(consoleChunk).toBeDefined();
  const loaded = [...staticGraph(consoleChunk!).values()].join('\n');
  const modules = [...loaded.matchAll(/^\/\/ (\S+)$/gm)].map((m) => m[1]);
  expect(modules.some((m) => m.startsWith('tui/'))).toBe(true);
  expect(modules.some((m) => m.startsWith('node_modules/ink/'))).toBe(true);
  expect(
    modules.filter((m) => /node_modules\/(zod|csv-parse|hono|pg|nodemailer|mailparser|smtp-server)\//.test(m)),
  ).toEqual([]);
  expect(modules.filter((m) => m.startsWith('server/'))).toEqual([]);
  expect(modules.filter((m) => m.includes('.development.'))).toEqual([]);
});

it('is built again when a file it was built from changes, and only then', async () => {
  const stamp = () => readFileSync(resolve('dist/build.json'), 'utf8');
  await bundled();
  const first = stamp();
  await bundled();
  expect(stamp()).toBe(first); // nothing changed: not built again
  const source = resolve('tui/render-cache/slice-ansi.ts');
  const st = statSync(source);
  utimesSync(source, st.atime, new Date(st.mtimeMs + 1000));
  await bundled();
  const second = stamp();
  expect(second).not.toBe(first);
  expect(JSON.parse(second).inputs['tui/render-cache/slice-ansi.ts'][1]).toBe(statSync(source).mtimeMs);
});
