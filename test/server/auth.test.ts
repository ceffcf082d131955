import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  PASSWORD,
  activeUser,
  eventually,
  removeDir,
  startTestServer,
  type TestServer,
} from '../helpers/server.js';

describe('first-run setup', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ seedAdmin: false });
  });
  afterAll(async () => {
    await s.stop();
    await removeDir(s.dir);
  });

  it('is needed until a Site Administrator exists, then refused', async () => {
    const c = s.client();
    expect(await c.setupStatus()).toMatchObject({ needsSetup: true });
    await expect(c.setup('root@example.com', 'short')).rejects.toMatchObject({ status: 400 });
    const { user } = await c.setup('Root@Example.com', 'a-long-root-password');
    expect(user).toMatchObject({ email: 'root@example.com', adminProfile: 'Site Administrator', status: 'active' });
    expect(await c.setupStatus()).toMatchObject({ needsSetup: false });
    await expect(c.setup('other@example.com', 'a-long-root-password')).rejects.toMatchObject({
      status: 409,
      code: 'setup_done',
    });
    expect((await c.login({ email: 'root@example.com', password: 'a-long-root-password' })).user.email).toBe(
      'root@example.com',
    );
  });
});

describe('login and access', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await s.admin.updateLicense({ seats: 20 });
  });
  afterAll(async () => {
    await s.stop();
    await removeDir(s.dir);
  });

  it('health is public', async () => {
    expect(await s.client().health()).toMatchObject({ status: 'ok' });
  });

  it('the same message for a wrong password and an unknown email', async () => {
    const a = await s
      .client()
      .login({ email: ADMIN.email, password: 'wrong-password-1' })
      .catch((e) => e);
    const b = await s
      .client()
      .login({ email: 'nobody@example.com', password: 'wrong-password-1' })
      .catch((e) => e);
    expect(a).toMatchObject({ status: 401, code: 'invalid_credentials' });
    expect(b).toMatchObject({ status: 401, code: 'invalid_credentials', message: a.message });
  });

  it('a pending user cannot sign in', async () => {
    await s.admin.invite({ email: 'waiting@example.com' });
    await expect(s.client().login({ email: 'waiting@example.com', password: 'anything-at-all' })).rejects.toMatchObject(
      { code: 'invalid_credentials' },
    );
  });

  it('every admin route needs a token and an admin profile', async () => {
    const anon = s.client();
    await expect(anon.users()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    await expect(s.client('garbage').users()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    await expect(s.client('sds_' + 'A'.repeat(43)).users()).rejects.toMatchObject({
      status: 401,
      code: 'unauthorized',
    });
    const plain = await activeUser(s, 'plain@example.com');
    const pc = s.client();
    pc.token = (await pc.login({ email: plain.email, password: PASSWORD })).token;
    expect((await pc.me()).user.email).toBe('plain@example.com');
    for (const call of [
      () => pc.users(),
      () => pc.license(),
      () => pc.sessions(),
      () => pc.mails(),
      () => pc.settings(),
      () => pc.audit(),
      () => pc.invite({ email: 'x@example.com' }),
    ])
      await expect(call()).rejects.toMatchObject({ status: 403, code: 'forbidden' });
  });

  it('a User Administrator manages users and sessions but not the license, settings or resends', async () => {
    const ua = await activeUser(s, 'ua@example.com', { adminProfile: 'User Administrator' });
    const c = s.client();
    c.token = (await c.login({ email: ua.email, password: PASSWORD })).token;
    expect((await c.users()).total).toBeGreaterThan(0);
    expect((await c.sessions()).activeCount).toBeGreaterThan(0);
    expect((await c.license()).seats).toBe(20);
    const inv = await c.invite({ email: 'by-ua@example.com' });
    await expect(c.resendActivation(inv.user.id)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(c.updateLicense({ seats: 30 })).rejects.toMatchObject({ status: 403 });
    await expect(c.updateSettings({ maxSessionsPerUser: 5 })).rejects.toMatchObject({ status: 403 });
    await expect(c.invite({ email: 'sa@example.com', adminProfile: 'Site Administrator' })).rejects.toMatchObject({
      status: 403,
    });
  });

  it('/api/me shows the user and the session with its latest activity', async () => {
    const c = s.client();
    const login = await c.login({ ...ADMIN, clientId: 'me-check' });
    c.token = login.token;
    s.clock.advance(90_000);
    const { user, session } = await c.me();
    expect(user).toMatchObject({ email: ADMIN.email, adminProfile: 'Site Administrator' });
    expect(user).not.toHaveProperty('passwordHash');
    expect(session).toMatchObject({ id: login.session.id, client: 'web', clientId: 'me-check' });
    expect(session).not.toHaveProperty('tokenHash');
    expect(Date.parse(session.lastActivityAt) - Date.parse(login.session.lastActivityAt)).toBeGreaterThanOrEqual(
      90_000,
    );
  });

  it('a User Administrator does not see mail to Site Administrators (it can hold their reset links)', async () => {
    const sa2 = await activeUser(s, 'second-sa@example.com', { adminProfile: 'Site Administrator' });
    const res = await s.admin.resetPassword(sa2.id);
    const { mail } = await s.admin.latestMail({ to: sa2.email, subject: 'reset', wait: 15 });
    expect((await s.admin.mail(mail.id)).mail.links[0].url).toBe(res.resetLink);
    const ua = await activeUser(s, 'ua-mail@example.com', { adminProfile: 'User Administrator' });
    const c = s.client((await s.client().login({ email: ua.email, password: PASSWORD })).token);
    expect((await c.mails({ limit: 1000 })).items.some((m) => m.to.includes(sa2.email))).toBe(false);
    await expect(c.mail(mail.id)).rejects.toMatchObject({ status: 404 });
    await expect(c.rawMail(mail.id)).rejects.toMatchObject({ status: 404 });
    await expect(c.latestMail({ to: sa2.email })).rejects.toMatchObject({ code: 'no_message' });
    // Their own invitation they do see, once the outbox has sent it (it goes after the answer).
    await eventually(async () => (await c.mails({ q: 'ua-mail' })).total > 0);
  });

  it('logout ends the session', async () => {
    const c = s.client();
    c.token = (await c.login(ADMIN)).token;
    await c.logout();
    await expect(c.me()).rejects.toMatchObject({
      status: 401,
      code: 'session_terminated',
      details: { reason: 'logout' },
    });
  });

  it('repeated failures are slowed with 429 and Retry-After, without telling whether the email exists', async () => {
    const email = 'victim@example.com';
    let last: unknown;
    for (let i = 0; i < 8; i++)
      last = await s
        .client()
        .login({ email, password: `wrong-password-${i}` })
        .catch((e) => e);
    expect(last).toMatchObject({ status: 429, code: 'too_many_attempts' });
    const res = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'x' }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    s.clock.advance(60 * 60_000);
    await expect(s.client().login({ email, password: 'wrong-again-123' })).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
  });

  it('unknown API paths are 404 in the error shape', async () => {
    const res = await fetch(`${s.url}/api/nothing-here`);
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
  });
});

