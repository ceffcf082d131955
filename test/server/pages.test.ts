// The pages behind mailed links, as a person meets them: where to sign in afterwards, clear words
// for used and expired links, error boxes announced (role="alert"), inputs that phones do not zoom.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humanDate } from '../../src/domain/dates.js';
import { PASSWORD, removeDir, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
let withProduct: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await s.admin.updateLicense({ seats: 20 });
  withProduct = await startTestServer({ config: { productUrl: 'https://testhub.example.com/login' } });
});
afterAll(async () => {
  for (const x of [s, withProduct]) {
    await x.stop();
    await removeDir(x.dir);
  }
});

const pathOf = (link: string) => new URL(link).pathname;
const submit = (x: TestServer, path: string, body: Record<string, string>) =>
  fetch(x.url + path, { method: 'POST', body: new URLSearchParams(body) });
/** Every error box on a page, and whether each carries role="alert". */
const errorBoxes = (html: string) =>
  [...html.matchAll(/<p class="err"([^>]*)>/g)].map((m) => m[1].includes('role="alert"'));

describe('activation and reset pages', () => {
  it('use 16 px inputs', async () => {
    const inv = await s.admin.invite({ email: 'zoom@example.com' });
    const html = await (await fetch(s.url + pathOf(inv.activationLink!))).text();
    expect(html).toMatch(/input\{[^}]*font-size:16px/);
  });

  it('after activation say how to open the console when no product URL is set, and point at the product when it is', async () => {
    const a = await s.admin.invite({ email: 'plain@example.com' });
    const done = await (
      await submit(s, pathOf(a.activationLink!), { firstName: 'Pia', password: PASSWORD, password2: PASSWORD })
    ).text();
    expect(done).toContain('Your account is active');
    expect(done).toContain('<code>npx seatdesk</code>');

    const b = await withProduct.admin.invite({ email: 'prod@example.com' });
    const ok = await (
      await submit(withProduct, pathOf(b.activationLink!), {
        firstName: 'Pro',
        password: PASSWORD,
        password2: PASSWORD,
      })
    ).text();
    expect(ok).toContain(
      'Sign in at <a href="https://testhub.example.com/login">https://testhub.example.com/login</a> as <strong>prod@example.com</strong>',
    );

    const reset = await withProduct.admin.resetPassword(b.user.id);
    const changed = await (
      await submit(withProduct, pathOf(reset.resetLink!), {
        password: 'another-password-77',
        password2: 'another-password-77',
      })
    ).text();
    expect(changed).toContain('Your password is changed');
    expect(changed).toContain('Sign in at <a href="https://testhub.example.com/login">');
  });

  it('a used activation link of an active account says the account is active', async () => {
    const inv = await s.admin.invite({ email: 'twice@example.com' });
    await submit(s, pathOf(inv.activationLink!), { firstName: 'Tim', password: PASSWORD, password2: PASSWORD });
    const again = await fetch(s.url + pathOf(inv.activationLink!));
    expect(again.status).toBe(410);
    const html = await again.text();
    expect(html).toContain('This account (twice@example.com) is already active: sign in instead.');
    expect(errorBoxes(html)).toEqual([true]);
  });

  it('an expired link names the day and time in the server time zone, not an ISO timestamp', async () => {
    const inv = await s.admin.invite({ email: 'late@example.com' });
    const expiresAt = new Date(s.clock.now().getTime() + s.config.activationTtlMs);
    s.clock.advance(s.config.activationTtlMs + 60_000);
    const res = await fetch(s.url + pathOf(inv.activationLink!));
    expect(res.status).toBe(410);
    const html = await res.text();
    expect(html).toContain(`expired on ${humanDate(expiresAt)}`);
    expect(html).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    expect(errorBoxes(html)).toEqual([true]);
  });

  it('marks every error box as an alert', async () => {
    const inv = await s.admin.invite({ email: 'alerts@example.com' });
    const path = pathOf(inv.activationLink!);
    const pages = [
      await fetch(`${s.url}/activate/act_unknown`),
      await fetch(`${s.url}/reset-password/rst_unknown`),
      await submit(s, path, { firstName: 'Al', password: 'short', password2: 'short' }),
      await submit(s, path, { firstName: '', password: PASSWORD, password2: PASSWORD }),
      await fetch(s.url + path, {
        method: 'POST',
        body: new URLSearchParams({}),
        headers: { origin: 'https://evil.example' },
      }),
    ];
    for (const res of pages) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      const boxes = errorBoxes(await res.text());
      expect(boxes.length).toBeGreaterThan(0);
      expect(boxes.every(Boolean)).toBe(true);
    }
  });
});
