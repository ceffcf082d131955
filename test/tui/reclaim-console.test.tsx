// The console's seat reclamation at 80×24 against a real server: the dormant and stale views,
// marking and one bulk confirm, the bulk invite from a file, the seat history chart.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { DAY_MS } from '../../src/domain/reclaim.js';
import { App } from '../../tui/app.js';
import { osc52 } from '../../tui/clipboard.js';
import { textWidth } from '../../tui/format.js';
import { memoryPrefs } from '../../tui/prefs.js';
import { KEY, renderTui } from '../helpers/ink.js';
import { ADMIN, PASSWORD, activeUser, removeDir, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await s.admin.updateLicense({ plan: 'standard', seats: 300 });
  await s.admin.updateSettings({ maxSessionsPerUser: 100 });
});
afterAll(async () => {
  await s.stop();
  await removeDir(s.dir);
});

const mounted: { unmount: () => void }[] = [];
afterEach(() => {
  for (const m of mounted.splice(0)) m.unmount();
});

const SIZE = { columns: 80, rows: 24 };
async function signedIn() {
  const token = (await s.client().login({ ...ADMIN, client: 'tui', clientId: `r-${Math.random()}` })).token;
  const ui = renderTui(
    <App
      client={new ApiClient(s.url, { token })}
      readOnly={false}
      prefs={memoryPrefs()}
      clientId={`r-${Math.random()}`}
      writeControl={() => {}}
      osc52={osc52}
    />,
    SIZE,
  );
  mounted.push(ui);
  await ui.waitFor('● live');
  await ui.waitFor(/Licenses: \w+ plan|held/);
  return ui;
}
const fits = (f: string) => {
  for (const l of f.split('\n')) expect(textWidth(l), l).toBeLessThanOrEqual(SIZE.columns);
  expect(f.split('\n').length).toBeLessThanOrEqual(SIZE.rows);
};

describe('seat reclamation in the console', () => {
  it('/dormant:90 shows the dormant users and the seats they hold; marking them and d deactivates all after one exact confirm', async () => {
    for (const n of ['z1', 'z2', 'z3']) await activeUser(s, `${n}-dormant@example.com`);
    s.clock.advance(91 * DAY_MS);
    try {
      await s.admin.me();
      await activeUser(s, 'z4-fresh@example.com');
      await s.services.sessions.flushActivity();
      const ui = await signedIn();
      ui.press('/');
      ui.type('dormant:90');
      ui.press(KEY.enter);
      let f = await ui.waitFor('3 dormant (90+ days) hold 3 seats');
      expect(f).toContain('z1-dormant@');
      expect(f).not.toContain('z4-fresh@');
      fits(f);
      ui.press('*');
      f = await ui.waitFor('3 marked');
      expect(f).toMatch(/● z1-dormant@/);
      ui.press(' '); // unmark the row under the cursor
      await ui.waitFor('2 marked');
      ui.press(' ');
      await ui.waitFor('3 marked');
      ui.press('d');
      f = await ui.waitFor('Deactivate 3 users, freeing 3 seats.');
      fits(f);
      ui.press(KEY.right, KEY.enter);
      await ui.waitFor('Deactivated 3 of 3');
      expect((await s.admin.users({ q: 'dormant@' })).items.every((u) => u.status === 'inactive')).toBe(true);
      await ui.waitFor((x) => !x.includes('marked'));
    } finally {
      s.clock.advance(-91 * DAY_MS);
    }
  });

  it('* marks every user the filter matches, beyond the rows the window holds', async () => {
    const csv = Array.from({ length: 130 }, (_, i) => `many-${String(i).padStart(3, '0')}@example.com`).join('\n');
    expect((await s.admin.importUsers({ csv })).results.filter((r) => r.ok)).toHaveLength(130);
    const ui = await signedIn();
    ui.press('/');
    ui.type('many- status:pending');
    ui.press(KEY.enter);
    await ui.waitFor(/1\/130 of \d+ users/);
    ui.press('*');
    await ui.waitFor('130 marked');
    ui.press('a');
    const f = await ui.waitFor('Send new activation links to 130 pending users');
    fits(f);
    ui.press(KEY.esc);
    ui.press('*'); // again: unmarks them
    await ui.waitFor((x) => !x.includes('marked'));
  });

  it('I imports a CSV file: the preview says what will happen, then the rows are invited', async () => {
    const file = join(s.dir, 'team.csv');
    await writeFile(
      file,
      'email,first name,last name,profile\nimp1@example.com,Ima,One,Tester\nimp2@example.com,,,\nnot-an-address\nimp1@example.com\n',
    );
    const ui = await signedIn();
    ui.press('I');
    await ui.waitFor('Import users');
    ui.type(file);
    ui.press(KEY.enter);
    const f = await ui.waitFor('Valid 2 · Invalid 1 · Duplicates 1');
    expect(f).toContain('line 4:');
    expect(f).toContain('is already on line 2');
    fits(f);
    ui.press(KEY.right);
    await ui.waitFor(/Invite 2/);
    ui.press(KEY.enter);
    await ui.waitFor('Invited 2 of 4 rows, 2 invalid or duplicate.');
    const imp1 = (await s.admin.users({ q: 'imp1@' })).items[0];
    expect(imp1).toMatchObject({ firstName: 'Ima', userProfile: 'Tester', status: 'pending' });
  });

  it('Settings shows the reclamation policy and the seats held over the last 30 days; h switches to 90', async () => {
    const ui = await signedIn();
    ui.press('4');
    let f = await ui.waitFor('Seats held, last 30 days');
    expect(f).toContain('Reclaim seats daily');
    expect(f).toMatch(/dormant after\s+90 days/);
    expect(f).toMatch(/now \d+\/300/);
    fits(f);
    ui.press('h');
    f = await ui.waitFor('Seats held, last 90 days');
    fits(f);
  });

  it('p in Settings previews what reclamation would do now, and runs it from the confirm', async () => {
    await activeUser(s, 'pz-dormant@example.com');
    s.clock.advance(120 * DAY_MS);
    try {
      await s.admin.me();
      await s.services.sessions.flushActivity();
      const ui = await signedIn();
      ui.press('4');
      await ui.waitFor('Reclaim seats daily');
      ui.press('p');
      let f = await ui.waitFor(/A run now would deactivate \d+ dormant users?/);
      expect(f).toContain('pz-dormant@example.com');
      fits(f);
      ui.press(KEY.right, KEY.enter);
      f = await ui.waitFor(/Reclaimed \d+ seat\(s\); 0 failed/);
      expect((await s.admin.users({ q: 'pz-dormant@' })).items[0].status).toBe('inactive');
    } finally {
      s.clock.advance(-120 * DAY_MS);
    }
  });

  it('Sessions: Space marks, x ends every marked session after one confirm', async () => {
    const u = await activeUser(s, 'sess-bulk@example.com');
    for (const clientId of ['a', 'b'])
      await s.client().login({ email: u.email, password: PASSWORD, client: 'web', clientId });
    const ui = await signedIn();
    ui.press('2');
    await ui.waitFor('Active sessions');
    ui.press('/');
    ui.type('sess-bulk');
    ui.press(KEY.enter);
    await ui.waitFor(/1\/2 of \d+ sessions/);
    ui.press('*');
    await ui.waitFor('2 marked');
    ui.press('x');
    await ui.waitFor('End 2 sessions of 1 user.');
    ui.press(KEY.right, KEY.enter);
    await ui.waitFor('Ended 2 of 2');
    expect((await s.admin.sessions({ q: 'sess-bulk' })).total).toBe(0);
  });
});
