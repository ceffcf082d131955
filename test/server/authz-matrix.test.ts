// Every route × every kind of caller → the expected status and code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, PASSWORD, activeUser, removeDir, startTestServer, type TestServer } from '../helpers/server.js';

type Who = 'none' | 'malformed' | 'ended' | 'revoked' | 'user' | 'userAdmin' | 'siteAdmin';
/** notSA: admin routes that change a user, which a User Administrator may not use on a Site Administrator. */
type Access = 'public' | 'session' | 'users' | 'notSA' | 'site';

/**
 * [method, path, body, who may call it]. SA stands for a Site Administrator's user id and
 * SA_SESSION for one of their live sessions (a fresh Site Administrator per route).
 */
const ROUTES: [string, string, unknown, Access][] = [
  ['GET', '/api/health', undefined, 'public'],
  ['GET', '/api/setup', undefined, 'public'],
  ['GET', '/api/me', undefined, 'session'],
  ['GET', '/api/tokens', undefined, 'session'],
  ['POST', '/api/tokens', { name: 'matrix' }, 'session'],
  ['DELETE', '/api/tokens/nope', undefined, 'session'],
  ['POST', '/api/auth/logout', undefined, 'session'],
  ['GET', '/api/users', undefined, 'users'],
  ['POST', '/api/users/invite', { email: 'RANDOM' }, 'users'],
  ['GET', '/api/users/nope', undefined, 'users'],
  ['PATCH', '/api/users/nope', { firstName: 'x' }, 'users'],
  ['POST', '/api/users/nope/deactivate', undefined, 'users'],
  ['POST', '/api/users/nope/reactivate', undefined, 'users'],
  ['POST', '/api/users/nope/reset-password', undefined, 'users'],
  ['POST', '/api/users/nope/resend-activation', undefined, 'site'],
  ['POST', '/api/users/nope/terminate-sessions', undefined, 'users'],
  ['GET', '/api/users/nope/mail', undefined, 'users'],
  ['GET', '/api/license', undefined, 'users'],
  ['PUT', '/api/license', { plan: 'trial' }, 'site'],
  ['GET', '/api/settings', undefined, 'users'],
  ['PUT', '/api/settings', { maxSessionsPerUser: 100 }, 'site'],
  ['GET', '/api/profiles', undefined, 'users'],
  ['GET', '/api/projects', undefined, 'users'],
  ['GET', '/api/sessions', undefined, 'users'],
  ['GET', '/api/sessions?state=ended', undefined, 'users'],
  ['DELETE', '/api/sessions/nope', undefined, 'users'],
  // User Administrator × Site Administrator targets: every user and session route.
  ['GET', '/api/users/SA', undefined, 'users'],
  ['GET', '/api/sessions?q=matrix-sa', undefined, 'users'],
  ['PATCH', '/api/users/SA', { firstName: 'x' }, 'notSA'],
  ['POST', '/api/users/SA/deactivate', undefined, 'notSA'],
  ['POST', '/api/users/SA/reactivate', undefined, 'notSA'],
  ['POST', '/api/users/SA/reset-password', undefined, 'notSA'],
  ['POST', '/api/users/SA/resend-activation', undefined, 'site'],
  ['POST', '/api/users/SA/terminate-sessions', undefined, 'notSA'],
  ['DELETE', '/api/sessions/SA_SESSION', undefined, 'notSA'],
  ['GET', '/api/users/SA/mail', undefined, 'users'], // allowed, but a User Administrator sees none of it (resets-and-boundaries)
  ['GET', '/api/mail', undefined, 'users'],
  ['GET', '/api/mail/latest', undefined, 'users'],
  ['GET', '/api/mail/nope', undefined, 'users'],
  ['GET', '/api/mail/nope/raw', undefined, 'users'],
  ['GET', '/api/mail/nope/attachments/0', undefined, 'users'],
  ['GET', '/api/mail/outbox/nope', undefined, 'users'],
  ['DELETE', '/api/mail/nope', undefined, 'users'],
  ['GET', '/api/audit', undefined, 'users'],
  ['GET', '/api/events', undefined, 'users'],
  ['GET', '/api/diag', undefined, 'site'],
];
const WHO: Who[] = ['none', 'malformed', 'ended', 'revoked', 'user', 'userAdmin', 'siteAdmin'];

