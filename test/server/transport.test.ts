// Transport edges: oversized bodies on kept-alive connections, content types, raw query strings.
import net from 'node:net';
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

const auth = () => ({ authorization: `Bearer ${s.admin.token}` });
const json = () => ({ ...auth(), 'content-type': 'application/json' });

/** Writes raw bytes on one connection and collects everything the server sends until it closes (or, should it never, for `waitMs`). */
function rawExchange(text: string | Buffer[], waitMs = 10_000): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(s.port, '127.0.0.1');
    let out = '';
    sock.on('data', (d) => (out += d.toString('latin1')));
    sock.on('error', () => {});
    sock.on('close', () => resolve(out));
    for (const part of Array.isArray(text) ? text : [text]) sock.write(part);
    setTimeout(() => sock.destroy(), waitMs).unref();
  });
}

describe('oversized bodies', () => {
  it('a 413 on a kept-alive connection leaves it usable: Node fetch sends a 3 MB invite, then more requests', async () => {
    const big = JSON.stringify({ email: `${'a'.repeat(3_000_000)}@example.com` });
    for (let round = 0; round < 6; round++) {
      const res = await fetch(`${s.url}/api/users/invite`, { method: 'POST', headers: json(), body: big });
      expect(res.status).toBe(413);
      expect((await res.json()).error.code).toBe('payload_too_large');
      const next = await fetch(`${s.url}/api/me`, { headers: auth() });
      expect(next.status).toBe(200);
      await next.arrayBuffer();
    }
  });

  it('the next request on the same connection is answered after the 413', async () => {
    const body = 'x'.repeat(300_000);
    const out = await rawExchange([
      Buffer.from(
        `POST /api/users/invite HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ${s.admin.token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      ),
      Buffer.from(body),
      Buffer.from(`GET /api/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`),
    ]);
    expect(out).toMatch(/^HTTP\/1\.1 413 /);
    expect(out).toContain('payload_too_large');
    expect(out).toMatch(/HTTP\/1\.1 200 [^]*"status":"ok"/);
  });

  it('a chunked body over the limit gets its 413, and the connection goes on', async () => {
    for (let round = 0; round < 6; round++) {
      const chunk = new TextEncoder().encode('a'.repeat(64 * 1024));
      let n = 0;
      const body = new ReadableStream({ pull: (c) => (n++ < 40 ? c.enqueue(chunk) : c.close()) });
      const res = await fetch(`${s.url}/api/users/invite`, {
        method: 'POST',
        headers: json(),
        body,
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(413);
      await res.arrayBuffer();
      expect((await fetch(`${s.url}/api/me`, { headers: auth() })).status).toBe(200);
    }
  });

  it('a client still sending an oversized body a second later gets its 413, and the connection goes on', async () => {
    // The pause is the input (a slow sender), not a wait for the server: the library under Hono
    // closes a connection whose leftover body takes over half a second to arrive after the answer.
    const head = (framing: string) =>
      `POST /api/users/invite HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ${s.admin.token}\r\nContent-Type: application/json\r\n${framing}\r\n\r\n`;
    const chunk = (n: number) => `${n.toString(16)}\r\n${'a'.repeat(n)}\r\n`;
    const slowly = (first: string, rest: string) =>
      new Promise<string>((resolve) => {
        const sock = net.connect(s.port, '127.0.0.1');
        let out = '';
        sock.on('data', (d) => (out += d.toString('latin1')));
        sock.on('error', () => {});
        sock.on('close', () => resolve(out));
        sock.write(first);
        setTimeout(() => sock.write(rest + `GET /api/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`), 1000);
      });
    const [declared, chunked] = await Promise.all([
      slowly(head('Content-Length: 1000000') + 'a'.repeat(100_000), 'a'.repeat(900_000)),
      slowly(head('Transfer-Encoding: chunked') + chunk(100_000), chunk(100_000) + '0\r\n\r\n'),
    ]);
    for (const out of [declared, chunked]) {
      expect(out).toMatch(/^HTTP\/1\.1 413 /);
      expect(out).toMatch(/HTTP\/1\.1 200 [^]*"status":"ok"/);
    }
  });

  it('a chunked body under the limit reaches its route whole', async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ email: 'chunked@example.com' }));
    const body = new ReadableStream({
      start: (c) => (c.enqueue(bytes.slice(0, 10)), c.enqueue(bytes.slice(10)), c.close()),
    });
    const res = await fetch(`${s.url}/api/users/invite`, {
      method: 'POST',
      headers: json(),
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(201);
    expect((await res.json()).user.email).toBe('chunked@example.com');
  });

  it('a deeply nested 120 KB body gets its 413, and a nested one under the limit a 400, both read by the client', async () => {
    for (let round = 0; round < 6; round++) {
      const res = await fetch(`${s.url}/api/users/invite`, {
        method: 'POST',
        headers: json(),
        body: '['.repeat(60_000) + ']'.repeat(60_000),
      });
      expect(res.status).toBe(413);
      expect((await res.json()).error.code).toBe('payload_too_large');
    }
    const res = await fetch(`${s.url}/api/users/invite`, {
      method: 'POST',
      headers: json(),
      body: '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('validation_failed');
  });
});

describe('content types', () => {
  it('JSON routes refuse any other Content-Type with 415, before anything happens', async () => {
    const body = JSON.stringify({ email: 'admin@example.com', password: 'admin-password-123' });
    for (const type of [
      'text/plain;charset=json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonp',
      'application/json-patch+json',
    ]) {
      const res = await fetch(`${s.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': type }, body });
      expect(res.status, type).toBe(415);
      expect((await res.json()).error).toMatchObject({
        code: 'unsupported_media_type',
        message: expect.stringContaining('application/json'),
      });
    }
    const invite = await fetch(`${s.url}/api/users/invite`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'text/plain' },
      body: '{"email":"forged@example.com"}',
    });
    expect(invite.status).toBe(415);
    expect((await s.admin.users({ q: 'forged' })).total).toBe(0);
    const setup = await fetch(`${s.url}/api/setup`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    expect(setup.status).toBe(415);
    // JSON with a charset parameter is JSON; a body-less action needs no type.
    expect(
      (
        await fetch(`${s.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'Application/JSON; charset=utf-8' },
          body,
        })
      ).status,
    ).toBe(200);
    const u = (await s.admin.invite({ email: 'typed@example.com' })).user;
    expect((await fetch(`${s.url}/api/users/${u.id}/deactivate`, { method: 'POST', headers: auth() })).status).toBe(
      200,
    );
  });
});

describe('error text', () => {
  it('names a field once', async () => {
    const wait = await fetch(`${s.url}/api/mail/latest?wait=99`, { headers: auth() });
    expect((await wait.json()).error.message).toBe('wait: at most 30 seconds');
    const pw = await fetch(`${s.url}/api/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'x@example.com', password: 'short' }),
    });
    const msg = (await pw.json()).error.message as string;
    expect(msg).toBe('password must be at least 12 characters');
  });

  it('a raw non-ASCII query string gets the JSON error shape', async () => {
    const out = await rawExchange([
      Buffer.from(
        `GET /api/users?q=\xe9t\xe9 HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ${s.admin.token}\r\n\r\n`,
        'latin1',
      ),
    ]);
    const [head, body] = out.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head.toLowerCase()).toContain('content-type: application/json');
    expect(JSON.parse(body).error).toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('Percent-encode'),
    });
  });
});

