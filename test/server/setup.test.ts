// First-run setup through the API: the first Site Administrator, with a name if one is given.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ seedAdmin: false });
});
afterAll(async () => {
  await s.stop();
  await removeDir(s.dir);
});

describe('POST /api/setup', () => {
  it('takes an optional first and last name, so the Users list shows who the administrator is', async () => {
    const { user } = await s
      .client()
      .setup('root@example.com', 'a-long-admin-password', { firstName: '  Rita ', lastName: 'Root' });
    expect(user).toMatchObject({
      email: 'root@example.com',
      firstName: 'Rita',
      lastName: 'Root',
      adminProfile: 'Site Administrator',
      status: 'active',
    });
    await expect(s.client().setup('other@example.com', 'a-long-admin-password')).rejects.toMatchObject({
      status: 409,
      code: 'setup_done',
    });
  });
});
