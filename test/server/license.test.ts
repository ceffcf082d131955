import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.stop();
  await removeDir(s.dir);
});

describe('license and seats', () => {
  it('a new site is a 5-seat trial with the administrator holding one', async () => {
    expect(await s.admin.license()).toEqual({ plan: 'trial', seats: 5, expiresAt: null, held: 1, available: 4 });
  });

  it('the fifth invitation fails with no_available_licenses and a helpful message', async () => {
    for (let i = 1; i <= 4; i++) await s.admin.invite({ email: `seat${i}@example.com` });
    expect((await s.admin.license()).available).toBe(0);
    const err = await s.admin.invite({ email: 'seat5@example.com' }).catch((e) => e);
    expect(err).toMatchObject({ status: 409, code: 'no_available_licenses' });
    expect(err.message).toMatch(/all 5 seats/);
    expect(err.message).toMatch(/Deactivate/);
    expect((await s.admin.users({ q: 'seat5' })).total).toBe(0);
  });

  it('reactivation needs a free seat too', async () => {
    const u = (await s.admin.users({ q: 'seat1' })).items[0];
    await s.admin.deactivate(u.id);
    await s.admin.invite({ email: 'seat6@example.com' });
    await expect(s.admin.reactivate(u.id)).rejects.toMatchObject({ code: 'no_available_licenses' });
  });

  it('lowering seats below those held is refused and changes nothing', async () => {
    await expect(s.admin.updateLicense({ seats: 3 })).rejects.toMatchObject({ status: 409, code: 'seats_below_held' });
    expect((await s.admin.license()).seats).toBe(5);
    await expect(s.admin.updateLicense({ seats: -1 })).rejects.toMatchObject({ status: 400 });
  });

  it('two concurrent invitations for the last seat: exactly one succeeds', async () => {
    await s.admin.updateLicense({ seats: 6 });
    const results = await Promise.allSettled([
      s.admin.invite({ email: 'race1@example.com' }),
      s.admin.invite({ email: 'race2@example.com' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'no_available_licenses' } });
    expect(await s.admin.license()).toMatchObject({ seats: 6, held: 6, available: 0 });
  });

  it('settings are validated and changes nothing when out of range', async () => {
    await expect(s.admin.updateSettings({ idleTimeoutMinutes: 0 })).rejects.toMatchObject({ status: 400 });
    await expect(s.admin.updateSettings({ maxSessionsPerUser: 101 })).rejects.toMatchObject({ status: 400 });
    expect(await s.admin.settings()).toEqual({
      idleTimeoutMinutes: null,
      maxSessionsPerUser: 3,
      mailRetention: 5000,
      mail: { mode: 'sink', sinkPort: s.smtpPort },
    });
    expect(await s.admin.updateSettings({ idleTimeoutMinutes: 15 })).toMatchObject({ idleTimeoutMinutes: 15 });
    expect(await s.admin.updateSettings({ idleTimeoutMinutes: null })).toMatchObject({ idleTimeoutMinutes: null });
  });
});

describe('expiry and passwords', () => {
  it('an expired license refuses invitations until it is renewed', async () => {
    await s.admin.updateLicense({ seats: 50, expiresAt: new Date(Date.now() - 60_000).toISOString() });
    const err = await s.admin.invite({ email: 'late-lic@example.com' }).catch((e) => e);
    expect(err).toMatchObject({ status: 409, code: 'license_expired' });
    expect(err.message).toMatch(/Renew/);
    await s.admin.updateLicense({ expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    await s.admin.invite({ email: 'late-lic@example.com' });
    await s.admin.updateLicense({ expiresAt: null });
  });

  it('passwords: 12 to 128 characters of any script, common ones refused', async () => {
    const link = async (email: string) => (await s.admin.invite({ email })).activationLink!.split('/').pop()!;
    const t1 = await link('uni1@example.com');
    await expect(s.client().activate({ token: t1, password: '🔑'.repeat(129), firstName: 'U' })).rejects.toMatchObject({
      status: 400,
    });
    await expect(s.client().activate({ token: t1, password: 'Password1234', firstName: 'U' })).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('common'),
    });
    await s.client().activate({ token: t1, password: '🔑'.repeat(128), firstName: 'U' });
    expect((await s.client().login({ email: 'uni1@example.com', password: '🔑'.repeat(128) })).user.email).toBe(
      'uni1@example.com',
    );
    const t2 = await link('uni2@example.com');
    await s.client().activate({ token: t2, password: 'пароль-верный', firstName: 'Ю' });
  });
});
