import net from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, removeDir, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
let smtp: Transporter;
beforeAll(async () => {
  s = await startTestServer();
  smtp = nodemailer.createTransport({ host: '127.0.0.1', port: s.smtpPort!, secure: false, ignoreTLS: true });
});
afterAll(async () => {
  smtp.close();
  await s.stop();
  await removeDir(s.dir);
});

/** Speaks SMTP by hand, for what nodemailer would never send. */
async function rawSmtp(port: number, lines: string[], data: string | Buffer): Promise<string[]> {
  const sock = net.connect(port, '127.0.0.1');
  const replies: string[] = [];
  let buf = '';
  let waiting: (() => void) | null = null;
  sock.on('data', (d) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\r\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (/^\d{3} /.test(line)) {
        replies.push(line);
        waiting?.();
      }
    }
  });
  const reply = () => new Promise<void>((r) => (waiting = r));
  await reply();
  for (const l of lines) {
    const p = reply();
    sock.write(l + '\r\n');
    await p;
  }
  const end = reply();
  sock.write(data);
  sock.write('\r\n.\r\n');
  await end;
  sock.end('QUIT\r\n');
  return replies;
}

describe('mail sink and API', () => {
  it('captures mail from any local program and answers list, read, raw', async () => {
    await smtp.sendMail({
      from: 'Robot <robot@example.org>',
      to: 'someone@example.com',
      subject: 'Hello from a script',
      text: 'Plain body https://example.org/x',
      html: '<p>Hi <b>there</b> <a href="https://example.org/y">link</a><script>alert(1)</script></p>',
    });
    const { mail } = await s.admin.latestMail({ to: 'someone@example.com', wait: 15 });
    expect(mail).toMatchObject({
      from: 'robot@example.org',
      to: ['someone@example.com'],
      subject: 'Hello from a script',
    });
    const full = (await s.admin.mail(mail.id)).mail;
    expect(full.text).toContain('Plain body');
    expect(full.htmlText).toContain('Hi there');
    expect(full.links.map((l) => l.url)).toEqual(['https://example.org/y', 'https://example.org/x']);
    expect(full.headers.some((h) => h.key === 'subject')).toBe(true);
    const raw = await s.admin.rawMail(mail.id);
    expect(raw).toContain('Subject: Hello from a script');
  });

  it('lists newest first and searches from, to and subject', async () => {
    await smtp.sendMail({ from: 'a@example.org', to: 'list1@example.com', subject: 'First alpha', text: '1' });
    await smtp.sendMail({ from: 'a@example.org', to: 'list2@example.com', subject: 'Second beta', text: '2' });
    const all = await s.admin.mails();
    expect(all.items[0].subject).toBe('Second beta');
    expect((await s.admin.mails({ q: 'alpha' })).items.map((m) => m.subject)).toEqual(['First alpha']);
    expect((await s.admin.mails({ q: 'list2' })).items.map((m) => m.subject)).toEqual(['Second beta']);
    expect((await s.admin.mails({ to: 'list1@example.com' })).total).toBe(1);
  });

  it('latest waits for a message that has not arrived yet, or answers 404 no_message', async () => {
    const waiting = s.admin.latestMail({ to: 'later@example.com', wait: 10 });
    await smtp.sendMail({ from: 'a@example.org', to: 'later@example.com', subject: 'Arrives later', text: 'x' });
    expect((await waiting).mail.subject).toBe('Arrives later');
    await expect(s.admin.latestMail({ to: 'never@example.com', wait: 0.2 })).rejects.toMatchObject({
      status: 404,
      code: 'no_message',
    });
    await expect(s.admin.latestMail({ to: 'x', wait: 31 })).rejects.toMatchObject({ status: 400 });
  });

  it('survives malformed MIME and refuses oversized messages with 552', async () => {
    const replies = await rawSmtp(
      s.smtpPort!,
      ['EHLO test', 'MAIL FROM:<bad@example.org>', 'RCPT TO:<broken@example.com>', 'DATA'],
      'Subject: =?broken?Q?\r\nContent-Type: multipart/mixed; boundary="zz"\r\n\r\n--zz\r\nContent-Type: text/plain; charset=nonsense\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n',
    );
    expect(replies.at(-1)).toMatch(/^250 /);
    const { mail } = await s.admin.latestMail({ to: 'broken@example.com', wait: 15 });
    expect((await s.admin.mail(mail.id)).mail.id).toBe(mail.id);

    const big = Buffer.alloc(26 * 1024 * 1024, 'a');
    const err = await smtp
      .sendMail({ from: 'a@example.org', to: 'big@example.com', subject: 'big', text: big.toString() })
      .catch((e: unknown) => e as { responseCode: number });
    expect(err.responseCode).toBe(552);
    await expect(s.admin.latestMail({ to: 'big@example.com' })).rejects.toMatchObject({ code: 'no_message' });
    expect((await s.admin.health()).status).toBe('ok');
  });

  it('HTML with scripts is shown as text, scripts dropped; huge headers and 10,000 recipients do not hurt', async () => {
    await smtp.sendMail({
      from: 'x@example.org',
      to: 'script@example.com',
      subject: 'scripted',
      html: '<p>Hello</p><script>alert("pwned")</script><img src=x onerror=alert(1)>',
    });
    const { mail } = await s.admin.latestMail({ to: 'script@example.com', wait: 15 });
    const full = (await s.admin.mail(mail.id)).mail;
    expect(full.htmlText).toContain('Hello');
    expect(full.htmlText).not.toContain('alert');

    const many = Array.from({ length: 10_000 }, (_, i) => `r${i}@example.com`);
    await smtp.sendMail({
      from: 'x@example.org',
      to: many,
      subject: 'to everyone',
      text: 'hi',
      headers: { 'X-Huge': 'h'.repeat(200_000) },
    });
    const wide = await s.admin.latestMail({ subject: 'to everyone', wait: 15 });
    expect(wide.mail.to.length).toBe(10_000);
    expect((await s.admin.mail(wide.mail.id)).mail.subject).toBe('to everyone');
    expect((await s.admin.health()).status).toBe('ok');
  });

  it('caps connections with 421', async () => {
    const open: net.Socket[] = [];
    const greet = (sock: net.Socket) => new Promise<string>((r) => sock.once('data', (d) => r(d.toString())));
    try {
      for (let i = 0; i < 50; i++) {
        const sock = net.connect(s.smtpPort!, '127.0.0.1');
        open.push(sock);
        expect(await greet(sock)).toMatch(/^220 /);
      }
      const extra = net.connect(s.smtpPort!, '127.0.0.1');
      open.push(extra);
      expect(await greet(extra)).toMatch(/^421 /);
    } finally {
      for (const sock of open) sock.destroy();
    }
  });

  it('deletes one and all', async () => {
    const first = (await s.admin.mails()).items[0];
    await s.admin.deleteMail(first.id);
    await expect(s.admin.mail(first.id)).rejects.toMatchObject({ status: 404 });
    const { deleted } = await s.admin.deleteAllMail();
    expect(deleted).toBeGreaterThan(0);
    expect((await s.admin.mails()).total).toBe(0);
  });

  it('keeps only the newest mailRetention messages', async () => {
    await s.admin.updateSettings({ mailRetention: 10 });
    for (let i = 0; i < 12; i++)
      await smtp.sendMail({ from: 'a@example.org', to: 'ret@example.com', subject: `r${i}`, text: 'x' });
    const list = await s.admin.mails({ limit: 100 });
    expect(list.total).toBe(10);
    expect(list.items[0].subject).toBe('r11');
    expect(list.items.at(-1)!.subject).toBe('r2');
  });

  it('a failed delivery does not fail the admin action: the link is returned, the attempt audited and retried later', async () => {
    const other = await startTestServer({ config: { smtpUrl: 'smtp://127.0.0.1:1' } });
    try {
      const res = await other.admin.invite({ email: 'nomail@example.com' });
      expect(res.activationLink).toMatch(/\/activate\//);
      expect(res.mail.status).toBe('queued');
      expect((await other.admin.users({ q: 'nomail' })).total).toBe(1);
      const failed = await eventually(async () =>
        (await other.admin.audit()).items.find(
          (a) => a.action === 'mail.failed' && a.targetEmail === 'nomail@example.com',
        ),
      );
      expect(failed.detail).toMatchObject({ willRetry: true, attempts: 1 });
      expect(failed.detail.error).toMatch(/could not be sent/);
      const { delivery } = await other.admin.outboxMessage(res.mail.id);
      expect(delivery).toMatchObject({ status: 'queued', attempts: 1 });
      expect(Date.parse(delivery.nextAttemptAt!)).toBeGreaterThan(Date.parse(delivery.createdAt));
    } finally {
      await other.stop();
      await removeDir(other.dir);
    }
  });
});
