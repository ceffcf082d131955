// The embedded engine behind the repository seam: one writer at a time (so check-then-change is
// atomic), reads straight from memory, writes group-committed to the journal.
import { AppError } from '../../../src/domain/errors.js';
import { recipientsOf } from '../../../src/domain/mail.js';
import { contains } from '../../../src/domain/query.js';
import { holdsSeat } from '../../../src/domain/seats.js';
import type { ActionToken, MailEntry, OutboxMessage, Session, User, UserStatus } from '../../../src/domain/schemas.js';
import type { BusEvent } from '../../events.js';
import { latestIso } from '../../../src/domain/reclaim.js';
import { SEAT_HISTORY_KEEP, type SeatHistoryEntry } from '../../../src/domain/seat-history.js';
import type {
  AuditQuery,
  MailQuery,
  Page,
  PageQuery,
  Reads,
  Repository,
  RepositoryOptions,
  SeatHistoryQuery,
  SessionQuery,
  Tx,
  UserActivity,
  UserQuery,
} from '../repository.js';
import { ListIndexes } from './list-indexes.js';
import { Store, type Changes, type StoreOptions } from './store.js';
import type { Tables } from './tables.js';
import { giveWay } from '../../give-way.js';

/** Ids in the order of a time field, oldest first; new records are appended (they are the newest). */
class TimeOrder {
  private ids = new Map<string, true>();
  /** Puts the ids present into the order of `time` (once, after loading). */
  resort(time: (id: string) => string): void {
    const entries = [...this.ids.keys()].map((id) => [id, time(id)] as const);
    entries.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    this.ids = new Map(entries.map(([id]) => [id, true]));
  }
  add(id: string): void {
    this.ids.set(id, true);
  }
  remove(id: string): void {
    this.ids.delete(id);
  }
  get size(): number {
    return this.ids.size;
  }
  oldest(n: number): string[] {
    const out: string[] = [];
    for (const id of this.ids.keys()) {
      if (out.length >= n) break;
      out.push(id);
    }
    return out;
  }
  newestFirst(): string[] {
    return [...this.ids.keys()].reverse();
  }
}

/** Per-key sets of ids, kept from change hooks. */
class Grouped {
  private m = new Map<string, Set<string>>();
  add(key: string, id: string): void {
    let s = this.m.get(key);
    if (!s) this.m.set(key, (s = new Set()));
    s.add(id);
  }
  remove(key: string, id: string): void {
    const s = this.m.get(key);
    if (!s) return;
    s.delete(id);
    if (s.size === 0) this.m.delete(key);
  }
  get(key: string): ReadonlySet<string> {
    return this.m.get(key) ?? new Set();
  }
}

/** Indexes the services' questions need, kept up to date on every change (and every undo). */
class Indexes {
  held = 0;
  siteAdmins = new Set<string>();
  liveSessionsByUser = new Grouped();
  /**
   * The latest activity time of any of a user's sessions, kept as sessions change (a page of users
   * shows it). A pruned old session never held the latest time of a user with newer ones.
   */
  lastActivityByUser = new Map<string, string>();
  liveSessionByApiToken = new Map<string, string>();
  /** Live sessions that count toward the per-user limit (all but api), per user. */
  liveCountedByUser = new Map<string, number>();
  liveCount = 0;
  actionTokensByUser = new Grouped();
  apiTokensByUser = new Grouped();
  queuedOutbox = new Set<string>();
  endedSessions = new TimeOrder();
  audit = new TimeOrder();
  mails = new TimeOrder();
  finishedOutbox = new TimeOrder();
  seatHistory = new TimeOrder();
  /** Sorted orders of the lists (users, sessions, mail, audit): a page costs O(log n + limit). */
  lists: ListIndexes;

