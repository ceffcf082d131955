import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import net from 'node:net';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CLIENTS, startSink } from '../../server/mail/sink.js';
import { SNAPSHOT_FILE, Store } from '../../server/store/embedded/store.js';
import { spawnChildServer } from '../helpers/child-server.js';
import {
  ADMIN,
  EMBEDDED,
  PASSWORD,
  activeUser,
  eventually,
  removeDir,
  startTestServer,
  type TestServer,
} from '../helpers/server.js';

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

describe('recipients: To, Cc and the envelope (Bcc)', () => {
  it('indexes Cc and blind copies, and finds a message by any of them', async () => {
    await smtp.sendMail({
      from: 'a@example.org',
      to: 'to-one@example.com',
      cc: 'Copy <cc-one@example.com>',
      bcc: ['hidden-one@example.com', 'hidden-two@example.com'],
      subject: 'Copies',
      text: 'x',
    });
    const { mail } = await s.admin.latestMail({ to: 'hidden-two@example.com', wait: 15 });
    expect(mail).toMatchObject({
      subject: 'Copies',
      to: ['to-one@example.com'],
      cc: ['cc-one@example.com'],
      bcc: ['hidden-one@example.com', 'hidden-two@example.com'],
    });
    expect((await s.admin.latestMail({ to: 'cc-one@example.com' })).mail.id).toBe(mail.id);
    expect((await s.admin.mails({ to: 'hidden-one@example.com' })).items.map((m) => m.id)).toEqual([mail.id]);
    expect((await s.admin.mails({ q: 'cc-one' })).items.map((m) => m.id)).toEqual([mail.id]);
    const full = (await s.admin.mail(mail.id)).mail;
    expect(full.cc).toEqual(['cc-one@example.com']);
    // The blind copies are not in the message itself, only in the envelope.
    expect(await s.admin.rawMail(mail.id)).not.toContain('hidden-one');
  });

  it('a latest wait is answered by a message that arrives as a blind copy', async () => {
    const waiting = s.admin.latestMail({ to: 'late-bcc@example.com', wait: 10 });
    await smtp.sendMail({
      from: 'a@example.org',
      to: 'someone-else@example.com',
      bcc: 'late-bcc@example.com',
      subject: 'Blind',
      text: 'x',
    });
    expect((await waiting).mail.subject).toBe('Blind');
  });

  it('a User Administrator does not see mail copied or blind-copied to a Site Administrator', async () => {
    await activeUser(s, 'ua@example.com', { adminProfile: 'User Administrator' });
    const ua = s.client((await s.client().login({ email: 'ua@example.com', password: PASSWORD })).token);
    await smtp.sendMail({
      from: 'a@example.org',
      to: 'plain@example.com',
      cc: ADMIN.email,
      subject: 'cc to the site admin',
      text: 'x',
    });
    await smtp.sendMail({
      from: 'a@example.org',
      to: 'plain@example.com',
      bcc: ADMIN.email,
      subject: 'bcc to the site admin',
      text: 'x',
    });
    await smtp.sendMail({ from: 'a@example.org', to: 'plain@example.com', subject: 'to plain only', text: 'x' });
    await s.admin.latestMail({ subject: 'to plain only', wait: 15 });
    expect((await ua.mails({ to: 'plain@example.com' })).items.map((m) => m.subject)).toEqual(['to plain only']);
    expect((await s.admin.mails({ to: 'plain@example.com' })).total).toBe(3);
  });
});

describe('an index written before Cc and Bcc were kept', () => {
  it('loads, with no copies recorded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seatdesk-oldmail-'));
    try {
      await (await Store.open(dir)).close();
      const file = join(dir, SNAPSHOT_FILE);
      const data = JSON.parse(await readFile(file, 'utf8'));
      const old = {
        id: 'm1',
        messageId: null,
        from: 'a@example.org',
        to: ['b@example.com'],
        subject: 'old',
        date: data.site.createdAt,
        receivedAt: data.site.createdAt,
        size: 10,
        file: 'm1.eml',
        snippet: '',
      };
      await writeFile(file, JSON.stringify({ ...data, mails: [old] }));
      await writeFile(
        join(dir, 'journal.ndjson'),
        JSON.stringify({ seq: data.seq + 1, ops: [{ c: 'mails', put: { ...old, id: 'm2', file: 'm2.eml' } }] }) + '\n',
      );
      const store = await Store.open(dir);
      expect(store.get('mails', 'm1')).toMatchObject({ to: ['b@example.com'], cc: [], bcc: [] });
      expect(store.get('mails', 'm2')).toMatchObject({ cc: [], bcc: [] });
      await store.close();
    } finally {
      await removeDir(dir);
    }
  });
});

