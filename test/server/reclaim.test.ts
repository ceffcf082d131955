// Seat reclamation against a real server: dormant users and stale invitations (with a movable
// clock), bulk actions answered per item, the bulk invite, seat history and the daily policy.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/domain/reclaim.js';
import {
  ADMIN,
  PASSWORD,
  activeUser,
  eventually,
  removeDir,
  startTestServer,
  type TestServer,
} from '../helpers/server.js';

const ids = (page: { items: { email: string }[] }) => page.items.map((u) => u.email).sort();

describe('dormant users and stale invitations', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await s.admin.updateLicense({ plan: 'standard', seats: 50 });
  });
  afterAll(async () => {
    await s.stop();
    await removeDir(s.dir);
  });

  it('lists dormant users by last login or session activity, with "Last active", composable with the other filters', async () => {
    await activeUser(s, 'sleepy@example.com');
    await activeUser(s, 'busy@example.com');
    await activeUser(s, 'acme-sleepy@example.com');
    const busy = s.client();
    busy.token = (
      await busy.login({ email: 'busy@example.com', password: PASSWORD, client: 'web', clientId: 'busy' })
    ).token;
    s.clock.advance(60 * DAY_MS);
    await busy.me(); // the session is used on day 60: busy is active, not dormant, though it last signed in on day 0
    s.clock.advance(31 * DAY_MS);
    await s.admin.me();
    await s.services.sessions.flushActivity();

    const dormant = await s.admin.users({ dormantDays: 90 });
    expect(ids(dormant)).toEqual(['acme-sleepy@example.com', 'sleepy@example.com']);
    expect(dormant.total).toBe(2);
    expect(ids(await s.admin.users({ dormantDays: 30 }))).toEqual([
      'acme-sleepy@example.com',
      'busy@example.com',
      'sleepy@example.com',
    ]);
    expect(ids(await s.admin.users({ dormantDays: 90, q: 'acme' }))).toEqual(['acme-sleepy@example.com']);
    expect(ids(await s.admin.users({ q: 'dormant:90 acme' }))).toEqual(['acme-sleepy@example.com']);
    expect((await s.admin.users({ dormantDays: 90, status: 'pending' })).total).toBe(0);

    const all = await s.admin.users({ q: 'busy@' });
    const b = all.items[0];
    expect(b.lastLoginAt).not.toBeNull();
    expect(Date.parse(b.lastActiveAt!) - Date.parse(b.lastLoginAt!)).toBeGreaterThanOrEqual(60 * DAY_MS - 1000);
    expect(
      (await s.admin.users({ q: 'sleepy@example.com' })).items.find((u) => u.email === 'sleepy@example.com')!
        .lastActiveAt,
    ).toBeNull();

    // Signing in wakes a user up at once.
    await s.client().login({ email: 'sleepy@example.com', password: PASSWORD, client: 'web', clientId: 'sleepy' });
    expect(ids(await s.admin.users({ dormantDays: 90 }))).toEqual(['acme-sleepy@example.com']);
  });

  it('lists stale invitations: pending, invited more than N days ago; a resent link restarts the clock', async () => {
    const old = await s.admin.invite({ email: 'old-invite@example.com' });
    const resent = await s.admin.invite({ email: 'resent-invite@example.com' });
    s.clock.advance(10 * DAY_MS);
    await s.admin.invite({ email: 'new-invite@example.com' });
    await s.admin.resendActivation(resent.user.id);
    s.clock.advance(5 * DAY_MS);
    expect(ids(await s.admin.users({ pendingOlderThanDays: 14 }))).toEqual(['old-invite@example.com']);
    expect(ids(await s.admin.users({ q: 'pending:3' }))).toEqual([
      'new-invite@example.com',
      'old-invite@example.com',
      'resent-invite@example.com',
    ]);
    expect(old.user.status).toBe('pending');
  });

  it('refuses a bad day count with a clear 400', async () => {
    await expect(s.admin.users({ dormantDays: 0 })).rejects.toMatchObject({ status: 400, code: 'validation_failed' });
    await expect(s.admin.users({ pendingOlderThanDays: 99999 })).rejects.toMatchObject({ status: 400 });
  });
});