  constructor(t: Tables) {
    this.lists = new ListIndexes({
      user: (id) => t.get('users', id),
      session: (id) => t.get('sessions', id),
      mail: (id) => t.get('mails', id),
      audit: (id) => t.get('audit', id),
    });
    for (const c of ['users', 'sessions', 'mails', 'audit'] as const)
      t.onChange(c, (prev, next) => (next ? this.lists.put(c, prev, next) : this.lists.del(c, prev)));
    t.onChange('users', (prev, next) => {
      if (prev && holdsSeat(prev)) this.held--;
      if (next && holdsSeat(next)) this.held++;
      if (prev?.adminProfile === 'Site Administrator') this.siteAdmins.delete(prev.id);
      if (next?.adminProfile === 'Site Administrator') this.siteAdmins.add(next.id);
    });
    t.onChange('sessions', (prev, next) => {
      if (next) {
        const was = this.lastActivityByUser.get(next.userId);
        if (was === undefined || next.lastActivityAt > was)
          this.lastActivityByUser.set(next.userId, next.lastActivityAt);
      }
      if (prev && !prev.endedAt) {
        if (prev.client !== 'api')
          this.liveCountedByUser.set(prev.userId, (this.liveCountedByUser.get(prev.userId) ?? 1) - 1);
        this.liveCount--;
        this.liveSessionsByUser.remove(prev.userId, prev.id);
        if (prev.apiTokenId) this.liveSessionByApiToken.delete(prev.apiTokenId);
      }
      if (next && !next.endedAt) {
        if (next.client !== 'api')
          this.liveCountedByUser.set(next.userId, (this.liveCountedByUser.get(next.userId) ?? 0) + 1);
        this.liveCount++;
        this.liveSessionsByUser.add(next.userId, next.id);
        if (next.apiTokenId) this.liveSessionByApiToken.set(next.apiTokenId, next.id);
      }
      if (prev?.endedAt && !next?.endedAt) this.endedSessions.remove(prev.id);
      if (next?.endedAt && !prev?.endedAt) this.endedSessions.add(next.id);
    });
    t.onChange('actionTokens', (prev, next) => {
      if (prev) this.actionTokensByUser.remove(prev.userId, prev.id);
      if (next) this.actionTokensByUser.add(next.userId, next.id);
    });
    t.onChange('apiTokens', (prev, next) => {
      if (prev) this.apiTokensByUser.remove(prev.userId, prev.id);
      if (next) this.apiTokensByUser.add(next.userId, next.id);
    });
    t.onChange('audit', (prev, next) => {
      if (prev && !next) this.audit.remove(prev.id);
      if (next && !prev) this.audit.add(next.id);
    });
    t.onChange('mails', (prev, next) => {
      if (prev && !next) this.mails.remove(prev.id);
      if (next && !prev) this.mails.add(next.id);
    });
    t.onChange('seatHistory', (prev, next) => {
      if (prev && !next) this.seatHistory.remove(prev.id);
      if (next && !prev) this.seatHistory.add(next.id);
    });
    t.onChange('outbox', (prev, next) => {
      if (prev?.status === 'queued') this.queuedOutbox.delete(prev.id);
      if (next?.status === 'queued') this.queuedOutbox.add(next.id);
      if (prev && prev.status !== 'queued' && (!next || next.status === 'queued')) this.finishedOutbox.remove(prev.id);
      if (next && next.status !== 'queued' && (!prev || prev.status === 'queued')) this.finishedOutbox.add(next.id);
    });
    // The hooks were fed the loaded records in file order: put those in time order once.
    this.endedSessions.resort((id) => t.get('sessions', id)!.endedAt!);
    this.audit.resort((id) => t.get('audit', id)!.at);
    this.mails.resort((id) => t.get('mails', id)!.receivedAt);
    this.seatHistory.resort((id) => t.get('seatHistory', id)!.at);
    this.finishedOutbox.resort((id) => t.get('outbox', id)!.lastAttemptAt ?? t.get('outbox', id)!.createdAt);
  }
}

const limitOf = (q: PageQuery) => Math.min(10_000, Math.max(1, q.limit ?? 100));

