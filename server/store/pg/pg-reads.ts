// The repository's reads as SQL: over the pool outside a transaction, over the transaction's own
// connection inside one (where the checks that guard a rule also take that rule's row lock).
import { cursorOf, decodeCursor, encodeCursor, type Order } from '../../../src/domain/keyset.js';
import { MAIL_SORTS, SESSION_SORTS, USER_SORTS } from '../../../src/domain/sorts.js';
import {
  CLIENTS,
  type ActionToken,
  type ApiToken,
  type AuditEntry,
  type License,
  type MailEntry,
  type OutboxMessage,
  type Project,
  type Session,
  type Settings,
  type Site,
  type User,
  type UserStatus,
} from '../../../src/domain/schemas.js';
import type { SeatHistoryEntry } from '../../../src/domain/seat-history.js';
import type {
  AuditQuery,
  MailQuery,
  Page,
  PageQuery,
  Reads,
  SeatHistoryQuery,
  SessionQuery,
  UserActivity,
  UserQuery,
} from '../repository.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Query = (text: string, params?: unknown[]) => Promise<any[]>;

/** Columns never empty: their order needs no "empty last" term, so an index on (key, id) serves both directions. */
const NEVER_EMPTY = new Set([
  'email',
  'status',
  'userProfile',
  'createdAt',
  'client',
  'startedAt',
  'lastActivityAt',
  'receivedAt',
  'at',
]);
/** Columns that are not one text field of the document: their compared text, as the domain makes it (String of a list joins with commas). */
const COLUMN_TEXT: Record<string, string> = {
  to: `array_to_string(ARRAY(SELECT jsonb_array_elements_text(doc->'to')), ',')`,
};

const MAX_LIMIT = 10_000;
const limitOf = (q: PageQuery) => Math.min(MAX_LIMIT, Math.max(1, q.limit ?? 100));
const likeEscaped = (s: string) => s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
const like = (s: string) => `%${likeEscaped(s)}%`;
const prefixLike = (s: string) => `${likeEscaped(s)}%`;
/** Every recipient of a message (To, Cc, Bcc) as one jsonb array. */
const RCPT = `((doc->'to') || coalesce(doc->'cc', '[]'::jsonb) || coalesce(doc->'bcc', '[]'::jsonb))`;
/** Newest first, as the mail list's default order (the sink may index two messages out of arrival order). */
export const NEWEST_MAIL = `(lower(doc->>'receivedAt') COLLATE "C") DESC, id DESC`;
const docs = <T>(rows: { doc: T }[]): T[] => rows.map((r) => r.doc);

