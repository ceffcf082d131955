// No token or password is ever written under the data dir, except in captured mail (the sink's
// copy of what was sent to the user).
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeDir, startTestServer } from '../helpers/server.js';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

describe('secrets on disk', () => {
  it('no token or password appears in any file under the data dir but captured mail, whatever paths were requested', async () => {
    const s = await startTestServer({ seedAdmin: false, config: { requestLog: true } });
    const secrets: string[] = [];
    try {
      const rootPassword = 'root-secret-password-1';
      secrets.push(rootPassword);
      await s.client().setup('root@example.com', rootPassword);
      const admin = s.client((await s.client().login({ email: 'root@example.com', password: rootPassword })).token);
      secrets.push(admin.token!);
      const api = await admin.createToken('script');
      secrets.push(api.token);
      await s.client(api.token).me();
      await fetch(`${s.url}/api/me?token=${api.token}`, { headers: { authorization: `Bearer ${api.token}` } });

      const inv = await admin.invite({ email: 'leaky@example.com' });
      const act = inv.activationLink!.split('/').pop()!;
      secrets.push(act);
      const enc = (t: string) => [...t].map((ch) => `%${ch.charCodeAt(0).toString(16)}`).join('');
      for (const path of [
        `/%61ctivate/${act}`,
        `/%2561ctivate/${act}`,
        `/ACTIVATE/${act}`,
        `/activate/${enc(act)}`,
        `/api/auth/activate/${act}`,
        `/activate/${act}?again=${act}`,
      ])
        await (await fetch(s.url + path)).arrayBuffer();
      const userPassword = 'user-secret-password-2';
      secrets.push(userPassword);
      const page = await fetch(`${s.url}/%61ctivate/${act}`, {
        method: 'POST',
        body: new URLSearchParams({ firstName: 'Lee', password: userPassword, password2: userPassword }),
      });
      expect(page.status).toBe(200);
      const user = s.client((await s.client().login({ email: 'leaky@example.com', password: userPassword })).token);
      secrets.push(user.token!);
      const wrong = 'wrong-secret-password-3';
      secrets.push(wrong);
      await s
        .client()
        .login({ email: 'leaky@example.com', password: wrong })
        .catch(() => {});

      const reset = await admin.resetPassword((await user.me().catch(() => null))?.user.id ?? inv.user.id);
      const rst = reset.resetLink!.split('/').pop()!;
      secrets.push(rst);
      await (await fetch(`${s.url}/reset-p%61ssword/${rst}`)).arrayBuffer();
      await (await fetch(`${s.url}/reset-password/${encodeURIComponent(rst)}`)).arrayBuffer();
      const newPassword = 'new-secret-password-4';
      secrets.push(newPassword);
      await s.client().resetPasswordWithToken({ token: rst, password: newPassword });
      await s.client().login({ email: 'leaky@example.com', password: newPassword });
      await admin.latestMail({ to: 'leaky@example.com', subject: 'Reset', wait: 15 });
    } finally {
      await s.stop();
    }
    try {
      const files = await filesUnder(s.dir);
      expect(files.map((f) => relative(s.dir, f))).toContain('server.log');
      expect((await readFile(join(s.dir, 'server.log'), 'utf8')).split('\n').length).toBeGreaterThan(10);
      let mailFiles = 0;
      for (const file of files) {
        const rel = relative(s.dir, file);
        const text = await readFile(file, 'latin1');
        if (rel.startsWith('mail/')) {
          mailFiles++;
          continue;
        }
        for (const secret of secrets) {
          expect(text.includes(secret), `${rel} holds ${secret.slice(0, 8)}…`).toBe(false);
          expect(text.includes(encodeURIComponent(secret)), `${rel} holds ${secret.slice(0, 8)}… encoded`).toBe(false);
        }
      }
      // The captured mail does hold the links, as it should (on PostgreSQL it is in the database, not here).
      if (!s.config.databaseUrl) expect(mailFiles).toBeGreaterThan(0);
    } finally {
      await removeDir(s.dir);
    }
  });
});