/** Offset paging with an opaque cursor (the offset of the next window). */
function windowOf<T>(rows: T[], q: PageQuery, total = rows.length): Page<T> {
  const start = q.cursor !== undefined ? decodeOffset(q.cursor) : Math.max(0, q.offset ?? 0);
  const items = rows.slice(start, start + limitOf(q));
  const next = start + items.length;
  return { items, total, nextCursor: next < total ? encodeOffset(next) : null };
}
const encodeOffset = (n: number) => Buffer.from(JSON.stringify({ o: n })).toString('base64url');
function decodeOffset(cursor: string): number {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof v.o === 'number' && Number.isInteger(v.o) && v.o >= 0) return v.o;
  } catch {
    // falls through to the error
  }
  throw new AppError(
    'invalid_cursor',
    'The cursor is not one this server gave out. Start again from the first page (no cursor).',
  );
}

class EmbeddedReads implements Reads {
  constructor(
    protected readonly t: Tables,
    protected readonly ix: Indexes,
  ) {}

  async site() {
    return this.t.single.site;
  }
  async license() {
    return this.t.single.license;
  }
  async settings() {
    return this.t.single.settings;
  }

  async user(id: string) {
    return this.t.get('users', id);
  }
  async userByEmail(email: string) {
    return this.t.findBy('users', email);
  }
  private reclaimViews = 0;
  async pageUsers(q: UserQuery): Promise<Page<User>> {
    if (!q.dormantBefore && !q.invitedBefore) return this.ix.lists.pageUsers(q);
    // The reclamation views: a rule over each user's activity, worked out once per request.
    const activity = this.activityNow(null);
    const test = (u: User) => {
      if (q.dormantBefore) {
        // The domain's rule (isDormant): login, session activity, activation and creation all before the cutoff.
        const since = latestIso(u.lastLoginAt, activity.get(u.id)?.lastSessionActivity, u.activatedAt, u.createdAt);
        if (u.status !== 'active' || since === null || since >= q.dormantBefore) return false;
      }
      if (q.invitedBefore) {
        // isStaleInvitation: pending, invited before the cutoff, no newer link and none used.
        const a = activity.get(u.id);
        if (
          u.status !== 'pending' ||
          a?.linkUsed ||
          (latestIso(u.createdAt, a?.lastInvitedAt) ?? u.createdAt) >= q.invitedBefore
        )
          return false;
      }
      return true;
    };
    // Activity changes without the user changing, so each request counts afresh (a key never reused).
    return this.ix.lists.pageUsers(q, { key: `reclaim:${++this.reclaimViews}`, test });
  }
  async countHeldSeats() {
    return this.ix.held;
  }
  async siteAdmins(status?: UserStatus) {
    const out: User[] = [];
    for (const id of this.ix.siteAdmins) {
      const u = this.t.get('users', id);
      if (u && (!status || u.status === status)) out.push(u);
    }
    return out;
  }

  async projects() {
    return [...this.t.values('projects')];
  }
  async projectMemberCounts() {
    const members = new Map<string, number>();
    for (const u of this.t.values('users'))
      for (const m of u.projects) members.set(m.projectId, (members.get(m.projectId) ?? 0) + 1);
    return members;
  }

  async session(id: string) {
    return this.t.get('sessions', id);
  }
  async sessionByTokenHash(hash: string) {
    return this.t.findBy('sessions', hash);
  }
  /** Synchronous: the sessions service's authentication fast path uses it. */
  sessionByTokenHashNow(hash: string) {
    return this.t.findBy('sessions', hash);
  }
  async liveSessionCounts(userIds: readonly string[]) {
    return new Map(userIds.map((id) => [id, this.ix.liveCountedByUser.get(id) ?? 0]));
  }
  async liveSessionsOf(userId: string) {
    return [...this.ix.liveSessionsByUser.get(userId)].map((id) => this.t.get('sessions', id)!);
  }
  async liveSessionOfApiToken(apiTokenId: string) {
    const id = this.ix.liveSessionByApiToken.get(apiTokenId);
    return id === undefined ? undefined : this.t.get('sessions', id);
  }
  async liveSessionsInactiveSince(beforeIso: string) {
    const out: Session[] = [];
    for (const s of this.t.values('sessions')) if (!s.endedAt && s.lastActivityAt < beforeIso) out.push(s);
    return out;
  }
  async pageSessions(q: SessionQuery): Promise<Page<Session> & { activeCount: number }> {
    return this.ix.lists.pageSessions(q);
  }
  listVersion(list: 'users' | 'sessions'): number {
    return this.ix.lists[list].changes;
  }

