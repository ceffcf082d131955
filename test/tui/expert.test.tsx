// The console as an expert expects it (issue 15): each defect found in a tmux walk, and the
// k9s/lazygit habits (one key table, options bar, g/G, :commands, describe views, field filters…).
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { App } from '../../tui/app.js';
import { osc52 } from '../../tui/clipboard.js';
import { textWidth } from '../../tui/format.js';
import { memoryPrefs } from '../../tui/prefs.js';
import { KEY, renderTui } from '../helpers/ink.js';
import {
  ADMIN,
  PASSWORD,
  activeUser,
  eventually,
  removeDir,
  startTestServer,
  type TestServer,
} from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await s.admin.updateLicense({ seats: 60 });
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

type Size = { columns: number; rows: number };
function open(
  opts: {
    readOnly?: boolean;
    token?: string | null;
    size?: Size;
    url?: string;
    flashMs?: number;
    server?: TestServer;
  } = {},
) {
  const controls: string[] = [];
  const client = new ApiClient(opts.url ?? s.url, { token: opts.token ?? null });
  const ui = renderTui(
    <App
      client={client}
      readOnly={!!opts.readOnly}
      prefs={memoryPrefs()}
      clientId={`x-${Math.random()}`}
      writeControl={(c) => controls.push(c)}
      osc52={osc52}
      flashMs={opts.flashMs}
    />,
    opts.size ?? { columns: 80, rows: 24 },
  );
  mounted.push(ui);
  return { ...ui, controls, client };
}

async function signedIn(opts: Parameters<typeof open>[0] = {}) {
  const srv = opts.server ?? s;
  const token = (await srv.client().login({ ...ADMIN, client: 'tui', clientId: `t-${Math.random()}` })).token;
  const ui = open({ ...opts, url: srv.url, token });
  await ui.waitFor('● live');
  await ui.waitFor(/Licenses: \w+ plan/);
  return ui;
}

async function filterTo(ui: ReturnType<typeof open>, text: string, noun = 'users') {
  ui.press('/');
  ui.type(text);
  ui.press(KEY.enter);
  // The server filters: wait for the answer to the whole text (a shorter prefix may match the same row).
  await ui.waitFor((f) => new RegExp(`1/1 of \\d+ ${noun}`).test(f) && f.includes(`filter: ${text}  (`));
}

const lines = (f: string) => f.split('\n');
const fitsIn = (f: string, size: Size) => {
  for (const l of lines(f)) expect(textWidth(l), l).toBeLessThanOrEqual(size.columns);
  expect(lines(f).length).toBeLessThanOrEqual(size.rows);
};

