// One transaction's writes: collected as SQL and sent in one round trip before the next read (so
// reads see them) and with COMMIT at the end; a failure is raised there and undoes everything.
import pg from 'pg';
import type {
  ActionToken,
  ApiToken,
  AuditEntry,
  License,
  MailEntry,
  OutboxMessage,
  Session,
  Settings,
  User,
} from '../../../src/domain/schemas.js';
import { SEAT_HISTORY_KEEP, type SeatHistoryEntry } from '../../../src/domain/seat-history.js';
import type { BusEvent } from '../../events.js';
import type { Tx } from '../repository.js';
import { NEWEST_MAIL, PgReads, type Query } from './pg-reads.js';

const lit = (v: string) => pg.escapeLiteral(v);
const json = (v: unknown) => `${lit(JSON.stringify(v))}::jsonb`;
const upsert = (table: string, r: { id: string }) =>
  `INSERT INTO ${table} (id, doc) VALUES (${lit(r.id)}, ${json(r)}) ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc`;
export const pruneEnded = (keep: number) =>
  `DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE doc->>'endedAt' IS NOT NULL
     ORDER BY (lower(doc->>'endedAt') COLLATE "C") DESC, id DESC OFFSET ${Math.max(0, Math.floor(keep))})`;
export const pruneAudit = (keep: number) =>
  `DELETE FROM audit WHERE id IN (SELECT id FROM audit ORDER BY (lower(doc->>'at') COLLATE "C") DESC, id DESC OFFSET ${Math.max(0, Math.floor(keep))})`;
const textArray = (xs: Iterable<string>) => `ARRAY[${[...xs].map(lit).join(',')}]::text[]`;

/** How much history to keep, and how many removals are due (shared by a repository's transactions). */
export interface Keep {
  sessionHistory: number;
  auditKeep: number;
  endedSince: number;
  auditSince: number;
}

export class PgTx extends PgReads implements Tx {
  readonly events: BusEvent[] = [];
  private batch: string[] = [];
  /** Raw message sources: sent as parameters, not as SQL text. */
  private readonly sources: [string, Buffer][] = [];

  constructor(
    private readonly run: Query,
    private readonly keep: Keep,
  ) {
    const read: Query = async (text, params) => {
      await this.flush();
      return run(text, params);
    };
    super(read, true, false);
  }

  /** Sends the writes collected so far (one round trip, and one per raw message source). */
  async flush(): Promise<void> {
    if (this.batch.length) {
      const sql = this.batch.join(';\n');
      this.batch = [];
      await this.run(sql);
    }
    for (const [id, raw] of this.sources.splice(0))
      await this.run('UPDATE mails SET raw = $2 WHERE id = $1', [id, raw]);
  }

  /** The writes not yet sent, for the commit's round trip (raw sources are sent before). */
  async takeBatch(): Promise<string[]> {
    if (this.sources.length) await this.flush();
    const b = this.batch;
    this.batch = [];
    return b;
  }

  putUser(user: User): void {
    this.batch.push(upsert('users', user));
  }
  putSession(session: Session): void {
    this.batch.push(upsert('sessions', session));
    // The newest `sessionHistory` ended sessions are kept; older ones go in batches of a twentieth.
    if (
      session.endedAt &&
      ++this.keep.endedSince >= Math.max(1, Math.min(500, Math.floor(this.keep.sessionHistory / 20)))
    ) {
      this.keep.endedSince = 0;
      this.batch.push(pruneEnded(this.keep.sessionHistory));
    }
  }
  touchSessions(activity: ReadonlyMap<string, string>): void {
    if (activity.size === 0) return;
    // Never backwards: another server may have written a later time for the same session.
    this.batch.push(
      `UPDATE sessions s SET doc = jsonb_set(s.doc, '{lastActivityAt}', to_jsonb(v.at)) FROM unnest(${textArray(activity.keys())}, ${textArray(activity.values())}) AS v(id, at)
       WHERE s.id = v.id AND (s.doc->>'lastActivityAt' COLLATE "C") < v.at`,
    );
  }
  putApiToken(token: ApiToken): void {
    this.batch.push(upsert('api_tokens', token));
  }
  putActionToken(token: ActionToken): void {
    this.batch.push(upsert('action_tokens', token));
  }
  deleteActionTokensOf(userId: string, kind: ActionToken['kind']): void {
    this.batch.push(`DELETE FROM action_tokens WHERE doc->>'userId' = ${lit(userId)} AND doc->>'kind' = ${lit(kind)}`);
  }
  setLicense(license: License): void {
    this.batch.push(`UPDATE meta SET value = ${json(license)} WHERE key = 'license'`);
  }
  setSettings(settings: Settings): void {
    this.batch.push(`UPDATE meta SET value = ${json(settings)} WHERE key = 'settings'`);
  }
  appendAudit(entry: AuditEntry): void {
    this.batch.push(`INSERT INTO audit (id, doc) VALUES (${lit(entry.id)}, ${json(entry)})`);
    if (++this.keep.auditSince >= 1000) {
      this.keep.auditSince = 0;
      this.batch.push(pruneAudit(this.keep.auditKeep));
    }
  }
  appendSeatHistory(entry: SeatHistoryEntry): void {
    this.batch.push(`INSERT INTO seat_history (id, doc) VALUES (${lit(entry.id)}, ${json(entry)})`);
    // Pruning scans the newest SEAT_HISTORY_KEEP entries of the index: now and then is enough.
    if (Math.random() < 1 / 256)
      this.batch.push(
        `DELETE FROM seat_history WHERE seq <= (SELECT seq FROM seat_history ORDER BY seq DESC OFFSET ${SEAT_HISTORY_KEEP} LIMIT 1)`,
      );
  }
  putMail(entry: MailEntry, retention: number, source?: Buffer): MailEntry[] {
    this.batch.push(upsert('mails', entry));
    if (source) this.sources.push([entry.id, source]);
    // The raw source lives in the same row, so dropping old messages leaves nothing behind to delete.
    this.batch.push(
      `DELETE FROM mails WHERE id IN (SELECT id FROM mails ORDER BY ${NEWEST_MAIL} OFFSET ${Math.max(1, Math.floor(retention))})`,
    );
    return [];
  }
  deleteMail(id: string): void {
    this.batch.push(`DELETE FROM mails WHERE id = ${lit(id)}`);
  }
  enqueueMail(message: OutboxMessage): void {
    this.batch.push(`INSERT INTO outbox (id, doc) VALUES (${lit(message.id)}, ${json(message)})`);
  }
  putOutbox(message: OutboxMessage): void {
    this.batch.push(upsert('outbox', message));
  }
  emit(event: BusEvent): void {
    this.events.push(event);
  }
}
