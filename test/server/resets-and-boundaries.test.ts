// Password resets issued by an administrator, the User Administrator's boundary around Site
// Administrators, and activation through the API with names optional.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, PASSWORD, activeUser, removeDir, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await s.admin.updateLicense({ seats: 50 });
  await s.admin.updateSettings({ maxSessionsPerUser: 10 });
});
afterAll(async () => {
  await s.stop();
  await removeDir(s.dir);
});

const signIn = async (email: string, password = PASSWORD) =>
  s.client((await s.client().login({ email, password, clientId: `c${Math.random()}` })).token);

describe('an administrator password reset', () => {
  it('stops the old password at once, and completing it ends every session and API token', async () => {
    const u = await activeUser(s, 'reset-me@example.com');
    const before = await signIn(u.email);
    const apiBefore = s.client((await before.createToken('old')).token);
    const { resetLink } = await s.admin.resetPassword(u.id);
    expect((await s.admin.user(u.id)).user.passwordResetPendingAt).not.toBeNull();

    // The attacker who knows the old password gets nowhere, and learns to use the link.
    const err = await s
      .client()
      .login({ email: u.email, password: PASSWORD })
      .catch((e) => e);
    expect(err).toMatchObject({ status: 403, code: 'password_reset_pending' });
    expect(err.message).toMatch(/link in the email/);
    // A wrong password still says only that it is wrong.
    await expect(s.client().login({ email: u.email, password: 'not-the-password' })).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    await expect(before.me()).rejects.toMatchObject({ status: 401, code: 'session_terminated' });
    await expect(apiBefore.me()).rejects.toMatchObject({ status: 401 });

    await s.client().resetPasswordWithToken({ token: resetLink!.split('/').pop()!, password: 'a-brand-new-password' });
    expect((await s.admin.user(u.id)).user.passwordResetPendingAt).toBeNull();
    await expect(s.client().login({ email: u.email, password: PASSWORD })).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    expect((await (await signIn(u.email, 'a-brand-new-password')).me()).user.email).toBe(u.email);
  });

  it('completing a reset ends sessions and tokens opened meanwhile, whatever opened them', async () => {
    const u = await activeUser(s, 'reset-race@example.com');
    const { resetLink } = await s.admin.resetPassword(u.id);
    // Sessions and tokens that exist when the user completes the reset (here planted below the
    // API, as a store written by an older Seatdesk could hold them) do not survive it.
    const live = await signInBypassingPending(u.id);
    // Until then, they are refused: nothing works for the account while its reset is pending.
    await expect(live.session.me()).rejects.toMatchObject({ status: 403, code: 'password_reset_pending' });
    await expect(live.api.me()).rejects.toMatchObject({ status: 403, code: 'password_reset_pending' });
    await s.client().resetPasswordWithToken({ token: resetLink!.split('/').pop()!, password: 'another-new-password' });
    await expect(live.session.me()).rejects.toMatchObject({
      status: 401,
      code: 'session_terminated',
      details: { reason: 'password_reset' },
    });
    await expect(live.api.me()).rejects.toMatchObject({ status: 401 });
  });
});

/** Clears the pending mark for a moment to sign in with the old password and make an API token. */
async function signInBypassingPending(userId: string) {
  const repo = s.services.ctx.repo;
  const pending = (await repo.user(userId))!;
  await repo.transaction((tx) => tx.putUser({ ...pending, passwordResetPendingAt: null }));
  const session = await signIn(pending.email);
  const api = s.client((await session.createToken('meanwhile')).token);
  await api.me();
  await repo.transaction(async (tx) => {
    const again = { ...(await tx.user(userId))!, passwordResetPendingAt: pending.passwordResetPendingAt };
    tx.putUser(again);
    tx.emit({ type: 'user.updated', data: { user: again } }); // as every change to a user does
  });
  return { session, api };
}

describe("a User Administrator and a Site Administrator's sessions", () => {
  it('cannot end them, one or all; a Site Administrator can', async () => {
    const ua = await activeUser(s, 'ua-bound@example.com', { adminProfile: 'User Administrator' });
    const sa = await activeUser(s, 'sa-bound@example.com', { adminProfile: 'Site Administrator' });
    const plain = await activeUser(s, 'plain-bound@example.com');
    const uac = await signIn(ua.email);
    const saSession = await signIn(sa.email);
    const saId = (await saSession.me()).session.id;

    await expect(uac.terminateSession(saId)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(uac.terminateUserSessions(sa.id)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    expect((await saSession.me()).user.email).toBe(sa.email);
    // The root administrator's own sessions are out of reach too.
    const root = (await s.admin.me()).user;
    await expect(uac.terminateUserSessions(root.id)).rejects.toMatchObject({ status: 403, code: 'forbidden' });

    // Their own reach is unchanged: other users' sessions.
    const plainSession = await signIn(plain.email);
    await uac.terminateSession((await plainSession.me()).session.id);
    await expect(plainSession.me()).rejects.toMatchObject({ code: 'session_terminated' });
    await signIn(plain.email);
    expect((await uac.terminateUserSessions(plain.id)).ended).toBe(1);

    // A Site Administrator can end them.
    await s.admin.terminateSession(saId);
    await expect(saSession.me()).rejects.toMatchObject({ code: 'session_terminated', details: { reason: 'admin' } });
    expect(ADMIN.email).toBe(root.email);

    // Nor does a User Administrator see the delivery records of a Site Administrator's mail (a
    // reset mail's record leads to its link).
    const reset = await s.admin.resetPassword(sa.id);
    expect((await s.admin.userDeliveries(sa.id)).items.length).toBeGreaterThan(0);
    expect((await uac.userDeliveries(sa.id)).items).toEqual([]);
    await expect(uac.outboxMessage(reset.mail.id)).rejects.toMatchObject({ status: 404 });
    expect((await s.admin.outboxMessage(reset.mail.id)).delivery).toBeTruthy();
  });
});

describe('activation through the API', () => {
  it('does not need a name; the page still asks for one', async () => {
    const inv = await s.admin.invite({ email: 'nameless@example.com' });
    const token = inv.activationLink!.split('/').pop()!;
    const res = await fetch(`${s.url}/api/auth/activate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password: 'a-nameless-password' }),
    });
    expect(res.status).toBe(200);
    expect((await res.json()).user).toMatchObject({ email: 'nameless@example.com', status: 'active', firstName: '' });

    const inv2 = await s.admin.invite({ email: 'page-named@example.com' });
    const page = await fetch(new URL(inv2.activationLink!).pathname.replace(/^/, s.url), {
      method: 'POST',
      body: new URLSearchParams({ firstName: ' ', password: 'page-password-1', password2: 'page-password-1' }),
    });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('Enter your first name');
  });
});
