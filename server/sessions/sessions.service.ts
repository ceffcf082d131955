// The session grid and history, termination by an administrator, and the idle sweep.
import { AppError } from '../../src/domain/errors.js';
import type { Client, PublicSession } from '../../src/domain/schemas.js';
import { mayManage } from '../../src/domain/permissions.js';
import { isIdle } from '../../src/domain/sessions.js';
import { auditEntry } from '../audit.js';
import type { Actor, Ctx } from '../context.js';
import { PageCache } from '../page-cache.js';
import { pageJson, recordJson, toPublicSession } from '../public.js';
import type { Page, SessionQuery } from '../store/repository.js';
import type { Activity } from './activity.js';
import { endAllForUser, endSession } from './lifecycle.js';

export interface SessionListQuery extends Omit<SessionQuery, 'clients'> {
  /** Comma list of clients, or "all"; by default every client but explorer. */
  client?: string;
}

export class SessionsService {
  private readonly pages = new PageCache();

  constructor(
    private readonly ctx: Ctx,
    readonly activity: Activity,
  ) {}

  async list(q: SessionListQuery): Promise<Page<PublicSession> & { activeCount: number }> {
    const { client, ...rest } = q;
    // Activity is batched in memory; sorting by it must see the latest.
    if (q.sort === 'lastActivityAt' && q.state !== 'ended') await this.flushActivity();
    const clients = !client
      ? undefined
      : client === 'all'
        ? (['web', 'tui', 'explorer', 'api'] as Client[])
        : (client.split(',') as Client[]);
    const page = await this.ctx.repo.pageSessions({ ...rest, clients });
    const live = q.state !== 'ended';
    return { ...page, items: page.items.map((s) => toPublicSession(live ? this.activity.apply(s) : s)) };
  }

  /**
   * The same page as JSON, built from each session's cached JSON (a grid page is 50-100 of them),
   * and kept for the same query object (see PageCache) until a session changes or one on the
   * page is active again.
   */
  async listJson(q: SessionListQuery): Promise<Uint8Array<ArrayBuffer>> {
    const { client, ...rest } = q;
    const live = q.state !== 'ended';
    if (q.sort === 'lastActivityAt' && live) await this.flushActivity();
    const kept = this.pages.get(q);
    if (kept !== undefined) return kept;
    const clients = !client
      ? undefined
      : client === 'all'
        ? (['web', 'tui', 'explorer', 'api'] as Client[])
        : (client.split(',') as Client[]);
    const repo = this.ctx.repo;
    // Read before the page: a change made while it is built then makes it stale at once.
    const version = repo.listVersion?.('sessions');
    const page = await repo.pageSessions({ ...rest, clients });
    const activity = this.activity;
    const shown = live ? page.items.map((s) => activity.unwritten(s.id)) : [];
    const items = page.items.map((s) => recordJson(live ? activity.apply(s) : s, toPublicSession));
    const json = Buffer.from(
      pageJson(items, { total: page.total, nextCursor: page.nextCursor, activeCount: page.activeCount }),
    );
    if (version !== undefined) {
      const ids = page.items.map((s) => s.id);
      this.pages.set(
        q,
        json,
        () => repo.listVersion!('sessions') === version && shown.every((ms, i) => activity.unwritten(ids[i]) === ms),
      );
    }
    return json;
  }

  async terminate(actor: Actor, id: string): Promise<PublicSession> {
    const now = this.ctx.now();
    const ended = await this.ctx.repo.transaction(async (tx) => {
      const s = await tx.session(id);
      if (!s) throw new AppError('session_not_found', `No session has the id "${id}".`);
      if (s.endedAt) throw new AppError('invalid_state', `That session already ended (${s.endReason}).`);
      const owner = await tx.user(s.userId);
      if (owner && !mayManage(actor, owner)) throw notYours();
      const e = endSession(tx, this.activity, s, 'admin', actor.id, now);
      tx.appendAudit(
        auditEntry(
          now,
          actor,
          'session.terminate',
          { id: s.userId, email: s.email },
          { sessionId: s.id, client: s.client },
        ),
      );
      return e;
    });
    return toPublicSession(ended);
  }

  async terminateUser(actor: Actor, userId: string): Promise<number> {
    const now = this.ctx.now();
    return this.ctx.repo.transaction(async (tx) => {
      const u = await tx.user(userId);
      if (!u) throw new AppError('user_not_found', `No user has the id "${userId}".`);
      if (!mayManage(actor, u)) throw notYours();
      const ended = await endAllForUser(tx, this.activity, userId, 'admin', actor.id, now);
      tx.appendAudit(auditEntry(now, actor, 'session.terminate_all', u, { count: ended.length }));
      return ended.length;
    });
  }

  /** Ends sessions idle past the timeout. Run every few seconds by the server. */
  async sweepIdle(): Promise<number> {
    const { idleTimeoutMinutes: minutes } = await this.ctx.repo.settings();
    if (!minutes) return 0;
    const now = this.ctx.now();
    const before = new Date(now.getTime() - minutes * 60_000).toISOString();
    return this.ctx.repo.transaction(async (tx) => {
      let n = 0;
      for (const s of await tx.liveSessionsInactiveSince(before)) {
        if (!isIdle(this.activity.lastActive(s), minutes, now.getTime())) continue;
        endSession(tx, this.activity, s, 'idle', null, now);
        n++;
      }
      return n;
    });
  }

  /** Writes batched activity times. */
  flushActivity(): Promise<void> {
    return this.activity.flush(this.ctx.repo);
  }
}

const notYours = () => new AppError('forbidden', "Only a Site Administrator can end a Site Administrator's sessions.");
