// The mail outbox: a message is written with the change that causes it, sent in the background,
// retried with backoff, and never lost to a crash or a relay that is down.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { databaseFor, TEST_ENGINE } from '../helpers/postgres.js';
import { ADMIN, eventually, removeDir, startTestServer } from '../helpers/server.js';

/** An SMTP server of the test's own: records what arrives; `refuse` decides the answer to DATA. */
async function receiver(refuse: (n: number) => { code: number } | null = () => null) {
  const got: { to: string[]; messageId: string; subject: string }[] = [];
  let attempts = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const n = ++attempts;
      simpleParser(stream).then((m) => {
        const no = refuse(n);
        if (no) return done(Object.assign(new Error('try later'), { responseCode: no.code }));
        got.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          messageId: m.messageId ?? '',
          subject: m.subject ?? '',
        });
        done();
      }, done);
    },
  });
  server.on('error', () => {}); // a sender killed mid-message resets its connection
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as { port: number }).port;
  return {
    got,
    url: `smtp://127.0.0.1:${port}`,
    attempts: () => attempts,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A port that accepts connections and never says a word: mail to it hangs. */
async function silent(): Promise<{ url: string; server: Server }> {
  const server = createServer(() => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `smtp://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

async function startChild(dir: string, smtpUrl: string): Promise<{ child: ChildProcess; url: string }> {
  // On the PostgreSQL engine the child opens the database the dir's test servers use.
  const databaseUrl = TEST_ENGINE === 'postgres' ? await databaseFor(dir) : '';
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('test/helpers/crash-server.ts'), dir, smtpUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SEATDESK_DATABASE_URL: databaseUrl },
  });
  return new Promise((res, rej) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /ready (\S+)\n/.exec(buf);
      if (m) res({ child, url: m[1] });
    });
    child.once('exit', (code) => rej(new Error(`server exited with ${code} before it was ready`)));
  });
}

const kill = (child: ChildProcess) =>
  new Promise<void>((r) => (child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill('SIGKILL'))));

async function signedIn(url: string): Promise<ApiClient> {
  const c = new ApiClient(url);
  c.token = (await c.login({ ...ADMIN, client: 'tui', terminateOldest: true })).token;
  return c;
}

describe('the outbox', () => {
  let dirs: string[] = [];
  beforeAll(() => void (dirs = []));
  afterAll(async () => {
    for (const d of dirs) await removeDir(d);
  });
  const tmp = async () => {
    const d = await mkdtemp(join(tmpdir(), 'seatdesk-outbox-'));
    dirs.push(d);
    return d;
  };

  it('answers before the mail is sent: the invitation is queued, and a relay that is down does not fail it', async () => {
    const hang = await silent();
    const s = await startTestServer({ config: { smtpUrl: hang.url } });
    try {
      const res = await s.admin.invite({ email: 'queued@example.com' });
      expect(res.mail).toMatchObject({ status: 'queued' });
      expect((await s.admin.outboxMessage(res.mail.id)).delivery).toMatchObject({
        status: 'queued',
        to: 'queued@example.com',
        attempts: 0,
      });
      expect((await s.admin.userDeliveries(res.user.id)).items.map((d) => d.id)).toEqual([res.mail.id]);
    } finally {
      await s.stop();
      hang.server.close();
      await removeDir(s.dir);
    }
  });

  it('retries a refused message with backoff, keeps its Message-ID, and reports each attempt', async () => {
    const smtp = await receiver((n) => (n === 1 ? { code: 451 } : null));
    const s = await startTestServer({ config: { smtpUrl: smtp.url } });
    const events: string[] = [];
    const ac = new AbortController();
    let opened!: () => void;
    const open = new Promise<void>((r) => (opened = r));
    const stream = s.admin.events((e) => events.push(e.type), ac.signal, opened).catch(() => {});
    try {
      await open;
      const res = await s.admin.invite({ email: 'retry@example.com' });
      const failed = await eventually(async () => {
        const d = (await s.admin.outboxMessage(res.mail.id)).delivery;
        return d.attempts === 1 ? d : null;
      });
      expect(failed).toMatchObject({ status: 'queued', sentAt: null });
      expect(failed.lastError).toMatch(/try later/);
      // Backoff, not a tight loop: the next attempt is 5 s after this one (measured from the attempt's
      // own time, not from whenever this test got to look: on a loaded machine that is seconds later).
      const attempt = (await s.admin.audit({ limit: 20 })).items.find(
        (a) => a.action === 'mail.failed' && a.targetEmail === 'retry@example.com',
      );
      expect(Date.parse(failed.nextAttemptAt!) - Date.parse(attempt!.at)).toBe(5_000);
      // Time passes: the next attempt is due and goes through.
      s.clock.advance(10_000);
      s.services.outbox!.wake();
      const sent = await eventually(async () => {
        const d = (await s.admin.outboxMessage(res.mail.id)).delivery;
        return d.status === 'sent' ? d : null;
      });
      expect(sent).toMatchObject({ attempts: 2, lastError: null });
      expect(smtp.got).toEqual([
        {
          to: ['retry@example.com'],
          messageId: `<${res.mail.id}@seatdesk>`,
          subject: expect.stringContaining('invited'),
        },
      ]);
      const audit = (await s.admin.audit({ limit: 20 })).items
        .filter((a) => a.targetEmail === 'retry@example.com')
        .map((a) => a.action);
      expect(audit).toEqual(expect.arrayContaining(['mail.failed', 'mail.sent']));
      await eventually(() => events.includes('mail.failed') && events.includes('mail.sent'));
    } finally {
      ac.abort();
      await stream;
      await s.stop();
      await smtp.close();
      await removeDir(s.dir);
    }
  });

  it('a retry that falls due while its run is still going is tried after its backoff, not a lease later', async () => {
    const smtp = await receiver((n) => (n === 1 ? { code: 451 } : null));
    const s = await startTestServer({ config: { smtpUrl: smtp.url } });
    // The failed attempt's event comes before the sender's run looks for more work: moving the clock
    // past the backoff there makes the retry due while that run still goes on (on a loaded machine,
    // a slow commit does the same). That run must leave it for the next one, unleased.
    const unsubscribe = s.services.ctx.bus.subscribe((e) => {
      if (e.type === 'mail.failed') s.clock.advance(10_000);
    });
    try {
      const res = await s.admin.invite({ email: 'due-again@example.com' });
      const sent = await eventually(async () => {
        const d = (await s.admin.outboxMessage(res.mail.id)).delivery;
        return d.status === 'sent' ? d : null;
      });
      expect(sent).toMatchObject({ attempts: 2, lastError: null });
      expect(smtp.attempts()).toBe(2);
    } finally {
      unsubscribe();
      await s.stop();
      await smtp.close();
      await removeDir(s.dir);
    }
  });

  it('gives up on a permanent refusal at once, and on a temporary one after three days', async () => {
    const smtp = await receiver((n) => ({ code: n === 1 ? 550 : 451 }));
    const s = await startTestServer({ config: { smtpUrl: smtp.url } });
    try {
      const permanent = await s.admin.invite({ email: 'nobody@example.com' });
      const p = await eventually(async () => {
        const d = (await s.admin.outboxMessage(permanent.mail.id)).delivery;
        return d.status === 'failed' ? d : null;
      });
      expect(p).toMatchObject({ attempts: 1, nextAttemptAt: null });
      const temporary = await s.admin.invite({ email: 'later@example.com' });
      await eventually(async () => (await s.admin.outboxMessage(temporary.mail.id)).delivery.attempts === 1);
      s.clock.advance(3 * 86_400_000 + 1);
      s.services.outbox!.wake();
      const t = await eventually(async () => {
        const d = (await s.admin.outboxMessage(temporary.mail.id)).delivery;
        return d.status === 'failed' ? d : null;
      });
      expect(t.attempts).toBe(2);
      const audit = (await s.admin.audit({ limit: 50 })).items.find(
        (a) => a.action === 'mail.failed' && a.targetEmail === 'later@example.com' && a.detail.willRetry === false,
      );
      expect(audit).toBeDefined();
    } finally {
      await s.stop();
      await smtp.close();
      await removeDir(s.dir);
    }
  });

  it('a crash after the answer still delivers the mail after restart, with the same Message-ID', async () => {
    const dir = await tmp();
    const hang = await silent();
    const first = await startChild(dir, hang.url);
    const admin = await signedIn(first.url);
    const res = await admin.invite({ email: 'crash@example.com' });
    await kill(first.child); // the relay never answered: the message was not sent
    hang.server.close();
    const smtp = await receiver();
    const second = await startChild(dir, smtp.url);
    try {
      await eventually(() => smtp.got.length > 0, 15_000);
      expect(smtp.got).toEqual([
        {
          to: ['crash@example.com'],
          messageId: `<${res.mail.id}@seatdesk>`,
          subject: expect.stringContaining('invited'),
        },
      ]);
      const after = await signedIn(second.url);
      expect((await after.outboxMessage(res.mail.id)).delivery).toMatchObject({ status: 'sent' });
    } finally {
      await kill(second.child);
      await smtp.close();
    }
  }, 60_000);

  it('a kill -9 storm loses no acknowledged invitation, nor its mail', async () => {
    const dir = await tmp();
    const smtp = await receiver();
    const acked = new Set<string>();
    await startTestServer({ dir }).then(async (s) => {
      await s.admin.updateLicense({ seats: 10_000 });
      await s.stop();
    });
    for (let round = 0; round < 2; round++) {
      const { child, url } = await startChild(dir, smtp.url);
      const admin = await signedIn(url);
      let n = 0;
      const stop = { now: false };
      const worker = async () => {
        while (!stop.now) {
          const email = `storm${round}-${n++}@example.com`;
          try {
            await admin.invite({ email });
            acked.add(email);
          } catch {
            return; // the server died under it
          }
        }
      };
      const workers = Array.from({ length: 4 }, worker);
      await eventually(() => acked.size >= (round + 1) * 10, 20_000);
      stop.now = true;
      await kill(child);
      await Promise.all(workers);
    }
    const { child, url } = await startChild(dir, smtp.url);
    try {
      const admin = await signedIn(url);
      const users = new Set<string>();
      for (let cursor: string | undefined, first = true; first || cursor; first = false) {
        const page = await admin.users({ q: 'storm', limit: 1000, cursor });
        for (const u of page.items) users.add(u.email);
        cursor = page.nextCursor ?? undefined;
      }
      for (const email of acked) expect(users.has(email), `acknowledged ${email} lost`).toBe(true);
      await eventually(() => [...acked].every((e) => smtp.got.some((m) => m.to.includes(e))), 60_000);
    } finally {
      await kill(child);
      await smtp.close();
    }
  }, 120_000);
});