let s: TestServer;
const emails = { user: 'matrix-user@example.com', userAdmin: 'matrix-ua@example.com' };
let revokedToken = '';

beforeAll(async () => {
  s = await startTestServer();
  await s.admin.updateLicense({ seats: 500 });
  await s.admin.updateSettings({ maxSessionsPerUser: 100 });
  await activeUser(s, emails.user);
  await activeUser(s, emails.userAdmin, { adminProfile: 'User Administrator' });
  const owner = s.client((await s.client().login({ email: emails.user, password: PASSWORD })).token);
  const t = await owner.createToken('to revoke');
  await owner.revokeToken(t.id);
  revokedToken = t.token;
});
afterAll(async () => {
  await s.stop();
  await removeDir(s.dir);
});

let n = 0;
/** A fresh credential per call, so calls such as logout do not spoil the next ones. */
async function token(who: Who): Promise<string | null> {
  const login = (email: string, password: string) =>
    s
      .client()
      .login({ email, password, clientId: `m${n++}` })
      .then((r) => r.token);
  switch (who) {
    case 'none':
      return null;
    case 'malformed':
      return 'not-a-token';
    case 'revoked':
      return revokedToken;
    case 'ended': {
      const t = await login(emails.user, PASSWORD);
      await s.client(t).logout();
      return t;
    }
    case 'user':
      return login(emails.user, PASSWORD);
    case 'userAdmin':
      return login(emails.userAdmin, PASSWORD);
    case 'siteAdmin':
      return login(ADMIN.email, ADMIN.password);
  }
}

function expected(access: Access, who: Who): { status: number; code: string } | 'allowed' {
  if (access === 'public') return 'allowed';
  if (who === 'none' || who === 'malformed' || who === 'revoked') return { status: 401, code: 'unauthorized' };
  if (who === 'ended') return { status: 401, code: 'session_terminated' };
  if (access === 'session') return 'allowed';
  if (who === 'user') return { status: 403, code: 'forbidden' };
  if (who === 'userAdmin' && (access === 'site' || access === 'notSA')) return { status: 403, code: 'forbidden' };
  return 'allowed';
}

describe('authorization matrix', () => {
  for (const [method, path, body, access] of ROUTES) {
    it(`${method} ${path}`, async () => {
      const target = /\bSA\b|SA_SESSION/.test(path)
        ? await activeUser(s, `matrix-sa-${n++}@example.com`, { adminProfile: 'Site Administrator' })
        : null;
      const targetSession = async () => {
        const login = await s.client().login({ email: target!.email, password: PASSWORD, clientId: `m${n++}` });
        return login.session.id;
      };
      for (const who of WHO) {
        const t = await token(who);
        const url = target ? path.replace('SA_SESSION', await targetSession()).replace(/\bSA\b/, target.id) : path;
        const ac = new AbortController();
        const payload = body ? JSON.stringify(body).replace('RANDOM', `matrix-${n++}@example.com`) : undefined;
        const res = await fetch(s.url + url, {
          method,
          signal: ac.signal,
          headers: {
            ...(t ? { authorization: `Bearer ${t}` } : {}),
            ...(payload ? { 'content-type': 'application/json' } : {}),
          },
          body: payload,
        });
        const exp = expected(access, who);
        const text = path === '/api/events' && res.status === 200 ? '' : await res.text();
        ac.abort();
        if (exp === 'allowed') {
          expect([401, 403], `${who} → ${res.status} ${text}`).not.toContain(res.status);
        } else {
          expect(res.status, `${who} → ${text}`).toBe(exp.status);
          expect(JSON.parse(text).error.code, who).toBe(exp.code);
        }
      }
    });
  }
});
