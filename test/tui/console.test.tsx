import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { App } from '../../tui/app.js';
import { osc52 } from '../../tui/clipboard.js';
import { memoryPrefs, type PrefsStore } from '../../tui/prefs.js';
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
import { freePort } from '../helpers/net.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await s.admin.updateLicense({ seats: 50 });
  await s.admin.updateSettings({ maxSessionsPerUser: 100 }); // every test opens its own console session
});
afterAll(async () => {
  await s.stop();
  await removeDir(s.dir);
});

const mounted: { unmount: () => void }[] = [];
afterEach(() => {
  for (const m of mounted.splice(0)) m.unmount();
});

function open(
  opts: {
    readOnly?: boolean;
    token?: string | null;
    prefs?: PrefsStore;
    size?: { columns: number; rows: number };
    url?: string;
  } = {},
) {
  const controls: string[] = [];
  const client = new ApiClient(opts.url ?? s.url, { token: opts.token ?? null });
  const ui = renderTui(
    <App
      client={client}
      readOnly={!!opts.readOnly}
      prefs={opts.prefs ?? memoryPrefs()}
      clientId={`test-${Math.random()}`}
      writeControl={(c) => controls.push(c)}
      osc52={osc52}
    />,
    opts.size ?? { columns: 100, rows: 30 },
  );
  mounted.push(ui);
  return { ...ui, controls, client };
}

/** Opens the console already signed in as the seeded administrator. */
async function openSignedIn(opts: Parameters<typeof open>[0] = {}) {
  const token = (await s.client().login({ ...ADMIN, client: 'tui', clientId: `t-${Math.random()}` })).token;
  const ui = open({ ...opts, token });
  await ui.waitFor('● live');
  await ui.waitFor(ADMIN.email);
  return ui;
}

describe('signing in', () => {
  it('shows the login screen, refuses a wrong password, then opens the Users screen', async () => {
    const ui = open();
    await ui.waitFor('sign in');
    ui.type(ADMIN.email);
    ui.press(KEY.tab);
    ui.type('wrong-password-x');
    ui.press(KEY.enter);
    await ui.waitFor('The email or password is not correct.');
    ui.press(KEY.up);
    ui.press(KEY.down);
    // clear the password field and type the right one
    ui.press(...Array(16).fill(KEY.backspace));
    ui.type(ADMIN.password);
    ui.press(KEY.enter);
    const f = await ui.waitFor('Licenses:');
    expect(f).toContain('1 Users');
    expect(f).toMatch(/Seats \d+\/50/);
  });

  it('first run shows the setup screen and creates the Site Administrator', async () => {
    const fresh = await startTestServer({ seedAdmin: false });
    try {
      const ui = open({ url: fresh.url });
      await ui.waitFor('create the Site Administrator');
      ui.type('first@example.com');
      ui.press(KEY.tab);
      ui.type('Fran');
      ui.press(KEY.tab);
      ui.type('Admin');
      ui.press(KEY.tab);
      ui.type('first-admin-password');
      ui.press(KEY.tab);
      ui.type('first-admin-password');
      ui.press(KEY.enter);
      await ui.waitFor(/Seats 1\/5 ▰▱▱▱▱ 4 available/);
      expect(ui.frame()).toContain('first@example.com');
      expect(ui.frame()).toContain('Fran Admin');
      ui.unmount();
    } finally {
      await fresh.stop();
      await removeDir(fresh.dir);
    }
  });
});

