// The OpenAPI document: it covers exactly the routes the app registers, it is valid OpenAPI 3.1,
// and real answers from a running server match the schemas it gives for them.
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { API_ROUTES, openApiPath } from '../../server/openapi/api-routes.js';
import type { OpenApiDocument } from '../../server/openapi/document.js';
import { ADMIN, PASSWORD, removeDir, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
let doc: OpenApiDocument;
beforeAll(async () => {
  s = await startTestServer();
  doc = (await (await fetch(`${s.url}/api/openapi.json`)).json()) as OpenApiDocument;
});
afterAll(async () => {
  await s.stop();
  await removeDir(s.dir);
});

describe('the OpenAPI document', () => {
  it('lists every route the app registers, and no route it does not', () => {
    const registered = new Set<string>();
    for (const r of createApp(s.services).routes)
      if (r.method !== 'ALL') registered.add(`${r.method.toLowerCase()} ${openApiPath(r.path)}`);
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths))
      for (const method of Object.keys(ops)) documented.add(`${method} ${path}`);
    expect(
      [...registered].filter((r) => !documented.has(r)),
      'routes missing from the document: add them to server/openapi/api-routes.ts',
    ).toEqual([]);
    expect(
      [...documented].filter((r) => !registered.has(r)),
      'documented routes the app does not have',
    ).toEqual([]);
  });

  it('validates as OpenAPI 3.1', async () => {
    const v = new Validator();
    const result = await v.validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(v.version).toBe('3.1');
  });

  it('is rendered at /api/docs as a page that needs nothing from elsewhere', async () => {
    const res = await fetch(`${s.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    for (const r of API_ROUTES) expect(html).toContain(`<code>${openApiPath(r.path)}</code>`);
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });
});

describe('real answers match the document', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const compiled = new Map<string, ValidateFunction>();
  const checked = new Set<string>();

  /** The operation whose path template matches a concrete path. */
  function operation(
    method: string,
    path: string,
  ): { key: string; op: { responses: Record<string, { content?: Record<string, { schema?: object }> }> } } {
    for (const [template, ops] of Object.entries(doc.paths)) {
      const re = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
      if (re.test(path) && ops[method]) return { key: `${method} ${template}`, op: ops[method] as never };
    }
    throw new Error(`no operation for ${method} ${path}`);
  }

  async function call(
    method: string,
    path: string,
    opts: { body?: unknown; token?: string | null; expect?: number } = {},
  ): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = {};
    const token = opts.token === undefined ? s.admin.token : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(s.url + path, {
      method: method.toUpperCase(),
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const u = new URL(s.url + path);
    const { key, op } = operation(method, u.pathname);
    const documented = op.responses[String(res.status)];
    expect(documented, `${key} answered ${res.status}, which the document does not list`).toBeDefined();
    if (opts.expect !== undefined) expect(res.status, `${key}`).toBe(opts.expect);
    const schema = documented.content?.['application/json']?.schema;
    let body: unknown = null;
    if (schema) {
      body = await res.json();
      const id = `${key} ${res.status}`;
      let validate = compiled.get(id);
      if (!validate) {
        validate = ajv.compile({ $id: `urn:seatdesk:${compiled.size}`, ...schema, components: doc.components });
        compiled.set(id, validate);
      }
      expect(validate(body), `${id}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`).toBe(
        true,
      );
    } else {
      const type = Object.keys(documented.content ?? {})[0];
      if (type)
        expect(res.headers.get('content-type') ?? '').toContain(
          type === 'application/octet-stream' ? '' : type.split(';')[0],
        );
      await res.arrayBuffer();
    }
    checked.add(key);
    return { status: res.status, body };
  }

  it('over a tour of every route', async () => {
    // health, docs, setup, the banner
    await call('get', '/', { expect: 200 });
    await call('get', '/api/health', { expect: 200 });
    await call('get', '/api/openapi.json', { expect: 200 });
    await call('get', '/api/docs', { expect: 200 });
    await call('get', '/api/setup', { expect: 200 });
    await call('post', '/api/setup', {
      body: { email: 'x@example.com', password: 'another-long-password' },
      expect: 409,
    });

    // sign-in, me, tokens
    await call('post', '/api/auth/login', {
      body: { email: ADMIN.email, password: 'wrong-password-000' },
      token: null,
      expect: 401,
    });
    const login = (
      await call('post', '/api/auth/login', {
        body: { ...ADMIN, client: 'web', clientId: 'openapi-test' },
        token: null,
        expect: 200,
      })
    ).body as { token: string };
    await call('get', '/api/me', { expect: 200 });
    await call('get', '/api/me', { token: 'nope', expect: 401 });
    const tok = (await call('post', '/api/tokens', { body: { name: 'tour' }, expect: 201 })).body as {
      id: string;
      token: string;
    };
    await call('get', '/api/tokens', { token: tok.token, expect: 200 });
    await call('post', '/api/tokens', { body: { name: '' }, expect: 400 });
    await call('delete', `/api/tokens/${tok.id}`, { expect: 200 });
    await call('delete', `/api/tokens/${tok.id}`, { expect: 404 });

    // users
    const inv = (
      await call('post', '/api/users/invite', {
        body: { email: 'tour@example.com', userProfile: 'Tester' },
        expect: 201,
      })
    ).body as {
      user: { id: string };
      activationLink: string;
    };
    await call('post', '/api/users/invite', { body: { email: 'tour@example.com' }, expect: 409 });
    await call('get', '/api/users?status=pending&limit=5', { expect: 200 });
    await call('get', '/api/users?limit=0', { expect: 400 });
    await call('get', `/api/users/${inv.user.id}`, { expect: 200 });
    await call('get', '/api/users/nobody', { expect: 404 });
    await call('patch', `/api/users/${inv.user.id}`, { body: { userProfile: 'Developer' }, expect: 200 });
    const resent = (await call('post', `/api/users/${inv.user.id}/resend-activation`, { expect: 200 })).body as {
      mail: { id: string };
    };
    await call('get', `/api/mail/outbox/${resent.mail.id}`, { expect: 200 });
    await call('get', '/api/mail/outbox/nothing', { expect: 404 });
    await call('get', `/api/users/${inv.user.id}/mail`, { expect: 200 });
    const { mail: latest } = await s.admin.latestMail({
      to: 'tour@example.com',
      subject: 'new activation link',
      wait: 15,
    });
    const token = (await s.admin.mail(latest.id)).mail.links[0].url.split('/').pop()!;
    await call('get', `/activate/${token}`, { expect: 200 });
    await call('post', '/api/auth/activate', { body: { token, password: PASSWORD, firstName: 'Tour' }, expect: 200 });
    await call('post', '/api/auth/activate', { body: { token, password: PASSWORD, firstName: 'Tour' }, expect: 410 });
    await call('post', `/activate/${token}`, { expect: 410 });
    const reset = (await call('post', `/api/users/${inv.user.id}/reset-password`, { expect: 200 })).body as {
      resetLink: string;
    };
    const rst = reset.resetLink.split('/').pop()!;
    await call('get', `/reset-password/${rst}`, { expect: 200 });
    await call('post', `/reset-password/nope`, { expect: 400 });
    await call('post', '/api/auth/reset-password', {
      body: { token: rst, password: 'a-new-password-789' },
      expect: 200,
    });
    const userLogin = (
      await call('post', '/api/auth/login', {
        body: { email: 'tour@example.com', password: 'a-new-password-789', client: 'web', clientId: 'tour' },
        token: null,
        expect: 200,
      })
    ).body as {
      token: string;
      session: { id: string };
    };
    await call('get', '/api/users', { token: userLogin.token, expect: 403 });
    await call('post', `/api/users/${inv.user.id}/terminate-sessions`, { expect: 200 });
    await call('get', '/api/me', { token: userLogin.token, expect: 401 });
    await call('post', `/api/users/${inv.user.id}/deactivate`, { expect: 200 });
    await call('post', `/api/users/${inv.user.id}/deactivate`, { expect: 409 });
    await call('post', `/api/users/${inv.user.id}/reactivate`, { expect: 200 });
    await call('get', '/api/users?dormantDays=90&pendingOlderThanDays=14', { expect: 200 });
    await call('post', '/api/users/bulk', {
      body: { action: 'deactivate', ids: [inv.user.id, 'nobody'] },
      expect: 200,
    });
    await call('post', '/api/users/bulk', { body: { action: 'explode', ids: [inv.user.id] }, expect: 400 });
    await call('post', '/api/users/import', {
      body: { csv: 'bulk1@example.com,Bo\nnot-an-address\n', dryRun: true },
      expect: 200,
    });
    await call('post', '/api/users/import', { body: { csv: 'bulk1@example.com,Bo\n' }, expect: 200 });
    await call('post', '/api/users/import', { body: { csv: '' }, expect: 400 });

    // sessions
    const other = (
      await call('post', '/api/auth/login', {
        body: { ...ADMIN, client: 'explorer', clientId: 'tour-explorer' },
        token: null,
        expect: 200,
      })
    ).body as { session: { id: string } };
    await call('get', '/api/sessions?client=all', { expect: 200 });
    await call('get', '/api/sessions?state=ended', { expect: 200 });
    await call('get', '/api/sessions?client=fax', { expect: 400 });
    await call('delete', `/api/sessions/${other.session.id}`, { expect: 200 });
    await call('delete', '/api/sessions/nope', { expect: 404 });
    await call('post', '/api/sessions/bulk', {
      body: { action: 'terminate', ids: [other.session.id, 'nope'] },
      expect: 200,
    });

    // mail
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: s.smtpPort!, secure: false, ignoreTLS: true });
    await smtp.sendMail({
      from: 'a@example.com',
      to: 'files@example.com',
      subject: 'Files',
      text: 'hi',
      attachments: [{ filename: 'a.txt', content: 'A' }],
    });
    smtp.close();
    const m = (await call('get', '/api/mail/latest?to=files@example.com&wait=5', { expect: 200 })).body as {
      mail: { id: string };
    };
    await call('get', '/api/mail/latest?to=nobody@example.com', { expect: 404 });
    await call('get', '/api/mail?q=files', { expect: 200 });
    await call('get', `/api/mail/${m.mail.id}`, { expect: 200 });
    await call('get', `/api/mail/${m.mail.id}/raw`, { expect: 200 });
    await call('get', `/api/mail/${m.mail.id}/attachments/0`, { expect: 200 });
    await call('delete', `/api/mail/${m.mail.id}`, { expect: 200 });
    await call('get', `/api/mail/${m.mail.id}`, { expect: 404 });
    await call('delete', '/api/mail', { expect: 200 });

    // site
    await call('get', '/api/license', { expect: 200 });
    await call('put', '/api/license', { body: { seats: 10 }, expect: 200 });
    await call('put', '/api/license', { body: { seats: 1 }, expect: 409 });
    await call('get', '/api/settings', { expect: 200 });
    await call('put', '/api/settings', { body: { idleTimeoutMinutes: 30 }, expect: 200 });
    await call('get', '/api/profiles', { expect: 200 });
    await call('get', '/api/projects', { expect: 200 });
    await call('get', '/api/audit?limit=5', { expect: 200 });
    await call('get', '/api/diag', { expect: 200 });
    await call('get', '/api/license/history?days=30', { expect: 200 });
    await call('get', '/api/policy/plan', { expect: 200 });
    await call('post', '/api/policy/run', { expect: 200 });

    // the event stream: its status and type (it never ends by itself)
    const ac = new AbortController();
    const ev = await fetch(`${s.url}/api/events`, {
      headers: { authorization: `Bearer ${s.admin.token}` },
      signal: ac.signal,
    });
    expect(ev.status).toBe(200);
    expect(ev.headers.get('content-type')).toContain('text/event-stream');
    ac.abort();
    checked.add('get /api/events');

    await call('post', '/api/auth/logout', { token: login.token, expect: 200 });

    const every = API_ROUTES.map((r) => `${r.method} ${openApiPath(r.path)}`);
    expect(
      every.filter((k) => !checked.has(k)),
      'operations the tour did not call: add a call above',
    ).toEqual([]);
  });
});
