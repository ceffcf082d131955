import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, activeUser, removeDir, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await s.admin.updateLicense({ plan: 'standard', seats: 100 });
});
afterAll(async () => {
  await s.stop();
  await removeDir(s.dir);
});

const tokenOf = (link: string) => link.split('/').pop()!;

describe('invite', () => {
  it('creates a pending user in the Sample Project, mails the link and returns it', async () => {
    const res = await s.admin.invite({ email: '  Carol@Example.COM ', userProfile: 'Tester' });
    expect(res.user).toMatchObject({
      email: 'carol@example.com',
      status: 'pending',
      userProfile: 'Tester',
      adminProfile: null,
    });
    expect(res.user.projects).toEqual([{ projectId: 'sample-project', profile: 'Tester' }]);
    expect(res.user).not.toHaveProperty('passwordHash');
    expect(res.activationLink).toMatch(/^http:\/\/localhost:4780\/activate\/act_[A-Za-z0-9_-]{43}$/);
    expect(res.mail.status).toBe('queued');
    const { mail } = await s.admin.latestMail({ to: 'carol@example.com', wait: 15 });
    expect(mail.subject).toContain('invited');
    const full = await s.admin.mail(mail.id);
    expect(full.mail.text).toContain(res.activationLink);
    expect(full.mail.links[0]).toEqual({ url: res.activationLink, kind: 'activation' });
    const audit = await s.admin.audit({ limit: 5 });
    expect(audit.items.some((a) => a.action === 'user.invite' && a.targetEmail === 'carol@example.com')).toBe(true);
  });

  it('refuses a duplicate email with user_exists', async () => {
    await expect(s.admin.invite({ email: 'carol@example.com' })).rejects.toMatchObject({
      status: 409,
      code: 'user_exists',
    });
  });

  it('refuses bad input with a 400 and changes nothing', async () => {
    const before = (await s.admin.users()).total;
    await expect(s.admin.invite({ email: 'not-an-email' })).rejects.toMatchObject({
      status: 400,
      code: 'validation_failed',
    });
    await expect(s.admin.invite({ email: 'x@example.com', userProfile: 'Wizard' as never })).rejects.toMatchObject({
      status: 400,
    });
    const raw = await fetch(`${s.url}/api/users/invite`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.admin.token}`, 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(raw.status).toBe(400);
    expect((await raw.json()).error.code).toBe('invalid_json');
    const big = await fetch(`${s.url}/api/users/invite`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@b.co', pad: 'x'.repeat(70_000) }),
    });
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe('payload_too_large');
    expect((await s.admin.users()).total).toBe(before);
  });
});

describe('activation', () => {
  it('activates once; a reused link is refused', async () => {
    const inv = await s.admin.invite({ email: 'dave@example.com' });
    const token = tokenOf(inv.activationLink!);
    await expect(s.client().activate({ token, password: 'short', firstName: 'D' })).rejects.toMatchObject({
      status: 400,
    });
    await expect(s.client().activate({ token, password: 'password1234', firstName: 'D' })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    const { user } = await s.client().activate({ token, password: PASSWORD, firstName: 'Dave', lastName: 'Jones' });
    expect(user).toMatchObject({ status: 'active', firstName: 'Dave', lastName: 'Jones' });
    expect(user.activatedAt).not.toBeNull();
    await expect(s.client().activate({ token, password: PASSWORD, firstName: 'X' })).rejects.toMatchObject({
      code: 'token_used',
    });
    const login = await s.client().login({ email: 'dave@example.com', password: PASSWORD });
    expect(login.user.email).toBe('dave@example.com');
  });

  it('refuses an unknown or expired link', async () => {
    await expect(s.client().activate({ token: 'act_nope', password: PASSWORD, firstName: 'X' })).rejects.toMatchObject({
      code: 'token_invalid',
    });
    const inv = await s.admin.invite({ email: 'late@example.com' });
    s.clock.advance(7 * 86_400_000 + 1000);
    try {
      await expect(
        s.client().activate({ token: tokenOf(inv.activationLink!), password: PASSWORD, firstName: 'L' }),
      ).rejects.toMatchObject({ code: 'token_expired' });
    } finally {
      s.clock.advance(-(7 * 86_400_000 + 1000));
    }
  });

  it('resend issues a new link, mails it, and the old one stops working', async () => {
    const inv = await s.admin.invite({ email: 'erin@example.com' });
    const again = await s.admin.resendActivation(inv.user.id);
    expect(again.activationLink).not.toBe(inv.activationLink);
    const { mail } = await s.admin.latestMail({ to: 'erin@example.com', subject: 'new activation link', wait: 15 });
    expect((await s.admin.mail(mail.id)).mail.links[0].url).toBe(again.activationLink);
    await expect(
      s.client().activate({ token: tokenOf(inv.activationLink!), password: PASSWORD, firstName: 'E' }),
    ).rejects.toMatchObject({ code: 'token_invalid' });
    await s.client().activate({ token: tokenOf(again.activationLink!), password: PASSWORD, firstName: 'Erin' });
    await expect(s.admin.resendActivation(inv.user.id)).rejects.toMatchObject({ status: 409, code: 'invalid_state' });
  });
});

describe('reset password', () => {
  it('returns a one-hour single-use link, mails it, and ends sessions and API tokens', async () => {
    const u = await activeUser(s, 'frank@example.com');
    const c = s.client();
    c.token = (await c.login({ email: u.email, password: PASSWORD })).token;
    const api = s.client((await c.createToken('ci')).token);
    await api.me();
    const res = await s.admin.resetPassword(u.id);
    expect(res.resetLink).toMatch(/\/reset-password\/rst_/);
    await expect(c.me()).rejects.toMatchObject({ status: 401, code: 'session_terminated' });
    await expect(api.me()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    const { mail } = await s.admin.latestMail({ to: u.email, subject: 'reset', wait: 15 });
    expect((await s.admin.mail(mail.id)).mail.links[0]).toEqual({ url: res.resetLink, kind: 'reset' });
    // A newer reset link cancels the older one.
    const newer = await s.admin.resetPassword(u.id);
    await expect(
      s.client().resetPasswordWithToken({ token: tokenOf(res.resetLink!), password: 'brand-new-password-0' }),
    ).rejects.toMatchObject({ code: 'token_invalid' });
    const token = tokenOf(newer.resetLink!);
    await s.client().resetPasswordWithToken({ token, password: 'brand-new-password-1' });
    await expect(s.client().resetPasswordWithToken({ token, password: 'brand-new-password-2' })).rejects.toMatchObject({
      code: 'token_used',
    });
    await expect(s.client().login({ email: u.email, password: PASSWORD })).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    await s.client().login({ email: u.email, password: 'brand-new-password-1' });
  });

  it('is only for active users', async () => {
    const inv = await s.admin.invite({ email: 'pend@example.com' });
    await expect(s.admin.resetPassword(inv.user.id)).rejects.toMatchObject({ code: 'invalid_state' });
  });
});

describe('deactivate and reactivate', () => {
  it('frees the seat, removes projects, ends sessions, refuses login; reactivation restores', async () => {
    const u = await activeUser(s, 'gina@example.com', { userProfile: 'Tester' });
    const c = s.client();
    c.token = (await c.login({ email: u.email, password: PASSWORD })).token;
    const held = (await s.admin.license()).held;
    const { user } = await s.admin.deactivate(u.id);
    expect(user).toMatchObject({ status: 'inactive', projects: [] });
    expect(user.suspendedProjects).toEqual([{ projectId: 'sample-project', profile: 'Tester' }]);
    expect((await s.admin.license()).held).toBe(held - 1);
    await expect(c.me()).rejects.toMatchObject({
      status: 401,
      code: 'session_terminated',
      details: { reason: 'deactivated' },
    });
    await expect(s.client().login({ email: u.email, password: PASSWORD })).rejects.toMatchObject({
      status: 403,
      code: 'account_inactive',
    });
    await expect(s.admin.invite({ email: u.email })).rejects.toMatchObject({
      code: 'user_exists',
      message: expect.stringContaining('Reactivate'),
    });
    await expect(s.admin.deactivate(u.id)).rejects.toMatchObject({ code: 'invalid_state' });
    const ended = await s.admin.sessions({ state: 'ended', q: 'gina' });
    expect(ended.items[0]).toMatchObject({ endReason: 'deactivated' });

    const re = await s.admin.reactivate(u.id);
    expect(re.user).toMatchObject({
      status: 'active',
      projects: [{ projectId: 'sample-project', profile: 'Tester' }],
      suspendedProjects: [],
    });
    expect(re.mail.status).toBe('queued');
    await s.admin.latestMail({ to: u.email, subject: 'active again', wait: 15 });
    await s.client().login({ email: u.email, password: PASSWORD });
  });

  it('a never-activated user comes back pending', async () => {
    const inv = await s.admin.invite({ email: 'hal@example.com' });
    await s.admin.deactivate(inv.user.id);
    expect((await s.admin.reactivate(inv.user.id)).user.status).toBe('pending');
  });

  it('an administrator cannot deactivate themself or the last Site Administrator', async () => {
    const me = (await s.admin.me()).user;
    await expect(s.admin.deactivate(me.id)).rejects.toMatchObject({ code: 'self_action' });
    const ua = await activeUser(s, 'useradmin@example.com', { adminProfile: 'User Administrator' });
    const uac = s.client();
    uac.token = (await uac.login({ email: ua.email, password: PASSWORD })).token;
    await expect(uac.deactivate(me.id)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(s.admin.patchUser(me.id, { adminProfile: null })).rejects.toMatchObject({ code: 'last_admin' });
    await s.admin.deactivate(ua.id);
  });

  it('unknown users are 404', async () => {
    await expect(s.admin.deactivate('nope')).rejects.toMatchObject({ status: 404, code: 'user_not_found' });
    await expect(s.admin.user('nope')).rejects.toMatchObject({ status: 404 });
  });
});

describe('profiles and listing', () => {
  it('edits names and profiles', async () => {
    const inv = await s.admin.invite({ email: 'ivy@example.com' });
    const { user } = await s.admin.patchUser(inv.user.id, {
      firstName: 'Ivy',
      userProfile: 'Developer',
      adminProfile: 'User Administrator',
    });
    expect(user).toMatchObject({ firstName: 'Ivy', userProfile: 'Developer', adminProfile: 'User Administrator' });
    await expect(s.admin.patchUser(inv.user.id, { userProfile: 'Nope' as never })).rejects.toMatchObject({
      status: 400,
    });
    await expect(s.admin.patchUser(inv.user.id, { email: 'x@y.z' } as never)).rejects.toMatchObject({ status: 400 });
  });

  it('filters, sorts and pages', async () => {
    const all = await s.admin.users({ sort: 'email', limit: 1000 });
    const emails = all.items.map((u) => u.email);
    expect(emails).toEqual([...emails].sort());
    const desc = await s.admin.users({ sort: 'email', order: 'desc', limit: 2 });
    expect(desc.items.map((u) => u.email)).toEqual([...emails].reverse().slice(0, 2));
    expect(desc.total).toBe(all.total);
    const filtered = await s.admin.users({ q: 'ivy' });
    expect(filtered.items.map((u) => u.email)).toEqual(['ivy@example.com']);
    const pending = await s.admin.users({ status: 'pending', limit: 1000 });
    expect(pending.items.every((u) => u.status === 'pending')).toBe(true);
    await expect(s.admin.users({ limit: 0 })).rejects.toMatchObject({ status: 400 });
  });

  it('lists profiles and projects', async () => {
    expect((await s.admin.profiles()).userProfiles).toContain('Project Admin');
    const { items } = await s.admin.projects();
    expect(items[0]).toMatchObject({ id: 'sample-project', name: 'Sample Project' });
    expect(items[0].members).toBeGreaterThan(1);
  });
});