describe('Users screen', () => {
  it('invites a user and shows the Activation Link dialog; c copies it with OSC 52', async () => {
    const ui = await openSignedIn();
    ui.press('i');
    await ui.waitFor('Invite a user');
    ui.type('tui-invite@example.com');
    ui.press(KEY.tab, KEY.right); // user profile: Tester
    ui.press(KEY.enter);
    const f = await ui.waitFor('Activation Link');
    const link = /http:\/\/localhost:4780\/activate\/\S+/.exec(f.replace(/\s*│\s*\n\s*│\s*/g, ''))?.[0];
    expect(link).toBeDefined();
    const { user } = (await s.admin.users({ q: 'tui-invite' })).items.map((u) => ({ user: u }))[0];
    expect(user).toMatchObject({ status: 'pending', userProfile: 'Tester' });
    const mail = await s.admin.latestMail({ to: 'tui-invite@example.com', wait: 15 });
    const full = await s.admin.mail(mail.mail.id);
    // The dialog follows the mail's delivery live: queued, then sent.
    await ui.waitFor('Mailed to tui-invite@example.com at');
    ui.press('c');
    await ui.waitFor("to the terminal's clipboard (OSC 52)");
    const copied = Buffer.from(/\x1b\]52;c;([A-Za-z0-9+/=]+)\x07/.exec(ui.controls[0])![1], 'base64').toString();
    expect(copied).toBe(full.mail.links[0].url);
    ui.press(KEY.esc);
    await ui.waitFor('tui-invite@example.com');
  });

  it('filters as you type, Esc clears; s and S change the sort marker', async () => {
    await s.admin.invite({ email: 'zed-filter@example.com' });
    const ui = await openSignedIn();
    await ui.waitFor('zed-filter@example.com');
    ui.press('/');
    ui.type('zed-fil');
    await ui.waitFor('filter: zed-fil');
    await ui.waitFor((fr) => !/^admin@example\.com/m.test(fr) && /^zed-filter@example\.com/m.test(fr));
    ui.press(KEY.enter);
    ui.press(KEY.esc);
    const f = await ui.waitFor((fr) => fr.includes(ADMIN.email) && !fr.includes('filter: zed'));
    expect(f).toContain('Login email ▲');
    ui.press('S');
    await ui.waitFor('Login email ▼');
    ui.press('s');
    await ui.waitFor('Name ▲');
  });

  it('deactivate asks first, starting on Cancel; confirming deactivates', async () => {
    const u = await activeUser(s, 'aaa-deact@example.com');
    const ui = await openSignedIn();
    await filterTo(ui, 'aaa-deact');
    ui.press('d');
    await ui.waitFor('Deactivate aaa-deact@example.com?');
    ui.press(KEY.enter); // Cancel is the default
    await ui.waitFor((f) => !f.includes('Deactivate aaa-deact@example.com?'));
    expect((await s.admin.user(u.id)).user.status).toBe('active');
    ui.press('d');
    await ui.waitFor('Deactivate aaa-deact@example.com?');
    ui.press(KEY.right, KEY.enter);
    await ui.waitFor('deactivated; seat freed');
    expect((await s.admin.user(u.id)).user.status).toBe('inactive');
    await ui.waitFor(/aaa-deact@example\.com\s+Test User\s+inactive/);

    ui.press('r');
    await ui.waitFor('Reactivate aaa-deact');
    ui.press(KEY.right, KEY.enter);
    await ui.waitFor('reactivated (active)');

    ui.press('p');
    await ui.waitFor('Reset the password');
    ui.press(KEY.right, KEY.enter);
    await ui.waitFor('Password Reset Link');
    expect(ui.frame()).toMatch(/reset-password\/rst_/);
    ui.press(KEY.esc);

    ui.press('e');
    await ui.waitFor('Edit profiles · aaa-deact@example.com');
    ui.press(KEY.right, KEY.right, KEY.enter);
    await ui.waitFor('Profiles of aaa-deact@example.com saved.');
    expect((await s.admin.user(u.id)).user.userProfile).toBe('Developer');

    ui.press(KEY.enter);
    await ui.waitFor('Membership');
    expect(ui.frame()).toMatch(/Sample Project\s+│\s+Default\s+│\s+member/);
  });

  it('resend activation shows the new link', async () => {
    await s.admin.invite({ email: 'aaa-resend@example.com' });
    const ui = await openSignedIn();
    await filterTo(ui, 'aaa-resend');
    ui.press('a');
    await ui.waitFor('Send aaa-resend@example.com a new activation link?');
    ui.press(KEY.tab, KEY.enter);
    await ui.waitFor('Activation Link');
    const { mail } = await s.admin.latestMail({ to: 'aaa-resend@example.com', subject: 'new activation', wait: 15 });
    expect(mail.subject).toContain('new activation link');
  });

  it('m opens the Mail screen filtered to the user, and the reader lists the activation link first', async () => {
    const inv = await s.admin.invite({ email: 'aaa-mail@example.com' });
    const ui = await openSignedIn();
    await filterTo(ui, 'aaa-mail');
    ui.press('m');
    await ui.waitFor('filter: to:aaa-mail@example.com');
    await ui.waitFor(/1\/1 of \d+ messages/); // the invitation is mailed in the background
    ui.press(KEY.enter);
    const f = await ui.waitFor('Subject: You are invited');
    expect(f).toMatch(/\[1\] activation link:\n/);
    expect(f).toContain(`\n${inv.activationLink}\n`); // on a line of its own
    ui.press('c');
    await ui.waitFor("Sent the activation link to the terminal's clipboard");
    ui.press('R');
    await ui.waitFor('── raw source ──');
    ui.press(KEY.esc);
    await ui.waitFor('── text');
    ui.press(KEY.esc);
    await ui.waitFor('Captured mail:');
  });
});

