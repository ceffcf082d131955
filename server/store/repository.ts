// The repository seam: every read and write the services make, named by intent. Engines (the
// embedded lowdb journal, PostgreSQL) implement it; services depend on nothing else.
import type {
  ActionToken,
  ApiToken,
  AuditEntry,
  License,
  MailEntry,
  OutboxMessage,
  Project,
  Session,
  Settings,
  Site,
  User,
  UserStatus,
} from '../../src/domain/schemas.js';
import type { SeatHistoryEntry } from '../../src/domain/seat-history.js';
import type { BusEvent } from '../events.js';

/** One window of a list, in a stable order (ties broken by id), and where the next one starts. */
export interface Page<T> {
  items: T[];
  total: number;
  /** Opaque; pass back as `cursor` for the next window; null at the end. */
  nextCursor: string | null;
}

export interface PageQuery {
  sort?: string;
  order?: 'asc' | 'desc';
  /** Keyset paging: from just after the row this cursor names. Wins over `offset`. */
  cursor?: string;
  /** For small offsets only; deep pages use cursors. */
  offset?: number;
  limit?: number;
}

export interface UserQuery extends PageQuery {
  /** Substring of the login email or the name, case-insensitive. */
  q?: string;
  status?: UserStatus;
  /** The user profile starts with this (any case). */
  profile?: string;
  /** The admin profile starts with this (any case); `none` for users without one. */
  admin?: string;
  /** Dormant users only: active, and last active (login, session activity, else activation) before this time. */
  dormantBefore?: string;
  /** Stale invitations only: pending, newest activation link sent before this time and never used. */
  invitedBefore?: string;
}

/** What the seat-reclamation rules need to know of a user beyond the record. */
export interface UserActivity {
  /** The latest activity on any of the user's sessions, live or ended. */
  lastSessionActivity: string | null;
  /** When the newest activation link was issued. */
  lastInvitedAt: string | null;
  /** Whether an activation link of the user's was used. */
  linkUsed: boolean;
}

export interface SeatHistoryQuery extends PageQuery {
  /** Entries at or after this time. */
  since?: string;
}

export interface SessionQuery extends PageQuery {
  /** Substring of the login email, case-insensitive. */
  q?: string;
  /** Clients to show; by default every client but explorer. */
  clients?: readonly Session['client'][];
  state?: 'live' | 'ended';
}

export interface MailQuery extends PageQuery {
  /** Substring of from, to (any recipient) or subject. */
  q?: string;
  /** Substring of any recipient. */
  to?: string;
  /** Leave out messages to any of these addresses (a User Administrator's view). */
  hideTo?: ReadonlySet<string>;
}

export type AuditQuery = PageQuery;

/**
 * Reads: the same in and outside a transaction (inside, they see the transaction's own writes).
 * Records are immutable values: an engine hands out either the same (frozen) object for an
 * unchanged record or a fresh one, never one it later mutates, so a caller may cache what it
 * derives from a record by the record's identity (server/public.ts does, for list JSON); with an
 * engine that always returns fresh objects the cache simply misses.
 */
export interface Reads {
  site(): Promise<Site>;
  license(): Promise<License>;
  settings(): Promise<Settings>;

  user(id: string): Promise<User | undefined>;
  userByEmail(email: string): Promise<User | undefined>;
  pageUsers(q: UserQuery): Promise<Page<User>>;
  /** Users holding a seat (pending or active). */
  countHeldSeats(): Promise<number>;
  /** Site Administrators, by status filter (default: any status). */
  siteAdmins(status?: UserStatus): Promise<User[]>;

  projects(): Promise<Project[]>;
  /** Members per project id. */
  projectMemberCounts(): Promise<Map<string, number>>;

  session(id: string): Promise<Session | undefined>;
  sessionByTokenHash(tokenHash: string): Promise<Session | undefined>;
  liveSessionsOf(userId: string): Promise<Session[]>;
  /** Live sessions counting toward the per-user limit (not api), per user; an engine may leave it out (then liveSessionsOf is used). */
  liveSessionCounts?(userIds: readonly string[]): Promise<Map<string, number>>;
  /** The live `api` session opened by an API token, if any. */
  liveSessionOfApiToken(apiTokenId: string): Promise<Session | undefined>;
  /** Live sessions whose stored activity time is before `beforeIso`. */
  liveSessionsInactiveSince(beforeIso: string): Promise<Session[]>;
  pageSessions(q: SessionQuery): Promise<Page<Session> & { activeCount: number }>;
  /**
   * A number that moves whenever a page of this list (or anything stored about its rows) could
   * read differently, so a page built at one value may be shown again while it holds. An engine
   * without so cheap a test leaves it out, and no page is reused.
   */
  listVersion?(list: 'users' | 'sessions'): number;