  async apiToken(id: string) {
    return this.t.get('apiTokens', id);
  }
  async apiTokenByHash(hash: string) {
    return this.t.findBy('apiTokens', hash);
  }
  async apiTokensOf(userId: string) {
    return [...this.ix.apiTokensByUser.get(userId)]
      .map((id) => this.t.get('apiTokens', id)!)
      .filter((x) => !x.revokedAt);
  }

  async actionTokenByHash(hash: string) {
    return this.t.findBy('actionTokens', hash);
  }

  async mail(id: string) {
    return this.t.get('mails', id);
  }
  /** Sources are files in data/mail here. */
  async mailSource(): Promise<Buffer | undefined> {
    return undefined;
  }
  async pageMail(q: MailQuery): Promise<Page<MailEntry>> {
    return this.ix.lists.pageMail(q);
  }
  async latestMail(to: string, subject: string, hideTo?: ReadonlySet<string>) {
    to = to.trim().toLowerCase();
    subject = subject.trim().toLowerCase();
    for (const id of this.ix.mails.newestFirst()) {
      const m = this.t.get('mails', id)!;
      const recipients = recipientsOf(m);
      if (hideTo && recipients.some((r) => hideTo.has(r))) continue;
      if (to && !recipients.some((r) => r === to || r.includes(to))) continue;
      if (subject && !contains(m.subject, subject)) continue;
      return m;
    }
    return undefined;
  }
  async countMail() {
    return this.t.count('mails');
  }

  async pageAudit(q: AuditQuery) {
    return this.ix.lists.pageAudit(q);
  }

  async usersByEmails(emails: readonly string[]) {
    const out: User[] = [];
    for (const e of new Set(emails)) {
      const u = this.t.findBy('users', e);
      if (u) out.push(u);
    }
    return out;
  }
  async activityOf(userIds: readonly string[]) {
    return this.activityNow(new Set(userIds));
  }
  /** Session activity and activation links per user (all users when `ids` is null): one pass over each. */
  protected activityNow(ids: ReadonlySet<string> | null): Map<string, UserActivity> {
    const out = new Map<string, UserActivity>();
    const of = (id: string) => {
      let a = out.get(id);
      if (!a) out.set(id, (a = { lastSessionActivity: null, lastInvitedAt: null, linkUsed: false }));
      return a;
    };
    for (const id of ids ?? []) if (this.t.get('users', id)) of(id);
    if (ids) {
      // A page of users: their own sessions and links, from the per-user indexes (not every session).
      for (const id of ids) {
        if (!this.t.get('users', id)) continue;
        const a = of(id);
        a.lastSessionActivity = this.ix.lastActivityByUser.get(id) ?? null;
        for (const tid of this.ix.actionTokensByUser.get(id)) {
          const tok = this.t.get('actionTokens', tid)!;
          if (tok.kind !== 'activation') continue;
          if (!a.lastInvitedAt || tok.createdAt > a.lastInvitedAt) a.lastInvitedAt = tok.createdAt;
          if (tok.usedAt) a.linkUsed = true;
        }
      }
      return out;
    }
    for (const s of this.t.values('sessions')) {
      const a = of(s.userId);
      if (!a.lastSessionActivity || s.lastActivityAt > a.lastSessionActivity) a.lastSessionActivity = s.lastActivityAt;
    }
    for (const tok of this.t.values('actionTokens')) {
      if (tok.kind !== 'activation') continue;
      const a = of(tok.userId);
      if (!a.lastInvitedAt || tok.createdAt > a.lastInvitedAt) a.lastInvitedAt = tok.createdAt;
      if (tok.usedAt) a.linkUsed = true;
    }
    return out;
  }
  async pageSeatHistory(q: SeatHistoryQuery) {
    const rows: SeatHistoryEntry[] = [];
    for (const id of this.ix.seatHistory.newestFirst()) {
      const e = this.t.get('seatHistory', id)!;
      if (q.since && e.at < q.since) break;
      rows.push(e);
    }
    return windowOf(rows, q);
  }

