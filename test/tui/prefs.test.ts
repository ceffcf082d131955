// The remembered sort and filter choices: a burst of changes is one write, and nothing is lost on exit.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { filePrefs } from '../../tui/prefs.js';
import { eventually } from '../helpers/server.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

it('writes a burst of changes once, after a pause, and at once on flush', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'seatdesk-prefs-'));
  dirs.push(dir);
  const path = join(dir, 'sub', 'console.json');
  const prefs = filePrefs(path);
  for (const filter of ['u', 'us', 'use', 'user']) prefs.save({ users: { filter } });
  expect(existsSync(path)).toBe(false); // typing is not a write per key
  expect(prefs.load()).toEqual({ users: { filter: 'user' } }); // what is pending is what is read
  await eventually(() => existsSync(path));
  expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ users: { filter: 'user' } });

  prefs.save({ users: { filter: 'done', sort: 'email' } });
  prefs.flush();
  expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ users: { filter: 'done', sort: 'email' } });
  expect(filePrefs(path).load()).toEqual({ users: { filter: 'done', sort: 'email' } });
});
