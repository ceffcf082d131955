// Addresses: every route that takes a login email accepts one plain address only, and mail goes
// to exactly that address (header and SMTP envelope).
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mailer } from '../../server/mail/mailer.js';
import { removeDir, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await s.admin.updateLicense({ seats: 50 });
});
afterAll(async () => {
  await s.stop();
  await removeDir(s.dir);
});

describe('invite and setup take one plain address', () => {
  it('refuses lists, display names, invisible characters and Unicode domains, and creates nobody', async () => {
    const before = (await s.admin.users({ limit: 1000 })).total;
    const mailsBefore = (await s.admin.mails()).total;
    for (const email of [
      'bob,eve@evil.test',
      'x<attacker@evil.test>',
      'root\u200b@example.test',
      'root@example.test\u202e',
      'Bob <bob@example.test>',
      'bob@bücher.example',
    ]) {
      const err = await s.admin.invite({ email }).catch((e) => e);
      expect(err, JSON.stringify(email)).toMatchObject({ status: 400, code: 'validation_failed' });
      expect(err.message).toMatch(/^email: /);
    }
    expect((await s.admin.users({ limit: 1000 })).total).toBe(before);
    expect((await s.admin.mails()).total).toBe(mailsBefore);
    const idn = await s.admin.invite({ email: 'bob@bücher.example' }).catch((e) => e);
    expect(idn.message).toContain('bob@xn--bcher-kva.example');
    const ok = await s.admin.invite({ email: 'Bob@XN--BCHER-KVA.example' });
    expect(ok.user.email).toBe('bob@xn--bcher-kva.example');
  });

  it('setup uses the same rule', async () => {
    const fresh = await startTestServer({ seedAdmin: false });
    try {
      await expect(fresh.client().setup('root@example.test\u202e', 'a-long-root-password')).rejects.toMatchObject({
        status: 400,
        code: 'validation_failed',
      });
      expect(await fresh.client().setupStatus()).toMatchObject({ needsSetup: true });
    } finally {
      await fresh.stop();
      await removeDir(fresh.dir);
    }
  });

  it('the invitation is delivered to exactly the invited address', async () => {
    const inv = await s.admin.invite({ email: 'exact@example.test' });
    const { mail } = await s.admin.latestMail({ to: inv.user.email, wait: 15 });
    expect(mail.to).toEqual(['exact@example.test']);
    const raw = await s.admin.rawMail(mail.id);
    expect(raw).toMatch(/^To: exact@example\.test\r?$/m);
  });
});

describe('the mailer', () => {
  let rcpts: string[][] = [];
  let smtp: SMTPServer;
  let port = 0;
  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData(stream, session, cb) {
        stream.resume();
        stream.on('end', () => {
          rcpts.push(session.envelope.rcptTo.map((r) => r.address));
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    port = (smtp.server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => smtp.close(() => r())));

  it('names exactly the one recipient in the SMTP envelope, and sends nothing for anything else', async () => {
    const mailer = new Mailer(`smtp://127.0.0.1:${port}`, 'Seatdesk <no-reply@seatdesk.local>');
    try {
      rcpts = [];
      const msg = { subject: 's', text: 't', html: '<p>t</p>', messageId: '<m@seatdesk>' };
      expect(await mailer.send({ ...msg, to: 'one@example.test' })).toMatchObject({ sent: true });
      for (const to of ['one@example.test, eve@evil.test', 'x<attacker@evil.test>', 'root\u200b@example.test'])
        expect(await mailer.send({ ...msg, to }), to).toMatchObject({
          sent: false,
          error: expect.stringContaining('not one plain address'),
        });
      expect(rcpts).toEqual([['one@example.test']]);
    } finally {
      mailer.close();
    }
  });
});