describe('bulk actions', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await s.admin.updateLicense({ plan: 'standard', seats: 100 });
  });
  afterAll(async () => {
    await s.stop();
    await removeDir(s.dir);
  });

  it('applies each item on its own and answers per item: one bad id never undoes the others; a retry changes nothing', async () => {
    const users = await Promise.all(['b1', 'b2', 'b3'].map((n) => activeUser(s, `${n}@example.com`)));
    const me = (await s.admin.me()).user;
    const before = (await s.admin.license()).held;
    const r = await s.admin.bulkUsers('deactivate', [users[0].id, 'nobody', users[1].id, me.id, users[2].id]);
    expect(r.results.map((x) => [x.id, x.ok, x.error?.code ?? null])).toEqual([
      [users[0].id, true, null],
      ['nobody', false, 'user_not_found'],
      [users[1].id, true, null],
      [me.id, false, 'self_action'],
      [users[2].id, true, null],
    ]);
    expect((await s.admin.license()).held).toBe(before - 3);
    // The retry: already inactive is ok, changed false, and no seat is freed twice.
    const again = await s.admin.bulkUsers(
      'deactivate',
      users.map((u) => u.id),
    );
    expect(again.results.every((x) => x.ok && x.changed === false)).toBe(true);
    expect((await s.admin.license()).held).toBe(before - 3);
    const back = await s.admin.bulkUsers('reactivate', [users[0].id, users[0].id]);
    expect(back.results).toEqual([{ id: users[0].id, ok: true, changed: true }]);
  });

  it('two administrators deactivating overlapping sets at once free each seat exactly once', async () => {
    const other = await activeUser(s, 'second-admin@example.com', { adminProfile: 'Site Administrator' });
    const second = s.client();
    second.token = (
      await second.login({ email: other.email, password: PASSWORD, client: 'tui', clientId: 'second' })
    ).token;
    const team: { id: string }[] = [];
    for (let i = 0; i < 30; i++) team.push((await s.admin.invite({ email: `team${i}@example.com` })).user);
    const before = (await s.admin.license()).held;
    const [a, b] = await Promise.all([
      s.admin.bulkUsers(
        'deactivate',
        team.slice(0, 20).map((u) => u.id),
      ),
      second.bulkUsers(
        'deactivate',
        team.slice(10).map((u) => u.id),
      ),
    ]);
    expect([...a.results, ...b.results].every((x) => x.ok)).toBe(true);
    const changed = [...a.results, ...b.results].filter((x) => x.changed).map((x) => x.id);
    expect(changed.sort()).toEqual(team.map((u) => u.id).sort()); // each user changed by exactly one of them
    expect((await s.admin.license()).held).toBe(before - 30);
    const history = await s.admin.seatHistory({ days: 1, limit: 1000 });
    expect(
      history.items.filter((h) => h.action === 'user.deactivate' && team.some((u) => u.id === h.targetId)),
    ).toHaveLength(30);
  });

  it('ends marked sessions, each on its own; an ended one answers ok, unchanged', async () => {
    const u = await activeUser(s, 'sess@example.com');
    const sessions = [];
    for (const client of ['web', 'explorer'] as const)
      sessions.push(
        (await s.client().login({ email: u.email, password: PASSWORD, client, clientId: `c-${client}` })).session.id,
      );
    const r = await s.admin.bulkEndSessions([...sessions, 'nope']);
    expect(r.results.map((x) => [x.ok, x.changed ?? null, x.error?.code ?? null])).toEqual([
      [true, true, null],
      [true, true, null],
      [false, null, 'session_not_found'],
    ]);
    expect((await s.admin.bulkEndSessions(sessions)).results.every((x) => x.ok && x.changed === false)).toBe(true);
  });

  it('refuses a bad request whole, with a clear 400 and nothing changed', async () => {
    const held = (await s.admin.license()).held;
    await expect(s.admin.bulkUsers('explode' as never, ['x'])).rejects.toMatchObject({
      status: 400,
      code: 'validation_failed',
    });
    await expect(s.admin.bulkUsers('deactivate', [])).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/at least one id/),
    });
    expect((await s.admin.license()).held).toBe(held);
  });

  it('a User Administrator cannot resend links in bulk', async () => {
    const ua = await activeUser(s, 'ua-bulk@example.com', { adminProfile: 'User Administrator' });
    const c = s.client();
    c.token = (await c.login({ email: ua.email, password: PASSWORD })).token;
    await expect(c.bulkUsers('resend-activation', [ua.id])).rejects.toMatchObject({ status: 403, code: 'forbidden' });
  });
});