/** The SQL of one keyset page over `table` sorted by a whitelisted column of its documents. */
function keyset(
  table: string,
  where: string[],
  params: unknown[],
  column: string,
  order: Order,
  q: PageQuery,
): { list: string; count: string; params: unknown[]; limit: number } {
  const neverEmpty = NEVER_EMPTY.has(column);
  const text = COLUMN_TEXT[column] ?? `doc->>'${column}'`;
  const key = neverEmpty ? `(lower(${text}) COLLATE "C")` : `(nullif(lower(${text}), '') COLLATE "C")`;
  const dir = order === 'desc' ? 'DESC' : 'ASC';
  const cmp = order === 'desc' ? '<' : '>';
  const count = `SELECT count(*)::int AS n FROM ${table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
  const p = [...params];
  const conds = [...where];
  let offset = 0;
  if (q.cursor !== undefined) {
    const at = decodeCursor(q.cursor, column);
    p.push(at.id);
    const id = `$${p.length}::text`;
    if (at.value === null) conds.push(`${key} IS NULL AND id ${cmp} ${id}`);
    else {
      p.push(at.value);
      const v = `$${p.length}::text`;
      if (neverEmpty) conds.push(`(${key}, id) ${cmp} (${v}, ${id})`);
      else conds.push(`(${key} IS NULL OR (${key}, id) ${cmp} (${v}, ${id}))`);
    }
  } else offset = Math.max(0, Math.floor(q.offset ?? 0));
  const limit = limitOf(q);
  const orderBy = neverEmpty ? `${key} ${dir}, id ${dir}` : `${key} IS NULL, ${key} ${dir}, id ${dir}`;
  const list = `SELECT doc FROM ${table}${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''} ORDER BY ${orderBy} LIMIT ${limit + 1} OFFSET ${offset}`;
  return { list, count, params: p, limit };
}

/** Newest first by insertion order (mail, audit): the cursor names the row's sequence number. */
function bySeq(table: string, where: string[], params: unknown[], q: PageQuery) {
  const p = [...params];
  const conds = [...where];
  let offset = 0;
  if (q.cursor !== undefined) {
    const at = decodeCursor(q.cursor, 'seq');
    if (at.value === null || !/^\d{1,19}$/.test(at.value)) decodeCursor('!', 'seq'); // throws invalid_cursor
    p.push(at.value);
    conds.push(`seq < $${p.length}::bigint`);
  } else offset = Math.max(0, Math.floor(q.offset ?? 0));
  const limit = limitOf(q);
  const w = (c: string[]) => (c.length ? ` WHERE ${c.join(' AND ')}` : '');
  return {
    list: `SELECT doc, seq::text AS seq FROM ${table}${w(conds)} ORDER BY seq DESC LIMIT ${limit + 1} OFFSET ${offset}`,
    count: `SELECT count(*)::int AS n FROM ${table}${w(where)}`,
    params: p,
    countParams: params,
    limit,
  };
}

export class PgReads implements Reads {
  /**
   * @param q runs one statement
   * @param inTx inside a transaction: the reads that guard a rule lock its row until commit
   * @param parallel a second statement may run at the same time (the pool), for page + count
   */
  constructor(
    protected readonly q: Query,
    protected readonly inTx: boolean,
    private readonly parallel: boolean,
  ) {}

  private async both<A, B>(a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> {
    if (this.parallel) return Promise.all([a(), b()]);
    const x = await a();
    return [x, await b()];
  }

  private async one<T>(sql: string, params: unknown[]): Promise<T | undefined> {
    const rows = await this.q(sql, params);
    return rows[0]?.doc as T | undefined;
  }

  /**
   * One record by its key. Inside a transaction it is locked until commit, so a check-then-change
   * on it is atomic as in the embedded engine: two transactions changing the same user (or session,
   * token, message) take turns, and the second reads what the first wrote.
   */
  private held<T>(sql: string, params: unknown[]): Promise<T | undefined> {
    return this.one<T>(this.inTx ? `${sql} FOR UPDATE` : sql, params);
  }

  private async meta<T>(key: string): Promise<T> {
    const rows = await this.q('SELECT value FROM meta WHERE key = $1', [key]);
    if (!rows[0]) throw new Error(`the database has no ${key} row; was it created by Seatdesk?`);
    return rows[0].value as T;
  }

  site(): Promise<Site> {
    return this.meta('site');
  }
  license(): Promise<License> {
    return this.meta('license');
  }
  settings(): Promise<Settings> {
    return this.meta('settings');
  }

  user(id: string): Promise<User | undefined> {
    return this.held('SELECT doc FROM users WHERE id = $1', [id]);
  }
  userByEmail(email: string): Promise<User | undefined> {
    return this.held(`SELECT doc FROM users WHERE doc->>'email' = $1`, [email]);
  }
  async pageUsers(q: UserQuery): Promise<Page<User>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const needle = q.q?.trim();
    if (needle) {
      params.push(like(needle));
      where.push(
        `lower(doc->>'email' || ' ' || (doc->>'firstName') || ' ' || (doc->>'lastName')) LIKE $${params.length}`,
      );
    }
    if (q.status) {
      params.push(q.status);
      where.push(`doc->>'status' = $${params.length}`);
    }
    // profile: and admin: pick by the start of the profile's name, as the embedded engine does (no admin profile is "none").
    const profile = q.profile?.trim();
    if (profile) {
      params.push(prefixLike(profile));
      where.push(`lower(doc->>'userProfile') LIKE $${params.length}`);
    }
    const admin = q.admin?.trim();
    if (admin) {
      params.push(prefixLike(admin));
      where.push(`lower(coalesce(doc->>'adminProfile', 'none')) LIKE $${params.length}`);
    }
    if (q.dormantBefore) {
      // The domain's rule (isDormant): last login, session activity, activation and creation all before the cutoff.
      params.push(q.dormantBefore);
      const at = `$${params.length}::text`;
      where.push(
        `doc->>'status' = 'active' AND greatest(doc->>'lastLoginAt', doc->>'activatedAt', doc->>'createdAt') COLLATE "C" < ${at}` +
          ` AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.doc->>'userId' = users.id AND (lower(s.doc->>'lastActivityAt') COLLATE "C") >= lower(${at}))`,
      );
    }
    if (q.invitedBefore) {
      // isStaleInvitation: pending, invited before the cutoff, no newer link and none used.
      params.push(q.invitedBefore);
      const at = `$${params.length}::text`;
      where.push(
        `doc->>'status' = 'pending' AND (doc->>'createdAt') COLLATE "C" < ${at}` +
          ` AND NOT EXISTS (SELECT 1 FROM action_tokens t WHERE t.doc->>'userId' = users.id AND t.doc->>'kind' = 'activation'` +
          ` AND ((t.doc->>'createdAt') COLLATE "C" >= ${at} OR t.doc->>'usedAt' IS NOT NULL))`,
      );
    }
    const column = q.sort && (USER_SORTS as readonly string[]).includes(q.sort) ? q.sort : 'email';
    return this.page<User>(keyset('users', where, params, column, q.order ?? 'asc', q), params, column);
  }

  private async page<T extends { id: string }>(
    s: { list: string; count: string; params: unknown[]; limit: number },
    countParams: unknown[],
    column: string,
  ): Promise<Page<T>> {
    const [rows, count] = await this.both(
      () => this.q(s.list, s.params),
      () => this.q(s.count, countParams),
    );
    const items = docs<T>(rows).slice(0, s.limit);
    const more = rows.length > s.limit;
    return {
      items,
      total: count[0].n,
      nextCursor: more && items.length ? cursorOf(items[items.length - 1], column) : null,
    };
  }

  private async pageSeq<T>(s: ReturnType<typeof bySeq>): Promise<Page<T>> {
    const [rows, count] = await this.both(
      () => this.q(s.list, s.params),
      () => this.q(s.count, s.countParams),
    );
    const items = rows.slice(0, s.limit);
    const more = rows.length > s.limit;
    const last = items[items.length - 1];
    return {
      items: docs<T>(items),
      total: count[0].n,
      nextCursor: more && last ? encodeCursor('seq', { value: last.seq, id: last.doc.id }) : null,
    };
  }

  async countHeldSeats(): Promise<number> {
    // A count only: the seat itself is taken by the user's row (a slot, see the schema), so the
    // last seat goes to one transaction even when two counted the same.
    const rows = await this.q(`SELECT count(*)::int AS n FROM users WHERE doc->>'status' IN ('pending', 'active')`);
    return rows[0].n;
  }
  async siteAdmins(status?: UserStatus): Promise<User[]> {
    const params: unknown[] = [];
    let sql = `SELECT doc FROM users WHERE doc->>'adminProfile' = 'Site Administrator'`;
    if (status) {
      params.push(status);
      sql += ` AND doc->>'status' = $1`;
    }
    return docs(await this.q(`${sql} ORDER BY id`, params));
  }

  async projects(): Promise<Project[]> {
    return docs(await this.q('SELECT doc FROM projects ORDER BY seq'));
  }
  async projectMemberCounts(): Promise<Map<string, number>> {
    const rows = await this.q(
      `SELECT m->>'projectId' AS id, count(*)::int AS n FROM users, jsonb_array_elements(doc->'projects') AS m GROUP BY 1`,
    );
    return new Map(rows.map((r) => [r.id as string, r.n as number]));
  }

  session(id: string): Promise<Session | undefined> {
    return this.held('SELECT doc FROM sessions WHERE id = $1', [id]);
  }
  sessionByTokenHash(tokenHash: string): Promise<Session | undefined> {
    return this.held(`SELECT doc FROM sessions WHERE doc->>'tokenHash' = $1`, [tokenHash]);
  }
  async liveSessionsOf(userId: string): Promise<Session[]> {
    // The session limit: logins of one user at different servers take turns on the user's row.
    if (this.inTx) await this.q('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [userId]);
    return docs(
      await this.q(
        `SELECT doc FROM sessions WHERE doc->>'userId' = $1 AND doc->>'endedAt' IS NULL ORDER BY doc->>'startedAt' COLLATE "C", id`,
        [userId],
      ),
    );
  }
  liveSessionOfApiToken(apiTokenId: string): Promise<Session | undefined> {
    return this.one(
      `SELECT doc FROM sessions WHERE doc->>'apiTokenId' = $1 AND doc->>'apiTokenId' IS NOT NULL AND doc->>'endedAt' IS NULL LIMIT 1`,
      [apiTokenId],
    );
  }
  async liveSessionsInactiveSince(beforeIso: string): Promise<Session[]> {
    // Inside a transaction (the idle sweep) the rows are claimed: a sweep on another server skips
    // them, and ends only sessions still live once it has them, so each is ended once.
    return docs(
      await this.q(
        `SELECT doc FROM sessions WHERE doc->>'endedAt' IS NULL AND (lower(doc->>'lastActivityAt') COLLATE "C") < $1${this.inTx ? ' FOR UPDATE SKIP LOCKED' : ''}`,
        [beforeIso.toLowerCase()],
      ),
    );
  }
  async pageSessions(q: SessionQuery): Promise<Page<Session> & { activeCount: number }> {
    const ended = q.state === 'ended';
    const where = [ended ? `doc->>'endedAt' IS NOT NULL` : `doc->>'endedAt' IS NULL`];
    const params: unknown[] = [];
    if (q.clients) {
      params.push(q.clients);
      where.push(`doc->>'client' = ANY($${params.length}::text[])`);
    } else where.push(`doc->>'client' <> 'explorer'`);
    const needle = q.q?.trim();
    if (needle) {
      params.push(like(needle));
      where.push(`lower(doc->>'email') LIKE $${params.length}`);
    }
    const column =
      q.sort && (SESSION_SORTS as readonly string[]).includes(q.sort) ? q.sort : ended ? 'endedAt' : 'startedAt';
    const s = keyset('sessions', where, params, column, q.order ?? 'asc', q);
    // Unfiltered totals come from the per-client counts, not from counting the rows.
    const clients = q.clients ?? CLIENTS.filter((c) => c !== 'explorer');
    if (!needle)
      s.count = `SELECT coalesce(sum(n) FILTER (WHERE live = ${!ended} AND client = ANY($1::text[])), 0)::int AS n, coalesce(sum(n) FILTER (WHERE live), 0)::int AS active FROM session_counts`;
    const countParams = needle ? params : [clients];
    const [rows, count] = await this.both(
      () => this.q(s.list, s.params),
      () => this.q(s.count, countParams),
    );
    const active = needle
      ? (await this.q(`SELECT coalesce(sum(n), 0)::int AS n FROM session_counts WHERE live`))[0].n
      : count[0].active;
    const items = docs<Session>(rows).slice(0, s.limit);
    const more = rows.length > s.limit;
    return {
      items,
      total: count[0].n,
      nextCursor: more && items.length ? cursorOf(items[items.length - 1], column) : null,
      activeCount: active,
    };
  }

  apiToken(id: string): Promise<ApiToken | undefined> {
    return this.held('SELECT doc FROM api_tokens WHERE id = $1', [id]);
  }
  apiTokenByHash(tokenHash: string): Promise<ApiToken | undefined> {
    return this.held(`SELECT doc FROM api_tokens WHERE doc->>'tokenHash' = $1`, [tokenHash]);
  }
  async apiTokensOf(userId: string): Promise<ApiToken[]> {
    return docs(
      await this.q(
        `SELECT doc FROM api_tokens WHERE doc->>'userId' = $1 AND doc->>'revokedAt' IS NULL ORDER BY doc->>'createdAt' COLLATE "C", id`,
        [userId],
      ),
    );
  }

  actionTokenByHash(tokenHash: string): Promise<ActionToken | undefined> {
    // Single use: the transaction that spends a link holds its row, so a second one waits and then sees it used.
    return this.held(`SELECT doc FROM action_tokens WHERE doc->>'tokenHash' = $1`, [tokenHash]);
  }

  async mailSource(id: string): Promise<Buffer | undefined> {
    const rows = await this.q('SELECT raw FROM mails WHERE id = $1', [id]);
    return rows[0]?.raw ?? undefined;
  }
  mail(id: string): Promise<MailEntry | undefined> {
    return this.held('SELECT doc FROM mails WHERE id = $1', [id]);
  }
  private mailFilter(q: { q?: string; to?: string; hideTo?: ReadonlySet<string> }): {
    where: string[];
    params: unknown[];
  } {
    const where: string[] = [];
    const params: unknown[] = [];
    const needle = q.q?.trim();
    if (needle) {
      params.push(like(needle));
      where.push(`lower((doc->>'from') || ' ' || (doc->>'subject') || ' ' || ${RCPT}::text) LIKE $${params.length}`);
    }
    const to = q.to?.trim();
    if (to) {
      params.push(like(to));
      where.push(`lower(${RCPT}::text) LIKE $${params.length}`);
    }
    if (q.hideTo?.size) {
      params.push([...q.hideTo]);
      where.push(`NOT (${RCPT} ?| $${params.length}::text[])`);
    }
    return { where, params };
  }
  pageMail(q: MailQuery): Promise<Page<MailEntry>> {
    const f = this.mailFilter(q);
    const column = q.sort && (MAIL_SORTS as readonly string[]).includes(q.sort) ? q.sort : 'receivedAt';
    return this.page<MailEntry>(keyset('mails', f.where, f.params, column, q.order ?? 'desc', q), f.params, column);
  }
  async latestMail(to: string, subject: string, hideTo?: ReadonlySet<string>): Promise<MailEntry | undefined> {
    const f = this.mailFilter({ to, hideTo });
    const s = subject.trim();
    if (s) {
      f.params.push(like(s));
      f.where.push(`lower(doc->>'subject') LIKE $${f.params.length}`);
    }
    return this.one(
      `SELECT doc FROM mails${f.where.length ? ` WHERE ${f.where.join(' AND ')}` : ''} ORDER BY ${NEWEST_MAIL} LIMIT 1`,
      f.params,
    );
  }
  async countMail(): Promise<number> {
    return (await this.q('SELECT count(*)::int AS n FROM mails'))[0].n;
  }

  pageAudit(q: AuditQuery): Promise<Page<AuditEntry>> {
    return this.page<AuditEntry>(keyset('audit', [], [], 'at', q.order ?? 'desc', q), [], 'at');
  }

  async usersByEmails(emails: readonly string[]): Promise<User[]> {
    if (!emails.length) return [];
    return docs(await this.q(`SELECT doc FROM users WHERE doc->>'email' = ANY($1::text[])`, [emails]));
  }
  async activityOf(userIds: readonly string[]): Promise<Map<string, UserActivity>> {
    if (!userIds.length) return new Map();
    const rows = await this.q(
      `SELECT u.id,
         (SELECT max(s.doc->>'lastActivityAt' COLLATE "C") FROM sessions s WHERE s.doc->>'userId' = u.id) AS act,
         (SELECT max(t.doc->>'createdAt' COLLATE "C") FROM action_tokens t WHERE t.doc->>'userId' = u.id AND t.doc->>'kind' = 'activation') AS inv,
         EXISTS (SELECT 1 FROM action_tokens t WHERE t.doc->>'userId' = u.id AND t.doc->>'kind' = 'activation' AND t.doc->>'usedAt' IS NOT NULL) AS used
       FROM users u WHERE u.id = ANY($1::text[])`,
      [userIds],
    );
    return new Map(
      rows.map((r) => [
        r.id as string,
        { lastSessionActivity: r.act ?? null, lastInvitedAt: r.inv ?? null, linkUsed: !!r.used },
      ]),
    );
  }
  pageSeatHistory(q: SeatHistoryQuery): Promise<Page<SeatHistoryEntry>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.since) {
      params.push(q.since);
      where.push(`(doc->>'at') COLLATE "C" >= $1::text`);
    }
    return this.pageSeq(bySeq('seat_history', where, params, q));
  }

  outboxMessage(id: string): Promise<OutboxMessage | undefined> {
    return this.held('SELECT doc FROM outbox WHERE id = $1', [id]);
  }
  async outboxOf(userId: string, limit: number): Promise<OutboxMessage[]> {
    return docs(
      await this.q(`SELECT doc FROM outbox WHERE doc->>'userId' = $1 ORDER BY seq DESC LIMIT $2`, [
        userId,
        Math.max(1, limit),
      ]),
    );
  }
  async dueOutbox(nowIso: string, limit: number, except: readonly string[] = []): Promise<OutboxMessage[]> {
    // Inside a transaction a sender claims what it reads; another server's sender skips those rows.
    return docs(
      await this.q(
        `SELECT doc FROM outbox WHERE doc->>'status' = 'queued' AND ((doc->>'nextAttemptAt') COLLATE "C") <= $1 AND id <> ALL($3::text[]) ORDER BY ((doc->>'nextAttemptAt') COLLATE "C"), seq LIMIT $2${this.inTx ? ' FOR UPDATE SKIP LOCKED' : ''}`,
        [nowIso, Math.max(1, limit), except],
      ),
    );
  }
  async nextOutboxAttempt(): Promise<string | null> {
    const rows = await this.q(
      `SELECT min(doc->>'nextAttemptAt' COLLATE "C") AS at FROM outbox WHERE doc->>'status' = 'queued'`,
    );
    return rows[0]?.at ?? null;
  }
}
