// Login throttling over HTTP, with callers at different addresses (set on the request's socket).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { ADMIN, removeDir, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.stop();
  await removeDir(s.dir);
});

async function loginFrom(address: string, password: string) {
  const app = createApp(s.services);
  const res = await app.request(
    '/api/auth/login',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN.email, password, client: 'tui', clientId: `from-${address}` }),
    },
    { incoming: { socket: { remoteAddress: address, remotePort: 5555, remoteFamily: 'IPv4' } } },
  );
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as { error?: { code: string } },
  };
}

describe('per-account throttling', () => {
  it("does not lock the administrator's usual address out while someone else hammers the account", async () => {
    expect((await loginFrom('10.0.0.1', ADMIN.password)).status).toBe(200);
    let refused = 0;
    for (let i = 0; i < 60; i++) {
      const r = await loginFrom(`10.9.${i % 3}.${i}`, `wrong-password-${i}`);
      expect([401, 429]).toContain(r.status);
      if (r.status === 429) refused++;
      s.clock.advance(200);
    }
    expect(refused).toBeGreaterThan(0); // the attacker is slowed …
    const owner = await loginFrom('10.0.0.1', ADMIN.password); // … the owner is not
    expect(owner.status).toBe(200);
    // A new address meanwhile waits, like any other.
    const stranger = await loginFrom('10.7.7.7', ADMIN.password);
    expect(stranger.status).toBe(429);
    expect(Number(stranger.retryAfter)).toBeGreaterThan(0);
  });
});