describe('bulk invite', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s.stop();
    await removeDir(s.dir);
  });

  it('previews without changing anything: valid, invalid with reasons, duplicates, seats', async () => {
    await s.admin.invite({ email: 'already@example.com' });
    const held = (await s.admin.license()).held;
    const csv = [
      'email,first name,last name,profile',
      'ann@example.com,Ann,Lee,tester',
      'bad address,,,',
      'cy@example.com,,,Wizard',
      'already@example.com',
      'ann@example.com',
    ].join('\n');
    const r = await s.admin.importUsers({ csv, dryRun: true });
    expect(r.dryRun).toBe(true);
    expect(r.preview.valid.map((v) => [v.email, v.firstName, v.userProfile])).toEqual([
      ['ann@example.com', 'Ann', 'Tester'],
    ]);
    expect(r.preview.invalid.map((x) => [x.line, x.code])).toEqual([
      [3, 'invalid_email'],
      [4, 'unknown_profile'],
    ]);
    expect(r.preview.duplicates.map((x) => [x.line, x.code])).toEqual([
      [5, 'user_exists'],
      [6, 'duplicate_in_file'],
    ]);
    expect(r.preview.seats).toEqual({ available: 5 - held, needed: 1, enough: true, missing: 0 });
    expect(r.results).toEqual([]);
    expect((await s.admin.license()).held).toBe(held);
  });

  it('too few seats: says how many are missing and invites none, unless told to invite the first K', async () => {
    const free = (await s.admin.license()).available;
    const csv = Array.from({ length: free + 2 }, (_, i) => `short${i}@example.com`).join('\n');
    const none = await s.admin.importUsers({ csv });
    expect(none.preview.seats).toMatchObject({ enough: false, missing: 2 });
    expect(none.results).toEqual([]);
    expect((await s.admin.license()).available).toBe(free);

    const first = await s.admin.importUsers({ csv, inviteFirst: free });
    expect(first.results.map((x) => [x.email, x.ok])).toEqual(
      Array.from({ length: free }, (_, i) => [`short${i}@example.com`, true]),
    );
    expect(first.results[0].activationLink).toMatch(/\/activate\/act_/);
    expect((await s.admin.license()).available).toBe(0);
    const { mail } = await s.admin.latestMail({ to: 'short0@example.com', wait: 15 });
    expect(mail.subject).toContain('invited');
  });

  it('applies the valid rows with their names and profiles; a retry invites no one twice', async () => {
    await s.admin.updateLicense({ plan: 'standard', seats: 40 });
    const csv = 'dee@example.com;Dee;Ng;Developer;User Administrator\n"eve@example.com","Eve, Jr.",,Viewer\nnope\n';
    const r = await s.admin.importUsers({ csv });
    expect(r.results.map((x) => [x.email, x.ok])).toEqual([
      ['dee@example.com', true],
      ['eve@example.com', true],
    ]);
    const dee = (await s.admin.users({ q: 'dee@' })).items[0];
    expect(dee).toMatchObject({
      firstName: 'Dee',
      lastName: 'Ng',
      userProfile: 'Developer',
      adminProfile: 'User Administrator',
      status: 'pending',
    });
    const again = await s.admin.importUsers({ csv });
    expect(again.results).toEqual([]);
    expect(again.preview.duplicates.map((x) => x.code)).toEqual(['user_exists', 'user_exists']);
  });

  it('takes a 10,000-row list (over the usual 64 KB body) and refuses a bigger one whole', async () => {
    const csv = Array.from({ length: 10_000 }, (_, i) => `big-${i}@example.com,First,Last,Tester`).join('\n');
    expect(csv.length).toBeGreaterThan(64 * 1024);
    const r = await s.admin.importUsers({ csv, dryRun: true });
    expect(r.preview.valid).toHaveLength(10_000);
    await expect(s.admin.importUsers({ csv: `${csv}\nmore@example.com`, dryRun: true })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/at most 10000/),
    });
  });
});