describe('defects', () => {
  it('1: copy sends plain OSC 52 (also under tmux), never claims success, and the link has a line of its own with no border', async () => {
    const prev = process.env.TMUX;
    process.env.TMUX = '/tmp/tmux-0/default,1,0';
    try {
      const ui = await signedIn();
      ui.press('i');
      await ui.waitFor('Invite a user');
      ui.type('d1-copy@example.com');
      ui.press(KEY.enter);
      const f = await ui.waitFor('activation link for d1-copy@example.com');
      const link =
        (await s.admin.users({ q: 'd1-copy' })).items[0] && /http:\/\/localhost:4780\/activate\/\S+/.exec(f)?.[0];
      expect(link).toBeDefined();
      // The line holding the link holds nothing else: a mouse selection copies just the link.
      expect(lines(f)).toContain(link);
      ui.press('c');
      const after = await ui.waitFor('OSC 52');
      expect(after).not.toMatch(/Copied/);
      expect(ui.controls).toHaveLength(1);
      expect(ui.controls[0]).toBe(`\x1b]52;c;${Buffer.from(link!).toString('base64')}\x07`);
      expect(ui.controls[0]).not.toContain('Ptmux');
    } finally {
      if (prev === undefined) delete process.env.TMUX;
      else process.env.TMUX = prev;
    }
  });

  it('2: an action error is shown whole inside its dialog (typed text kept); messages clear by themselves and on tab change', async () => {
    const small = await startTestServer();
    try {
      await small.admin.updateLicense({ seats: 1 });
      const ui = await signedIn({ server: small, flashMs: 300 });
      ui.press('i');
      await ui.waitFor('Invite a user');
      ui.type('d2-noseat@example.com');
      ui.press(KEY.enter);
      const f = await ui.waitFor(/seats? (are|is) in use/);
      // the whole message, wrapped: the advice at its end is there
      const text = f.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');
      const { error } = await small.admin.invite({ email: 'd2-other@example.com' }).then(
        () => ({ error: '' }),
        (e: Error) => ({ error: e.message }),
      );
      expect(error.length).toBeGreaterThan(70);
      expect(text).toContain(error.replace(/\s+/g, ' ').slice(-30));
      expect(f).toContain('Invite a user'); // still open
      expect(f).toContain('d2-noseat@example.com'); // what was typed is kept
      fitsIn(f, { columns: 80, rows: 24 });
      ui.press(KEY.esc);
      // A flash: shown, then gone by itself.
      ui.press('r');
      await ui.waitFor('only inactive users can be reactivated');
      await ui.waitFor((x) => !x.includes('only inactive users can be reactivated'));
      // … and gone when the screen changes.
      ui.press('r');
      await ui.waitFor('only inactive users can be reactivated');
      ui.press('2');
      await ui.waitFor((x) => x.includes('Active sessions') && !x.includes('only inactive users'));
    } finally {
      await small.stop();
      await removeDir(small.dir);
    }
  });

  it('3: Last login changes in the Users grid when the user signs in', async () => {
    const u = await activeUser(s, 'd3-login@example.com');
    const ui = await signedIn({ size: { columns: 200, rows: 30 } });
    await filterTo(ui, 'd3-login');
    const f = await ui.waitFor(/d3-login@example\.com.*0\/100\s+—/);
    expect(lines(f).find((l) => l.startsWith('Login email'))).toMatch(/Sessions\s+Last login/);
    await s.client().login({ email: u.email, password: PASSWORD, clientId: 'd3' });
    await ui.waitFor(/d3-login@example\.com.*1\/100\s+\d\d:\d\d:\d\d/);
  });

  it('4: keys that do not apply to the row are refused at once, and the options bar shows only those that do', async () => {
    await activeUser(s, 'd4-active@example.com');
    const ui = await signedIn({ size: { columns: 160, rows: 30 } });
    await filterTo(ui, 'd4-active');
    let f = ui.frame();
    const bar = lines(f).at(-1)!;
    expect(bar).toContain('d deactivate');
    expect(bar).toContain('p reset password');
    expect(bar).not.toContain('r reactivate');
    expect(bar).not.toContain('a resend');
    ui.press('r');
    f = await ui.waitFor('d4-active@example.com is active: only inactive users can be reactivated.');
    expect(f).not.toContain('Reactivate user');
    ui.press('a');
    f = await ui.waitFor('activation links are for pending users');
    expect(f).not.toContain('Resend activation');
    // d on yourself
    ui.press('/', KEY.esc);
    await filterTo(ui, ADMIN.email);
    ui.press('d');
    f = await ui.waitFor('You cannot deactivate yourself');
    expect(f).not.toContain('Deactivate user');
    // p on a pending user
    await s.admin.invite({ email: 'd4-pending@example.com' });
    ui.press('/', KEY.esc);
    await filterTo(ui, 'd4-pending');
    ui.press('p');
    f = await ui.waitFor('has not activated yet: resend the activation link with a.');
    expect(f).not.toContain('Reset password');
  });

  it('5: Esc followed at once by a key (one packet) is two keys', async () => {
    const ui = await signedIn();
    ui.press('?');
    await ui.waitFor('Keys · users');
    ui.press('\x1b2'); // Esc and 2 in one chunk: close the help, then the Sessions screen
    await ui.waitFor((f) => f.includes('Active sessions') && !f.includes('Keys · users'));
    ui.press('/');
    ui.type('zz');
    ui.press('\x1bj'); // Esc clears the filter (while filtering), then j moves down
    await ui.waitFor((f) => !f.includes('filter: zz') && /^2\/\d+ sessions/m.test(f));
  });

  it('6: text fields take keys in any chunking: a paste is whole at once, Enter in the same chunk submits all of it', async () => {
    const ui = open();
    await ui.waitFor('sign in');
    ui.type(ADMIN.email);
    ui.press(KEY.tab);
    // one character per write, all before any render, then the rest with Enter in one chunk
    for (const ch of ADMIN.password.slice(0, 6)) ui.type(ch);
    ui.type(`${ADMIN.password.slice(6)}\r`);
    await ui.waitFor('Licenses:');
    // A paste shows in full at the next frame (no per-key pacing).
    ui.press('/');
    await ui.waitFor('filter: ');
    const paste = 'p'.repeat(120);
    ui.type(paste);
    // A few event-loop turns (React renders in one), far less than 120 keys paced at 20 ms would take.
    for (let i = 0; i < 100 && !ui.frame().includes(`filter: ${'p'.repeat(50)}`); i++)
      await new Promise((r) => setImmediate(r));
    expect(ui.frame()).toContain(`filter: ${'p'.repeat(50)}`);
  });

  it('7: wide characters (CJK, emoji) keep every column in place', async () => {
    const u = await activeUser(s, 'd7-wide@example.com');
    await s.admin.patchUser(u.id, { firstName: '艾琳测试', lastName: '🚀Zoë' });
    const ui = await signedIn({ size: { columns: 100, rows: 30 } });
    await filterTo(ui, 'd7-wide');
    const f = await ui.waitFor('艾琳测试');
    const header = lines(f).find((l) => l.startsWith('Login email'))!;
    const row = lines(f).find((l) => l.includes('d7-wide@example.com'))!;
    const col = (line: string, word: string) => textWidth(line.slice(0, line.indexOf(word)));
    expect(col(row, 'active')).toBe(col(header, 'Status'));
    expect(textWidth(row)).toBeLessThanOrEqual(100);
  });

  it('8: the sort marker stays visible on every column at 80 columns; help entries are whole at 80 and 200', async () => {
    const ui = await signedIn();
    const headerOf = (f: string) => lines(f).find((l) => /[▲▼]/.test(l)) ?? '';
    let header = headerOf(ui.frame());
    for (let i = 0; i < 9; i++) {
      expect(header, ui.frame()).toMatch(/[▲▼]/); // the marker is on screen, whichever column
      const before = header;
      ui.press('s');
      header = headerOf(await ui.waitFor((f) => headerOf(f) !== before && /[▲▼]/.test(headerOf(f))));
    }
    ui.press('?');
    const inBox = (f: string) =>
      lines(f)
        .filter((l) => l.startsWith('│'))
        .join('\n');
    let h = await ui.waitFor('Keys · users');
    expect(h).toContain('reset the password of an active user (→ reset link)');
    expect(inBox(h)).not.toMatch(/\w…/);
    ui.press(KEY.esc);
    ui.resize(200, 50);
    await ui.waitFor((x) => !x.includes('Keys · users'));
    ui.press('?');
    h = await ui.waitFor('Keys · users');
    expect(h).toContain('filter as you type: text, status:pending, client:web, profile:tester');
    expect(inBox(h)).not.toMatch(/\w…/);
  });

  it('9: settings: a date is accepted for expiry, the plan is a choice, and an error keeps the dialog and the input', async () => {
    const own = await startTestServer();
    try {
      const ui = await signedIn({ server: own });
      ui.press('4');
      await ui.waitFor('License plan');
      ui.press(KEY.enter);
      let f = await ui.waitFor('←/→ choose · Enter saves');
      expect(f).toMatch(/trial\s+standard/);
      ui.press(KEY.right, KEY.enter);
      await ui.waitFor('License plan saved.');
      expect((await own.admin.license()).plan).toBe('standard');
      ui.press(KEY.down, KEY.down, KEY.enter);
      await ui.waitFor('A date such as 2027-12-31');
      ui.type('2027-12-31');
      ui.press(KEY.enter);
      await ui.waitFor('License expires saved.');
      expect((await own.admin.license()).expiresAt).toBe('2027-12-31T23:59:59.000Z');
      f = await ui.waitFor(/License expires\s+2027-12-31/);
      // seats below those held: refused inside the dialog, the typed value kept
      ui.press(KEY.up, KEY.enter);
      await ui.waitFor('Cannot go below');
      ui.press('\x15'); // Ctrl+U clears the field
      ui.type('0');
      ui.press(KEY.enter);
      f = await ui.waitFor(/seats|Seats.*(at least|≥|too small|below|1)/);
      await ui.waitFor((x) => x.includes('Seats: 0') && /Too small|too small|at least|must be|Number must/i.test(x));
      expect(ui.frame()).toContain('Enter saves');
      void f;
    } finally {
      await own.stop();
      await removeDir(own.dir);
    }
  });

  it('10: history shows who ended a session, by email', async () => {
    const u = await activeUser(s, 'd10-ended@example.com');
    const login = await s.client().login({ email: u.email, password: PASSWORD, clientId: 'd10' });
    await s.admin.terminateSession(login.session.id);
    const ui = await signedIn({ size: { columns: 120, rows: 30 } });
    ui.press('2', 'h');
    await ui.waitFor('Ended sessions');
    await filterTo(ui, 'd10-ended', 'ended sessions');
    await ui.waitFor(/d10-ended@example\.com.*admin\s+admin@example\.com/);
    ui.press(KEY.enter);
    const f = await ui.waitFor('Session · d10-ended@example.com');
    expect(f).toMatch(/Reason\s+admin/);
    expect(f).toMatch(/Ended by\s+admin@example\.com/);
  });

  it('11: read-only is marked whole at 80 columns and the options bar offers no changes', async () => {
    const ui = await signedIn({ readOnly: true });
    const f = ui.frame();
    expect(lines(f)[0]).toContain('READ-ONLY');
    const bar = lines(f).at(-1)!;
    expect(bar).toContain('Enter details');
    expect(bar).not.toMatch(/invite|deactivate|reset/);
  });

  it('12: Enter describes a session (client id, whole user agent); the count says how many Explorer sessions are hidden', async () => {
    const u = await activeUser(s, 'd12-desc@example.com');
    await s.client().login({ email: u.email, password: PASSWORD, clientId: 'd12-browser-id', client: 'web' });
    await s.client().login({ email: u.email, password: PASSWORD, clientId: 'd12-explorer', client: 'explorer' });
    const ui = await signedIn();
    ui.press('2');
    const f0 = await ui.waitFor(/Active sessions: \d+ \(\d+ Explorer hidden/);
    expect(f0).toMatch(/Explorer hidden/);
    await filterTo(ui, 'd12-desc', 'sessions');
    ui.press(KEY.enter);
    const f = await ui.waitFor('Session · d12-desc@example.com');
    expect(f).toContain('d12-browser-id');
    const agent = (await s.admin.sessions({ q: 'd12-desc', client: 'web' })).items[0].userAgent;
    expect(f.replace(/[│\s]+/g, ' ')).toContain(agent.replace(/\s+/g, ' '));
  });
});

describe('what an expert expects', () => {
  it(': opens a command line (:sessions, :audit, unknown ones explained, :q quits)', async () => {
    const ui = await signedIn();
    ui.press(':');
    ui.type('sessions\r');
    await ui.waitFor('Active sessions');
    ui.press(':');
    ui.type('nope\r');
    await ui.waitFor('Unknown command ":nope"');
    ui.press(':');
    ui.type('audit\r');
    await ui.waitFor('Audit log');
    let exited = false;
    void ui.instance.waitUntilExit().then(() => (exited = true));
    ui.press(':');
    ui.type('q\r');
    await eventually(() => exited);
  });

  it('field filters work in the console, combined with text; g/G and Ctrl+D/U move', async () => {
    await s.admin.invite({ email: 'ff-pending-one@example.com', userProfile: 'Tester' });
    await s.admin.invite({ email: 'ff-pending-two@example.com' });
    const ui = await signedIn();
    ui.press('/');
    ui.type('status:pending profile:tester ff-');
    ui.press(KEY.enter);
    const f = await ui.waitFor(/1\/1 of \d+ users/);
    expect(f).toContain('ff-pending-one@');
    expect(f).not.toContain('ff-pending-two@');
    ui.press(KEY.esc);
    await ui.waitFor((x) => /^1\/\d+ users/m.test(x));
    ui.press('G');
    await ui.waitFor((x) => /^(\d+)\/\1 users/m.test(x));
    ui.press('g');
    await ui.waitFor(/^1\/\d+ users/m);
    ui.press('\x04'); // Ctrl+D: half a page down
    await ui.waitFor(
      (x) => Number(/^(\d+)\//m.exec(x.split('\n').find((l) => / users/.test(l) && /^\d+\//.test(l)) ?? '')?.[1]) > 1,
    );
    ui.press('\x15'); // Ctrl+U: half a page up
    await ui.waitFor(/^1\/\d+ users/m);
  });

  it('Users show n/max sessions (full at the limit); at 200 columns Created, Invited by and Projects appear', async () => {
    const ui = await signedIn({ size: { columns: 200, rows: 50 } });
    await s.admin.updateSettings({ maxSessionsPerUser: 2 });
    try {
      const u = await activeUser(s, 'nn-limit@example.com');
      await s.client().login({ email: u.email, password: PASSWORD, clientId: 'n1' });
      await s.client().login({ email: u.email, password: PASSWORD, clientId: 'n2' });
      await filterTo(ui, 'nn-limit');
      const f = await ui.waitFor(/nn-limit@example\.com.*2\/2 full/);
      const header = lines(f).find((l) => l.startsWith('Login email'))!;
      for (const h of ['Created', 'Invited by', 'Projects', 'Sessions']) expect(header).toContain(h);
      expect(f).toMatch(/nn-limit@example\.com.*admin@example\.com.*Sample Project/);
      ui.resize(80, 24);
      const narrow = await ui.waitFor((x) => !x.includes('Invited by'));
      fitsIn(narrow, { columns: 80, rows: 24 });
    } finally {
      await s.admin.updateSettings({ maxSessionsPerUser: 100 });
    }
  });

  it('the Audit screen is fed live', async () => {
    const ui = await signedIn({ size: { columns: 120, rows: 30 } });
    ui.press('5');
    await ui.waitFor('Audit log');
    await s.admin.invite({ email: 'audit-live@example.com' });
    await ui.waitFor(/admin@example\.com\s+\S*invite\S*\s+audit-live@example\.com/);
    ui.press('/');
    ui.type('did:user.invite to:audit-live');
    ui.press(KEY.enter);
    await ui.waitFor(/1\/1 of \d+ entries/);
  });

  it('after the session ends, signing in again returns to the same screen with the email filled in', async () => {
    const ui = await signedIn();
    ui.press('3');
    await ui.waitFor('Captured mail');
    const me = await eventually(
      async () =>
        (await s.admin.sessions({ q: ADMIN.email, client: 'tui', sort: 'startedAt', order: 'desc', limit: 1 }))
          .items[0],
    );
    await s.admin.terminateSession(me.id);
    const f = await ui.waitFor('Your session was terminated');
    expect(f).toContain(ADMIN.email); // filled in
    ui.type(`${ADMIN.password}\r`);
    await ui.waitFor('Captured mail');
  });

  it('a remembered sign-in that no longer works asks for the password only: the email is filled in', async () => {
    const controls: string[] = [];
    const ui = renderTui(
      <App
        client={new ApiClient(s.url, { token: 'sd_expired' })}
        readOnly={false}
        prefs={memoryPrefs()}
        clientId="remembered"
        email={ADMIN.email}
        writeControl={(c) => controls.push(c)}
        osc52={osc52}
      />,
      { columns: 80, rows: 24 },
    );
    mounted.push(ui);
    const f = await ui.waitFor('sign in');
    expect(f).toMatch(new RegExp(`Email\\s+${ADMIN.email.replace('.', '\\.')}`));
    ui.type(`${ADMIN.password}\r`);
    await ui.waitFor('Licenses:');
  });

  it('the console does not start servers: it only talks HTTP', () => {
    const main = readFileSync('tui/main.tsx', 'utf8');
    expect(main).not.toMatch(/daemon|startBackground/);
  });
});