  apiToken(id: string): Promise<ApiToken | undefined>;
  apiTokenByHash(tokenHash: string): Promise<ApiToken | undefined>;
  /** A user's tokens that are not revoked. */
  apiTokensOf(userId: string): Promise<ApiToken[]>;

  actionTokenByHash(tokenHash: string): Promise<ActionToken | undefined>;

  mail(id: string): Promise<MailEntry | undefined>;
  /** A captured message's raw source when the engine keeps it (see `keepsMailSource`); otherwise undefined: it is the entry's file in data/mail. */
  mailSource(id: string): Promise<Buffer | undefined>;
  pageMail(q: MailQuery): Promise<Page<MailEntry>>;
  /** The newest message to `to` (exact or substring) with `subject` in its subject. */
  latestMail(to: string, subject: string, hideTo?: ReadonlySet<string>): Promise<MailEntry | undefined>;
  countMail(): Promise<number>;

  pageAudit(q: AuditQuery): Promise<Page<AuditEntry>>;

  /** The users with any of these (normalised) login emails, for checking a bulk invite in one read. */
  usersByEmails(emails: readonly string[]): Promise<User[]>;
  /** Per user id asked for (unknown ids left out): session activity and activation links. */
  activityOf(userIds: readonly string[]): Promise<Map<string, UserActivity>>;
  /** Seat history, newest first. */
  pageSeatHistory(q: SeatHistoryQuery): Promise<Page<SeatHistoryEntry>>;

  outboxMessage(id: string): Promise<OutboxMessage | undefined>;
  /** The messages sent (or being sent) to a user, newest first. */
  outboxOf(userId: string, limit: number): Promise<OutboxMessage[]>;
  /** Messages waiting to be sent whose next attempt is due at or before `nowIso`, oldest first, but those in `except`. */
  dueOutbox(nowIso: string, limit: number, except?: readonly string[]): Promise<OutboxMessage[]>;
  /** The earliest next attempt of any waiting message, or null when none waits. */
  nextOutboxAttempt(): Promise<string | null>;
}

export interface Tx extends Reads {
  putUser(user: User): void;
  putSession(session: Session): void;
  /** Writes batched activity times (cheap: only that field is journaled). */
  touchSessions(activity: ReadonlyMap<string, string>): void;
  putApiToken(token: ApiToken): void;
  putActionToken(token: ActionToken): void;
  /** Removes a user's links of one kind (a newer link replaces them). */
  deleteActionTokensOf(userId: string, kind: ActionToken['kind']): void;
  setLicense(license: License): void;
  setSettings(settings: Settings): void;
  appendAudit(entry: AuditEntry): void;
  /** Records a change of the seats held or bought; the oldest are dropped past SEAT_HISTORY_KEEP. */
  appendSeatHistory(entry: SeatHistoryEntry): void;
  /**
   * Indexes a captured message; returns the oldest ones dropped to stay within `retention` (whose
   * files the caller deletes). `source`: the raw message, for an engine that keeps it.
   */
  putMail(entry: MailEntry, retention: number, source?: Buffer): MailEntry[];
  deleteMail(id: string): void;
  /** Writes a message to the outbox; it is sent once the transaction is durable. */
  enqueueMail(message: OutboxMessage): void;
  putOutbox(message: OutboxMessage): void;
  /** Published to the event bus once the transaction is durable; dropped if it fails. */
  emit(event: BusEvent): void;
}

export interface Repository extends Reads {
  /**
   * The engine keeps captured mail's raw source itself (PostgreSQL: whichever server's sink took a
   * message, every server serves it); otherwise the source is a file in data/mail.
   */
  readonly keepsMailSource?: boolean;
  /**
   * Takes up to `limit` due messages for this sender until `leaseUntilIso`: no other sender (on
   * this server or another) gets them before then. A crash simply lets the lease run out. Messages
   * in `except` (tried already in this run) are neither taken nor leased.
   */
  claimOutbox(
    nowIso: string,
    leaseUntilIso: string,
    limit: number,
    except?: readonly string[],
  ): Promise<OutboxMessage[]>;
  /**
   * Runs `fn` atomically (check-then-change: two requests for the last seat, exactly one wins) and
   * resolves once its writes are durable. A throw undoes everything `fn` wrote. Keep slow work
   * (password hashing, network) outside: the transaction holds a lock while it runs.
   */
  transaction<R>(fn: (tx: Tx) => Promise<R> | R): Promise<R>;
  /** Events committed by other servers sharing the database (PostgreSQL); never for the embedded one. */
  onRemoteEvent?(listener: (event: BusEvent) => void): () => void;
  close(): Promise<void>;
}

export interface RepositoryOptions {
  /** Ended sessions kept as history (the newest). */
  sessionHistory: number;
  /** Audit entries kept (the newest). */
  auditKeep?: number;
  now?: () => Date;
}