describe('seat history', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s.stop();
    await removeDir(s.dir);
  });

  it('records every change of seats held or bought: who, what, when, held and seats after', async () => {
    const inv = await s.admin.invite({ email: 'h1@example.com' });
    await s.admin.deactivate(inv.user.id);
    await s.admin.reactivate(inv.user.id);
    await s.admin.updateLicense({ seats: 12 });
    await s.admin.updateLicense({ plan: 'standard' }); // no change of seats: no record
    const h = await s.admin.seatHistory();
    expect(h.items.map((e) => [e.action, e.held, e.seats, e.targetEmail, e.actorEmail])).toEqual([
      ['license.update', 2, 12, null, ADMIN.email],
      ['user.reactivate', 2, 5, 'h1@example.com', ADMIN.email],
      ['user.deactivate', 1, 5, 'h1@example.com', ADMIN.email],
      ['user.invite', 2, 5, 'h1@example.com', ADMIN.email],
      ['setup', 1, 5, ADMIN.email, null],
    ]);
    s.clock.advance(40 * DAY_MS);
    expect((await s.admin.seatHistory({ days: 30 })).items).toEqual([]);
    expect((await s.admin.seatHistory({ days: 90 })).total).toBe(5);
    s.clock.advance(-40 * DAY_MS);
  });
});

