// The mail outbox: messages are written in the transaction of the change that causes them, and a
// background sender delivers them, retrying with backoff, recording each attempt.
import type { MailDelivery, MailQueued, OutboxMessage, User } from '../../src/domain/schemas.js';
import { newId } from '../../src/domain/tokens.js';
import { auditEntry } from '../audit.js';
import type { Actor, Ctx } from '../context.js';
import type { EventType } from '../events.js';
import { giveWay } from '../give-way.js';
import type { Tx } from '../store/repository.js';
import type { Mailer, SendResult } from './mailer.js';
import type { Message } from './templates.js';

/** A claimed message is not handed to another sender for this long (a crash frees it then). */
const LEASE_MS = 60_000;
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 60 * 60_000;
const GIVE_UP_MS = 3 * 86_400_000;
const PARALLEL = 16;
/**
 * Sending waits for a pause in the writes that queue mail (at most MAX_DEFER_MS), and each
 * further batch of a run for a pause in any writes: an administrator's next action (or a burst
 * of invitations) is not made to wait behind the delivery of the last one's mail, which is
 * background work.
 */
const QUIET_MS = 25;
const MAX_DEFER_MS = 250;
/** What the delivery of mail itself commits: not writes to make way for. */
const MAIL_PIPELINE: ReadonlySet<EventType> = new Set(['mail.sent', 'mail.failed', 'mail.received']);

/** The wait before attempt `attempts + 1`: doubling from 5 s, at most an hour. */
export const retryDelayMs = (attempts: number): number =>
  Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));

/** Writes a message to the outbox inside the caller's transaction. */
export function queueMail(
  tx: Tx,
  now: Date,
  kind: OutboxMessage['kind'],
  msg: Message,
  user: Pick<User, 'id'> | null,
  actor: Actor | null,
): MailQueued {
  const id = newId();
  tx.enqueueMail({
    id,
    messageId: `<${id}@seatdesk>`,
    kind,
    to: msg.to,
    subject: msg.subject,
    text: msg.text,
    html: msg.html,
    userId: user?.id ?? null,
    actorId: actor?.id ?? null,
    actorEmail: actor?.email ?? null,
    status: 'queued',
    attempts: 0,
    createdAt: now.toISOString(),
    nextAttemptAt: now.toISOString(),
    lastAttemptAt: null,
    lastError: null,
    sentAt: null,
  });
  tx.emit({ type: 'mail.queued', data: { id } });
  return { status: 'queued', id };
}

/** The public view of a message's delivery (for the console and the API). */
export const deliveryOf = (m: OutboxMessage): MailDelivery => ({
  id: m.id,
  status: m.status,
  to: m.to,
  subject: m.subject,
  attempts: m.attempts,
  createdAt: m.createdAt,
  sentAt: m.sentAt,
  nextAttemptAt: m.status === 'queued' ? m.nextAttemptAt : null,
  lastError: m.lastError,
});

export class OutboxSender {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** The first run after start also takes messages a crashed process had claimed. */
  private horizonMs = LEASE_MS;

  constructor(
    private readonly ctx: Ctx,
    private readonly mailer: Mailer,
  ) {}

  private deferred: NodeJS.Timeout | null = null;
  private deferredSince = 0;
  /** When a write last committed (Date.now()): a run's next batch waits for a pause after it. */
  private lastWrite = 0;
  private pause: { timer: NodeJS.Timeout; done: () => void } | null = null;

  start(): void {
    this.ctx.bus.listen((e) => {
      if (MAIL_PIPELINE.has(e.type)) return;
      this.lastWrite = Date.now();
      if (e.type === 'mail.queued') this.soon();
    });
    this.wake();
  }

  /** Wakes the sender once mail-queuing writes pause for QUIET_MS, or after MAX_DEFER_MS at most. */
  private soon(): void {
    if (this.stopped) return;
    const now = Date.now();
    if (this.deferred) clearTimeout(this.deferred);
    else this.deferredSince = now;
    const wait = Math.max(0, Math.min(QUIET_MS, this.deferredSince + MAX_DEFER_MS - now));
    this.deferred = setTimeout(() => {
      this.deferred = null;
      this.wake();
    }, wait);
    this.deferred.unref();
  }