describe('slow and idle clients', () => {
  const greeting = (sock: net.Socket) => new Promise<string>((r) => sock.once('data', (d) => r(d.toString())));

  it('clients holding every slot of the sink port do not stop Seatdesk’s own mail', async () => {
    const held: net.Socket[] = [];
    try {
      for (let i = 0; i < MAX_CLIENTS; i++) held.push(net.connect(s.smtpPort!, '127.0.0.1'));
      for (const g of await Promise.all(held.map(greeting))) expect(g).toMatch(/^220 /);
      const extra = net.connect(s.smtpPort!, '127.0.0.1');
      held.push(extra);
      expect(await greeting(extra)).toMatch(/^421 /);
      const inv = await s.admin.invite({ email: 'starved@example.com' });
      const { mail } = await s.admin.latestMail({ to: 'starved@example.com', wait: 10 });
      expect(mail.subject).toMatch(/invited/i);
      expect(inv.activationLink).toBeTruthy();
    } finally {
      for (const sock of held) sock.destroy();
    }
  });

  it('an idle client is disconnected with 421 and its slot is free again', async () => {
    const t = await startTestServer({ start: { smtpIdleTimeoutMs: 200 } });
    try {
      const sock = net.connect(t.smtpPort!, '127.0.0.1');
      let text = '';
      sock.on('data', (d) => (text += d.toString()));
      await new Promise((r) => sock.once('close', r));
      expect(text).toMatch(/^220 /);
      expect(text).toMatch(/\r\n421 /);
    } finally {
      await t.stop();
      await removeDir(t.dir);
    }
  });

  it('the reserved listener takes mail only with this process’s secret', async () => {
    const sink = await startSink(s.services.mail, '127.0.0.1', 0);
    const own = new URL(sink.ownUrl);
    const send = (auth?: { user: string; pass: string }) => {
      const t = nodemailer.createTransport({
        host: own.hostname,
        port: Number(own.port),
        secure: false,
        ignoreTLS: true,
        auth,
      });
      return t
        .sendMail({ from: 'x@example.org', to: 'reserved@example.com', subject: 'reserved', text: 'x' })
        .finally(() => t.close());
    };
    try {
      expect(sink.ownUrl).not.toContain(String(sink.port));
      await expect(send()).rejects.toMatchObject({ responseCode: 530 });
      await expect(send({ user: 'seatdesk', pass: 'guess' })).rejects.toMatchObject({ responseCode: 535 });
      await send({ user: decodeURIComponent(own.username), pass: decodeURIComponent(own.password) });
      expect((await s.admin.latestMail({ to: 'reserved@example.com', wait: 15 })).mail.subject).toBe('reserved');
    } finally {
      await sink.close();
    }
  });
});

