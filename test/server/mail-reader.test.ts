// The mail reader: Cc, Bcc from the envelope, attachments (listed and downloaded), HTML-only
// snippets, and link kinds that trust only Seatdesk's own public URL.
import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTestServer, type TestServer } from '../helpers/server.js';

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

describe('mail reader', () => {
  it('shows Cc, the envelope-only Bcc and attachments, and an attachment downloads byte for byte', async () => {
    const pdf = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff, 0x10, 0x42]);
    await smtp.sendMail({
      from: 'robot@example.com',
      to: 'ann@example.com',
      cc: 'ben@example.com',
      bcc: 'hidden@example.com',
      subject: 'Quarterly report',
      text: 'See attached.',
      attachments: [
        { filename: 'report.pdf', content: pdf, contentType: 'application/pdf' },
        { filename: 'notes é.txt', content: 'plain notes\n', contentType: 'text/plain' },
      ],
    });
    const { mail: entry } = await s.admin.latestMail({ to: 'ann@example.com', wait: 15 });
    const { mail } = await s.admin.mail(entry.id);
    expect(mail.cc).toEqual(['ben@example.com']);
    expect(mail.bcc).toEqual(['hidden@example.com']);
    expect(mail.attachments).toEqual([
      { filename: 'report.pdf', contentType: 'application/pdf', size: pdf.length },
      { filename: 'notes é.txt', contentType: 'text/plain', size: 12 },
    ]);

    const first = await s.admin.attachment(entry.id, 0);
    expect(first.contentType).toBe('application/pdf');
    expect(Buffer.compare(first.content, pdf)).toBe(0);

    const res = await fetch(`${s.url}/api/mail/${entry.id}/attachments/1`, {
      headers: { authorization: `Bearer ${s.admin.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="notes _.txt"; filename*=UTF-8''notes%20%C3%A9.txt`,
    );
    expect(await res.text()).toBe('plain notes\n');

    const missing = await fetch(`${s.url}/api/mail/${entry.id}/attachments/2`, {
      headers: { authorization: `Bearer ${s.admin.token}` },
    });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('gives an HTML-only message a text snippet', async () => {
    await smtp.sendMail({
      from: 'robot@example.com',
      to: 'html@example.com',
      subject: 'HTML only',
      html: '<h1>Welcome</h1><p>Your <b>account</b> is ready.</p>',
    });
    const { mail } = await s.admin.latestMail({ to: 'html@example.com', wait: 15 });
    expect(mail.snippet).toMatch(/WELCOME\s+Your account is ready\./i);
  });

  it('marks activation and reset links only when they point at our own public URL', async () => {
    const own = s.config.publicUrl;
    await smtp.sendMail({
      from: 'robot@example.com',
      to: 'links@example.com',
      subject: 'Links',
      text: `phish https://evil.example/activate/act_fake\nreal ${own}/reset-password/rst_real\nalso ${own}/activate/act_real`,
    });
    const { mail: entry } = await s.admin.latestMail({ to: 'links@example.com', wait: 15 });
    const { mail } = await s.admin.mail(entry.id);
    expect(mail.links).toEqual([
      { url: `${own}/activate/act_real`, kind: 'activation' },
      { url: `${own}/reset-password/rst_real`, kind: 'reset' },
      { url: 'https://evil.example/activate/act_fake', kind: 'other' },
    ]);
  });
});