describe('Sessions screen', () => {
  it('a new login appears live; x ends it at once; h shows the reason', async () => {
    const u = await activeUser(s, 'aaa-live@example.com');
    const ui = await openSignedIn();
    ui.press('2');
    await ui.waitFor('Active sessions:');
    ui.press('/');
    ui.type('aaa-live');
    ui.press(KEY.enter);
    await ui.waitFor('filter: aaa-live');
    const login = await s.client().login({ email: u.email, password: PASSWORD, clientId: 'live-browser' });
    await ui.waitFor(/aaa-live@example\.com\s+web/);
    ui.press('x');
    await ui.waitFor('Session of aaa-live@example.com (web) terminated.');
    await expect(s.client(login.token).me()).rejects.toMatchObject({
      code: 'session_terminated',
      details: { reason: 'admin' },
    });
    await ui.waitFor((f) => !/aaa-live@example\.com\s+web/.test(f));
    ui.press('h');
    await ui.waitFor(/aaa-live@example\.com\s+web\s+.*admin/);
  });

  it("X ends all of a user's sessions after a confirm; e shows Explorer sessions", async () => {
    const u = await activeUser(s, 'aaa-many@example.com');
    await s.client().login({ email: u.email, password: PASSWORD, clientId: 'm1' });
    await s.client().login({ email: u.email, password: PASSWORD, clientId: 'm2', client: 'explorer' });
    const ui = await openSignedIn();
    ui.press('2');
    ui.press('/');
    ui.type('aaa-many');
    ui.press(KEY.enter);
    await ui.waitFor(/1\/1 of \d+ sessions/);
    ui.press('e');
    await ui.waitFor(/aaa-many@example\.com\s+explorer/);
    ui.press('X');
    await ui.waitFor('End all 2 live sessions of aaa-many@example.com?');
    ui.press(KEY.right, KEY.enter);
    await ui.waitFor('2 session(s) of aaa-many@example.com terminated.');
    expect((await s.admin.sessions({ q: 'aaa-many', client: 'all' })).total).toBe(0);
  });
});