describe('crashes', () => {
  it('every message answered 250 is listed after the server is killed mid-stream', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seatdesk-mailcrash-'));
    const child = await spawnChildServer(dir);
    try {
      const smtp = nodemailer.createTransport({
        host: '127.0.0.1',
        port: child.smtpPort,
        pool: true,
        maxConnections: 10,
        maxMessages: Infinity,
      });
      const acked: string[] = [];
      let n = 0;
      const senders = Array.from({ length: 10 }, async () => {
        for (;;) {
          const subject = `crash ${n++}`;
          try {
            await smtp.sendMail({
              from: 'a@example.org',
              to: 'crash@example.com',
              bcc: 'crash-bcc@example.com',
              subject,
              text: 'x'.repeat(2000),
            });
            // Pulled the moment a 250 arrives: its index entry's commit is likely still in flight.
            if (acked.push(subject) === 30) void child.kill();
          } catch {
            return; // the server is gone
          }
        }
      });
      await Promise.all(senders);
      await child.kill();
      smtp.close();
      const t = await startTestServer({ dir });
      try {
        const listed = new Set(
          (await t.admin.mails({ to: 'crash@example.com', limit: 10_000 })).items.map((m) => m.subject),
        );
        for (const subject of acked) expect(listed.has(subject), `acknowledged "${subject}" lost`).toBe(true);
      } finally {
        await t.stop();
      }
    } finally {
      await child.kill();
      await removeDir(dir);
    }
  }, 60_000);

  it('a client that goes away mid-message leaves no file (nor its open handle) behind, and no mail after a restart', async () => {
    const t = await startTestServer();
    const mailDir = join(t.dir, 'mail');
    const files = async () => (await readdir(mailDir)).filter((f) => f.endsWith('.eml'));
    const sock = net.connect(t.smtpPort!, '127.0.0.1');
    sock.on('error', () => {});
    try {
      let said = '';
      sock.on('data', (d) => (said += d.toString()));
      const reply = async (code: string) => {
        await eventually(() => new RegExp(`^${code} `, 'm').test(said));
        said = '';
      };
      await reply('220');
      for (const [line, code] of [
        ['EHLO test', '250'],
        ['MAIL FROM:<a@example.org>', '250'],
        ['RCPT TO:<gone-away@example.com>', '250'],
        ['DATA', '354'],
      ]) {
        sock.write(`${line}\r\n`);
        await reply(code);
      }
      // Past the first 256 KB the sink writes the message to its file as it comes.
      sock.write(`Subject: half a message\r\n\r\n${'a'.repeat(600 * 1024)}\r\n`);
      await eventually(async () => (await files()).length === 1);
      sock.destroy();
      await eventually(async () => (await files()).length === 0);
      const u = await t.restart();
      try {
        await expect(u.admin.latestMail({ to: 'gone-away@example.com' })).rejects.toMatchObject({ code: 'no_message' });
      } finally {
        await u.stop();
      }
    } finally {
      sock.destroy();
      await t.stop();
      await removeDir(t.dir);
    }
  });

  it('a message file the index lost is indexed again at start; an entry whose file is gone is dropped', async () => {
    // The embedded engine's files; the PostgreSQL engine keeps sources in the database.
    const t = await startTestServer({ config: EMBEDDED });
    let u: TestServer | undefined;
    try {
      const other = nodemailer.createTransport({
        host: '127.0.0.1',
        port: t.smtpPort!,
        secure: false,
        ignoreTLS: true,
      });
      await other.sendMail({ from: 'a@example.org', to: 'keep@example.com', subject: 'kept', text: 'x' });
      const kept = (await t.admin.latestMail({ to: 'keep@example.com', wait: 15 })).mail;
      await other.sendMail({ from: 'a@example.org', to: 'keep@example.com', subject: 'file gone', text: 'x' });
      other.close();
      const gone = (await t.admin.latestMail({ subject: 'file gone', wait: 15 })).mail;
      await t.stop();
      const mailDir = join(t.dir, 'mail');
      await rm(join(mailDir, gone.file));
      // As if the server had answered 250 for this one and died before the index's commit.
      await writeFile(
        join(mailDir, 'orphan1.eml'),
        'From: Robot <robot@example.org>\r\nTo: orphan@example.com\r\nCc: orphan-cc@example.com\r\nSubject: Found again\r\n\r\nHello\r\n',
      );
      u = await startTestServer({ dir: t.dir, config: EMBEDDED });
      const found = (await u.admin.latestMail({ to: 'orphan-cc@example.com' })).mail;
      expect(found).toMatchObject({
        id: 'orphan1',
        subject: 'Found again',
        from: 'robot@example.org',
        to: ['orphan@example.com'],
        cc: ['orphan-cc@example.com'],
      });
      expect((await u.admin.mail(found.id)).mail.text).toContain('Hello');
      expect((await u.admin.mail(kept.id)).mail.subject).toBe('kept');
      await expect(u.admin.mail(gone.id)).rejects.toMatchObject({ status: 404 });
    } finally {
      await (u ?? t).stop();
      await removeDir(t.dir);
    }
  });
});