  /** Runs the sender now (or again right after the current run). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.run()
      .catch(() => {})
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        } else void this.schedule();
      });
  }

  /** Waits for the current run (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops sending. Messages in flight stay queued (claimed for a minute) and go out after a restart. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.deferred) clearTimeout(this.deferred);
    if (this.pause) {
      clearTimeout(this.pause.timer);
      this.pause.done();
    }
  }

  /** Waits until writes have paused for QUIET_MS, or MAX_DEFER_MS at most. */
  private async quiet(): Promise<void> {
    const since = Date.now();
    for (;;) {
      const now = Date.now();
      const wait = Math.min(this.lastWrite + QUIET_MS, since + MAX_DEFER_MS) - now;
      if (wait <= 0 || this.stopped) return;
      await new Promise<void>((done) => {
        const timer = setTimeout(() => {
          this.pause = null;
          done();
        }, wait);
        timer.unref();
        this.pause = { timer, done };
      });
    }
  }

  private async schedule(): Promise<void> {
    if (this.stopped) return;
    const next = await this.ctx.repo.nextOutboxAttempt().catch(() => null);
    if (next === null || this.stopped || this.running) return;
    const delay = Math.max(0, Math.min(60_000, Date.parse(next) - this.ctx.now().getTime()));
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    // The first run after start reaches past the leases a crashed process left, for all of its
    // batches; a message is tried once per run (a retry waits for its backoff and the next run),
    // and one tried already is not claimed again: a lease on it would hold it back a minute.
    const horizonMs = this.horizonMs;
    this.horizonMs = 0;
    const tried = new Set<string>();
    for (let batch = 0; ; batch++) {
      if (batch > 0) await this.quiet();
      if (this.stopped) return;
      const now = this.ctx.now();
      const horizon = new Date(now.getTime() + horizonMs).toISOString();
      const lease = new Date(now.getTime() + LEASE_MS).toISOString();
      const claimed = await this.ctx.repo.claimOutbox(horizon, lease, PARALLEL, [...tried]);
      if (claimed.length === 0) return;
      for (const m of claimed) tried.add(m.id);
      // Composing a message is the costly part of a send: a batch's are spread over loop turns.
      const results = await Promise.all(
        claimed.map(async (m) => {
          await giveWay();
          return { m, result: await this.mailer.send(m) };
        }),
      );
      if (this.stopped) return; // shutting down: a send cut short is not an attempt; the next start sends it
      // One write for the whole batch's results.
      const at = this.ctx.now();
      await this.ctx.repo.transaction(async (tx) => {
        for (const { m, result } of results) await this.record(tx, m, result, at);
      });
    }
  }

  /** Records one attempt: sent, to be retried, or given up. */
  private async record(tx: Tx, m: OutboxMessage, result: SendResult, now: Date): Promise<void> {
    const cur = await tx.outboxMessage(m.id);
    if (!cur || cur.status !== 'queued') return;
    const attempts = cur.attempts + 1;
    const target = cur.userId ? { id: cur.userId, email: cur.to } : null;
    const actor = cur.actorId ? { id: cur.actorId, email: cur.actorEmail ?? '', adminProfile: null } : null;
    if (result.sent) {
      // Delivered: the body (which holds the link) is not kept; links live in the store only until sent.
      const next: OutboxMessage = {
        ...cur,
        text: '',
        html: '',
        status: 'sent',
        attempts,
        sentAt: now.toISOString(),
        lastAttemptAt: now.toISOString(),
        nextAttemptAt: null,
        lastError: null,
      };
      tx.putOutbox(next);
      tx.appendAudit(
        auditEntry(now, actor, 'mail.sent', target, { mailId: cur.id, kind: cur.kind, subject: cur.subject, attempts }),
      );
      tx.emit({ type: 'mail.sent', data: { mail: deliveryOf(next), userId: cur.userId } });
      return;
    }
    const giveUp = result.permanent || now.getTime() - Date.parse(cur.createdAt) >= GIVE_UP_MS;
    const next: OutboxMessage = {
      ...cur,
      ...(giveUp ? { text: '', html: '' } : {}),
      status: giveUp ? 'failed' : 'queued',
      attempts,
      lastAttemptAt: now.toISOString(),
      nextAttemptAt: giveUp ? null : new Date(now.getTime() + retryDelayMs(attempts)).toISOString(),
      lastError: result.error,
    };
    tx.putOutbox(next);
    tx.appendAudit(
      auditEntry(now, actor, 'mail.failed', target, {
        mailId: cur.id,
        kind: cur.kind,
        subject: cur.subject,
        attempts,
        error: result.error,
        willRetry: !giveUp,
      }),
    );
    tx.emit({ type: 'mail.failed', data: { mail: deliveryOf(next), userId: cur.userId } });
  }
}