describe('modes and resilience', () => {
  it('read-only disables every changing key', async () => {
    const ui = await openSignedIn({ readOnly: true });
    expect(ui.frame()).toContain('READ-ONLY');
    ui.press('i');
    await ui.waitFor('Read-only console: changes are disabled');
    expect(ui.frame()).not.toContain('Invite a user');
    ui.press('2');
    await ui.waitFor('Active sessions:');
    const before = (await s.admin.sessions()).activeCount;
    ui.press('x');
    await ui.waitFor('Read-only console');
    expect((await s.admin.sessions()).activeCount).toBe(before);
  });

  it('sort and filter choices are remembered for the next start', async () => {
    const prefs = memoryPrefs();
    const first = await openSignedIn({ prefs });
    first.press('S');
    await first.waitFor('Login email ▼');
    first.unmount();
    const second = await openSignedIn({ prefs });
    expect(second.frame()).toContain('Login email ▼');
  });

  it('? shows the keys of the screen; the layout follows a resize and fits 80×24', async () => {
    const ui = await openSignedIn({ size: { columns: 80, rows: 24 } });
    ui.press('?');
    await ui.waitFor('Keys · users');
    expect(ui.frame()).toContain('deactivate');
    ui.press('z');
    await ui.waitFor((f) => !f.includes('Keys · users'));
    for (const line of ui.frame().split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(ui.frame().split('\n').length).toBeLessThanOrEqual(24);
    ui.resize(120, 40);
    await ui.waitFor((f) => f.split('\n').some((l) => l.length > 80));
  });

  it('a lost server shows reconnecting, then live again when it is back, without crashing', async () => {
    const port = await freePort();
    let srv = await startTestServer({ config: { port } });
    try {
      const token = srv.admin.token;
      const ui = open({ url: srv.url, token });
      await ui.waitFor('● live');
      await srv.stop();
      await ui.waitFor('reconnecting');
      srv = await startTestServer({ dir: srv.dir, config: { port } });
      await ui.waitFor('● live', 15_000);
    } finally {
      await srv.stop();
      await removeDir(srv.dir);
    }
  });

  it("when an administrator ends the console's own session it returns to sign-in with the reason", async () => {
    const ui = await openSignedIn();
    const me = await eventually(
      async () =>
        (await s.admin.sessions({ q: ADMIN.email, client: 'tui', sort: 'startedAt', order: 'desc', limit: 1 }))
          .items[0],
    );
    await s.admin.terminateSession(me.id);
    await ui.waitFor('Your session was terminated by the site administrator.');
    expect(ui.frame()).toContain('sign in');
  });
});

/** Filters the Users grid down to the one user matching `text`. */
async function filterTo(ui: ReturnType<typeof renderTui>, text: string): Promise<void> {
  ui.press('/');
  ui.type(text);
  ui.press(KEY.enter);
  await ui.waitFor(/1\/1 of \d+ users/);
}

describe('terminal edge cases', () => {
  it('a 20×5 terminal gets a clear message, a resize storm does not crash, and the layout comes back', async () => {
    const ui = await openSignedIn({ size: { columns: 100, rows: 30 } });
    ui.resize(20, 5);
    await ui.waitFor('needs 60×12');
    for (let i = 0; i < 60; i++) ui.resize(20 + ((i * 37) % 120), 5 + ((i * 11) % 40));
    ui.resize(80, 24);
    const f = await ui.waitFor('Licenses:');
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('refuses to run when stdout is not a terminal', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, ['bin/seatdesk.js', '--url', s.url], {
      encoding: 'utf8',
      env: { ...process.env, SEATDESK_TOKEN_FILE: '/nonexistent/x' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('needs a terminal');
  });
});

describe('NO_COLOR', () => {
  it('the theme drops every colour and marks the selection with inverse video', async () => {
    const { theme } = await import('../../tui/theme.js');
    expect(theme()).toMatchObject({ accent: 'cyan', inverse: false });
    process.env.NO_COLOR = '1';
    try {
      const t = theme();
      expect(Object.entries(t).filter(([k, v]) => k !== 'inverse' && v !== undefined)).toEqual([]);
      expect(t.inverse).toBe(true);
    } finally {
      delete process.env.NO_COLOR;
    }
  });
});