  async outboxMessage(id: string) {
    return this.t.get('outbox', id);
  }
  async outboxOf(userId: string, limit: number) {
    const out: OutboxMessage[] = [];
    for (const m of this.t.values('outbox')) if (m.userId === userId) out.push(m);
    out.sort((a, b) => (a.createdAt > b.createdAt ? -1 : a.createdAt < b.createdAt ? 1 : 0));
    return out.slice(0, limit);
  }
  async dueOutbox(nowIso: string, limit: number, except: readonly string[] = []) {
    const skip = new Set(except);
    const out: OutboxMessage[] = [];
    for (const id of this.ix.queuedOutbox) {
      if (skip.has(id)) continue;
      const m = this.t.get('outbox', id)!;
      if (!m.nextAttemptAt || m.nextAttemptAt <= nowIso) out.push(m);
    }
    out.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    return out.slice(0, limit);
  }
  async nextOutboxAttempt() {
    let next: string | null = null;
    for (const id of this.ix.queuedOutbox) {
      const at = this.t.get('outbox', id)!.nextAttemptAt ?? '';
      if (next === null || at < next) next = at;
    }
    return next;
  }
}

class EmbeddedTx extends EmbeddedReads implements Tx {
  constructor(
    t: Tables,
    ix: Indexes,
    private readonly w: Changes,
    private readonly events: BusEvent[],
    private readonly opts: Required<Pick<RepositoryOptions, 'sessionHistory' | 'auditKeep'>>,
  ) {
    super(t, ix);
  }

  putUser(user: User) {
    this.w.put('users', user);
  }
  putSession(session: Session) {
    this.w.put('sessions', session);
    if (session.endedAt) {
      // Keep the newest `sessionHistory` ended sessions, pruning in batches.
      const keep = this.opts.sessionHistory;
      const batch = Math.max(1, Math.min(500, Math.floor(keep / 20)));
      if (this.ix.endedSessions.size > keep + batch)
        for (const id of this.ix.endedSessions.oldest(this.ix.endedSessions.size - keep)) this.w.del('sessions', id);
    }
  }
  touchSessions(activity: ReadonlyMap<string, string>) {
    for (const [id, at] of activity) {
      const s = this.t.get('sessions', id);
      if (s && !s.endedAt && at > s.lastActivityAt) this.w.patch('sessions', id, { lastActivityAt: at });
    }
  }
  putApiToken(token: Parameters<Tx['putApiToken']>[0]) {
    this.w.put('apiTokens', token);
  }
  putActionToken(token: ActionToken) {
    this.w.put('actionTokens', token);
  }
  deleteActionTokensOf(userId: string, kind: ActionToken['kind']) {
    for (const id of [...this.ix.actionTokensByUser.get(userId)])
      if (this.t.get('actionTokens', id)?.kind === kind) this.w.del('actionTokens', id);
  }
  setLicense(license: Parameters<Tx['setLicense']>[0]) {
    this.w.set('license', license);
  }
  setSettings(settings: Parameters<Tx['setSettings']>[0]) {
    this.w.set('settings', settings);
  }
  appendAudit(entry: Parameters<Tx['appendAudit']>[0]) {
    this.w.put('audit', entry);
    const keep = this.opts.auditKeep;
    if (this.ix.audit.size > keep + 1000)
      for (const id of this.ix.audit.oldest(this.ix.audit.size - keep)) this.w.del('audit', id);
  }
  putMail(entry: MailEntry, retention: number) {
    this.w.put('mails', entry);
    const over = this.ix.mails.size - retention;
    if (over <= 0) return [];
    const dropped = this.ix.mails.oldest(over).map((id) => this.t.get('mails', id)!);
    for (const m of dropped) this.w.del('mails', m.id);
    return dropped;
  }
  deleteMail(id: string) {
    this.w.del('mails', id);
  }
  appendSeatHistory(entry: SeatHistoryEntry) {
    this.w.put('seatHistory', entry);
    const n = this.ix.seatHistory.size;
    if (n > SEAT_HISTORY_KEEP + 1000)
      for (const id of this.ix.seatHistory.oldest(n - SEAT_HISTORY_KEEP)) this.w.del('seatHistory', id);
  }
  enqueueMail(message: OutboxMessage) {
    this.w.put('outbox', message);
  }
  putOutbox(message: OutboxMessage) {
    this.w.put('outbox', message);
    // Delivered and abandoned messages are kept for a while, as the mail log; the newest 5,000.
    if (this.ix.finishedOutbox.size > 5_500)
      for (const id of this.ix.finishedOutbox.oldest(this.ix.finishedOutbox.size - 5_000)) this.w.del('outbox', id);
  }
  emit(event: BusEvent) {
    this.events.push(event);
  }
}