describe('the daily reclamation policy', () => {
  let s: TestServer;
  afterEach(async () => {
    await s.stop();
    await removeDir(s.dir);
  });

  it('is off by default, for Site Administrators only, and its dry run says what the next run would do', async () => {
    s = await startTestServer();
    expect((await s.admin.settings()).reclaim ?? { enabled: false }).toMatchObject({ enabled: false });
    const ua = await activeUser(s, 'ua@example.com', { adminProfile: 'User Administrator' });
    const c = s.client();
    c.token = (await c.login({ email: ua.email, password: PASSWORD })).token;
    await expect(c.updateSettings({ reclaim: { enabled: true } })).rejects.toMatchObject({
      status: 403,
      code: 'forbidden',
    });
    await expect(c.reclaimPlan()).rejects.toMatchObject({ status: 403 });
    await expect(s.admin.updateSettings({ reclaim: { dormantDays: 0 } })).rejects.toMatchObject({ status: 400 });

    const u = await activeUser(s, 'dozy@example.com');
    s.clock.advance(100 * DAY_MS);
    await s.admin.me();
    await s.services.sessions.flushActivity();
    const plan = await s.admin.reclaimPlan();
    expect(plan.policy).toMatchObject({ enabled: false, dormantDays: 90, pendingDays: 30 });
    // Neither ever signed in: oldest first, then by address.
    expect(plan.actions.map((a) => [a.email, a.action, a.reason])).toEqual([
      ['dozy@example.com', 'deactivate', 'dormant'],
      ['ua@example.com', 'deactivate', 'dormant'],
    ]);
    expect(plan.seatsFreed).toBe(2);
    expect((await s.admin.user(u.id)).user.status).toBe('active'); // a dry run changes nothing
  });

  it('runs daily: deactivates dormant users and withdraws stale invitations, audited with the reason, mailed, in the seat history', async () => {
    s = await startTestServer({ start: { policyTickMs: 25 } });
    await s.admin.updateLicense({ plan: 'standard', seats: 20 });
    const dozy = await activeUser(s, 'dozy@example.com');
    const awake = await activeUser(s, 'awake@example.com');
    const inv = await s.admin.invite({ email: 'never@example.com' });
    const awakeClient = s.client();
    awakeClient.token = (
      await awakeClient.login({ email: awake.email, password: PASSWORD, client: 'web', clientId: 'awake' })
    ).token;
    s.clock.advance(31 * DAY_MS);
    await awakeClient.me();
    await s.admin.me();
    await s.services.sessions.flushActivity();
    // Turned on after the jump of the clock, so no tick sees the jump before the activity is written.
    await s.admin.updateSettings({ reclaim: { enabled: true, dormantDays: 30, pendingDays: 14 } });

    await eventually(async () => (await s.admin.user(dozy.id)).user.status === 'inactive');
    await eventually(async () => (await s.admin.user(inv.user.id)).user.status === 'inactive');
    expect((await s.admin.user(awake.id)).user.status).toBe('active');
    const link = inv.activationLink!.split('/').pop()!;
    await expect(s.client().activate({ token: link, password: PASSWORD, firstName: 'N' })).rejects.toMatchObject({
      code: 'token_invalid',
    });

    const audit = (await s.admin.audit({ limit: 50 })).items;
    expect(audit.find((a) => a.action === 'user.deactivate' && a.targetEmail === 'dozy@example.com')).toMatchObject({
      actorId: null,
      detail: { reason: 'dormant' },
    });
    expect(
      audit.find((a) => a.action === 'user.withdraw_invitation' && a.targetEmail === 'never@example.com'),
    ).toMatchObject({ detail: { reason: 'stale_invitation' } });
    const history = (await s.admin.seatHistory()).items;
    expect(
      history
        .filter((h) => h.reason)
        .map((h) => [h.targetEmail, h.reason])
        .sort(),
    ).toEqual([
      ['dozy@example.com', 'dormant'],
      ['never@example.com', 'stale_invitation'],
    ]);
    expect(
      (await s.admin.latestMail({ to: 'dozy@example.com', subject: 'inactivity', wait: 15 })).mail.subject,
    ).toContain('deactivated');
    expect(
      (await s.admin.latestMail({ to: 'never@example.com', subject: 'withdrawn', wait: 15 })).mail.subject,
    ).toContain('withdrawn');
    const settings = await s.admin.settings();
    expect(settings.reclaim?.lastRunAt).toBeTruthy();

    // Later the same day nothing runs again; a day later it does (and finds nothing left).
    const runs = () => s.admin.audit({ limit: 200 }).then((p) => p.items.filter((a) => a.detail.reason).length);
    expect(await runs()).toBe(2);
    s.clock.advance(2 * 3_600_000);
    await new Promise((r) => setTimeout(r, 150));
    expect((await s.admin.settings()).reclaim?.lastRunAt).toBe(settings.reclaim?.lastRunAt);
    s.clock.advance(DAY_MS);
    await eventually(async () => (await s.admin.settings()).reclaim?.lastRunAt !== settings.reclaim?.lastRunAt);
    expect(await runs()).toBe(2);
  });

  it('runs at once from two callers change each user once; a user who signed in meanwhile is left alone', async () => {
    s = await startTestServer();
    await s.admin.updateLicense({ plan: 'standard', seats: 30 });
    const users = [];
    for (let i = 0; i < 8; i++) users.push(await activeUser(s, `d${i}@example.com`));
    const d1 = s.client();
    d1.token = (await d1.login({ email: 'd1@example.com', password: PASSWORD, client: 'web', clientId: 'd1' })).token;
    s.clock.advance(100 * DAY_MS);
    await s.admin.me();
    await s.services.sessions.flushActivity();
    const plan = await s.admin.reclaimPlan();
    expect(plan.actions).toHaveLength(8);
    // Between the plan and the run d0 signs in, and d1 uses its old session (not yet written:
    // activity is batched): the run's own check sees both.
    await s.client().login({ email: 'd0@example.com', password: PASSWORD, client: 'web', clientId: 'd0' });
    await d1.me();
    const [a, b] = await Promise.all([s.admin.runReclaim(), s.admin.runReclaim()]);
    const changed = [...a.results, ...b.results]
      .filter((r) => r.ok && r.changed)
      .map((r) => r.email)
      .sort();
    expect(changed).toEqual(
      users
        .slice(2)
        .map((u) => u.email)
        .sort(),
    );
    expect((await s.admin.user(users[0].id)).user.status).toBe('active');
    expect((await s.admin.user(users[1].id)).user.status).toBe('active');
    expect((await s.admin.license()).held).toBe(3);
  });
});