describe('forged form posts to the activation and reset pages', () => {
  it('are refused when the browser marks them cross-site or sends Origin: null; same-origin posts work', async () => {
    const inv = await s.admin.invite({ email: 'forms@example.com' });
    const url = s.url + new URL(inv.activationLink!).pathname;
    const get = await fetch(url);
    expect(get.headers.get('referrer-policy')).toBe('same-origin');
    const form = new URLSearchParams({ firstName: 'Fay', password: 'form-password-1', password2: 'form-password-1' });
    const post = (headers: Record<string, string>) => fetch(url, { method: 'POST', body: form, headers });
    const host = new URL(s.url).host;
    const forged: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site', origin: `http://${host}` },
      { origin: 'null' },
      { 'sec-fetch-site': 'same-origin', origin: 'null' },
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' },
    ];
    for (const headers of forged) {
      const res = await post(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await res.text()).toContain('posted from another site');
    }
    expect((await s.admin.users({ q: 'forms@' })).items[0].status).toBe('pending');
    const ok = await post({ 'sec-fetch-site': 'same-origin', origin: `http://${host}` });
    expect(ok.status).toBe(200);
    expect((await s.admin.users({ q: 'forms@' })).items[0]).toMatchObject({ status: 'active', firstName: 'Fay' });
  });
});