export interface EmbeddedOptions extends RepositoryOptions, StoreOptions {
  /** Where committed events go (the server's event bus). */
  publish?: (event: BusEvent) => void;
}

export class EmbeddedRepository extends EmbeddedReads implements Repository {
  private lock: Promise<void> = Promise.resolve();
  private readonly limits: Required<Pick<RepositoryOptions, 'sessionHistory' | 'auditKeep'>>;
  publish: (event: BusEvent) => void;

  private constructor(
    readonly store: Store,
    ix: Indexes,
    opts: EmbeddedOptions,
  ) {
    super(store.tables, ix);
    this.limits = { sessionHistory: opts.sessionHistory, auditKeep: opts.auditKeep ?? 50_000 };
    this.publish = opts.publish ?? (() => {});
  }

  static async open(dir: string, opts: EmbeddedOptions): Promise<EmbeddedRepository> {
    const store = await Store.open(dir, opts);
    return new EmbeddedRepository(store, new Indexes(store.tables), opts);
  }

  async transaction<R>(fn: (tx: Tx) => Promise<R> | R): Promise<R> {
    await giveWay();
    const before = this.lock;
    let release!: () => void;
    this.lock = new Promise<void>((r) => (release = r));
    let durable: Promise<void>;
    let result: R;
    const events: BusEvent[] = [];
    try {
      await before;
      const open = this.store.begin();
      try {
        result = await fn(new EmbeddedTx(this.t, this.ix, open, events, this.limits));
      } catch (e) {
        this.store.rollback(open);
        throw e;
      }
      durable = this.store.commit(open);
    } finally {
      release();
    }
    await durable;
    // A group commit acknowledges many transactions at once; their callers' work (events,
    // responses) is spread over turns rather than run in one.
    await giveWay();
    for (const e of events) this.publish(e);
    return result;
  }

  /** Outbox leases: one process owns the data dir, so they live in memory and cost no write. */
  /** id → until when, and for which attempt (a recorded attempt ends the lease). */
  private leases = new Map<string, { until: number; attempts: number }>();

  async claimOutbox(
    nowIso: string,
    leaseUntilIso: string,
    limit: number,
    except: readonly string[] = [],
  ): Promise<OutboxMessage[]> {
    const nowMs = Date.parse(nowIso);
    const held = (m: OutboxMessage) => {
      const lease = this.leases.get(m.id);
      return lease !== undefined && lease.until > nowMs && lease.attempts === m.attempts;
    };
    const out: OutboxMessage[] = [];
    for (const m of await this.dueOutbox(nowIso, Number.MAX_SAFE_INTEGER, except)) {
      if (out.length >= limit) break;
      if (held(m)) continue;
      this.leases.set(m.id, { until: Date.parse(leaseUntilIso), attempts: m.attempts });
      out.push(m);
    }
    for (const id of this.leases.keys()) {
      const m = this.t.get('outbox', id);
      if (!m || m.status !== 'queued' || !held(m)) if (!out.some((x) => x.id === id)) this.leases.delete(id);
    }
    return out;
  }

  /** Writes a full snapshot now (tests, shutdown). */
  snapshot(): Promise<void> {
    return this.store.snapshot();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