describe('activation and reset pages', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s.stop();
    await removeDir(s.dir);
  });

  it('serve a safe form and activate the account', async () => {
    const inv = await s.admin.invite({ email: 'page@example.com' });
    const path = new URL(inv.activationLink!).pathname;
    const get = await fetch(s.url + path);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(get.headers.get('referrer-policy')).toBe('same-origin');
    expect(get.headers.get('cache-control')).toBe('no-store');
    const html = await get.text();
    expect(html).toContain('page@example.com');
    expect(html).not.toContain('<script');

    const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(s.url + path, { method: 'POST', body: new URLSearchParams(body), headers });
    const mismatch = await post({ firstName: '<b>Pat</b>', password: 'page-password-1', password2: 'page-password-2' });
    expect(mismatch.status).toBe(400);
    const text = await mismatch.text();
    expect(text).toContain('not the same');
    expect(text).toContain('&lt;b&gt;Pat&lt;/b&gt;');
    expect(
      (
        await post(
          { firstName: 'Pat', password: 'page-password-1', password2: 'page-password-1' },
          { origin: 'https://evil.example' },
        )
      ).status,
    ).toBe(403);
    const ok = await post({ firstName: 'Pat', password: 'page-password-1', password2: 'page-password-1' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('active');
    expect((await s.client().login({ email: 'page@example.com', password: 'page-password-1' })).user.firstName).toBe(
      'Pat',
    );
    const again = await fetch(s.url + path);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('is already active: sign in instead');
  });

  it('an unknown link gets a clear page', async () => {
    const res = await fetch(`${s.url}/reset-password/rst_unknown`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('not valid');
  });
});

describe('brute force', () => {
  it('an attacker retrying as soon as allowed gets at most 100 guesses an hour at one account', async () => {
    const s = await startTestServer();
    try {
      const email = 'target@example.com';
      let guesses = 0;
      let elapsed = 0;
      while (elapsed < 3_600_000) {
        const err = await s
          .client()
          .login({ email, password: `guess-number-${guesses}` })
          .catch((e) => e);
        let wait = 1;
        if (err.code === 'too_many_attempts') wait = err.details.retryAfter * 1000;
        else {
          expect(err.code).toBe('invalid_credentials');
          guesses++;
        }
        s.clock.advance(wait);
        elapsed += wait;
      }
      expect(guesses).toBeGreaterThanOrEqual(5);
      expect(guesses).toBeLessThanOrEqual(100);
      const audit = await s.admin.audit({ limit: 1000 });
      expect(audit.items.filter((a) => a.action === 'login.failed').length).toBe(guesses);
    } finally {
      await s.stop();
      await removeDir(s.dir);
    }
  });
});
