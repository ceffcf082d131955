// One transaction's writes: sent on its connection at once, in order (the client queues them), so
// the reads after them see them; the first failure is raised at the next read or at commit.
import type { ActionToken, ApiToken, AuditEntry, License, MailEntry, OutboxMessage, Session, Settings, User } from '../../../src/domain/schemas.js';
import type { BusEvent } from '../../events.js';
import type { Tx } from '../repository.js';
import { PgReads, type Query } from './pg-reads.js';

const upsert = (table: string) => `INSERT INTO ${table} (id, doc) VALUES ($1, $2::jsonb) ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc`;

export class PgTx extends PgReads implements Tx {
  readonly events: BusEvent[] = [];
  private pending: Promise<unknown>[] = [];
  private failure: unknown = null;

  constructor(private readonly run: Query) {
    // Reads wait for the writes before them, so a failed write is reported instead of "transaction aborted".
    const read: Query = async (text, params) => {
      await this.settle();
      return run(text, params);
    };
    super(read, true, false);
  }

  private write(text: string, params: unknown[]): void {
    const p = this.run(text, params).catch((e) => {
      this.failure ??= e;
    });
    this.pending.push(p);
  }

  /** Waits for every write so far; throws the first one that failed. */
  async settle(): Promise<void> {
    if (this.pending.length) {
      const all = this.pending;
      this.pending = [];
      await Promise.all(all);
    }
    if (this.failure) throw this.failure;
  }

  putUser(user: User): void {
    this.write(upsert('users'), [user.id, JSON.stringify(user)]);
  }
  putSession(session: Session): void {
    this.write(upsert('sessions'), [session.id, JSON.stringify(session)]);
  }
  touchSessions(activity: ReadonlyMap<string, string>): void {
    if (activity.size === 0) return;
    // Never backwards: another server may have written a later time for the same session.
    this.write(
      `UPDATE sessions s SET doc = jsonb_set(s.doc, '{lastActivityAt}', to_jsonb(v.at)) FROM unnest($1::text[], $2::text[]) AS v(id, at)
       WHERE s.id = v.id AND (s.doc->>'lastActivityAt' COLLATE "C") < v.at`,
      [[...activity.keys()], [...activity.values()]],
    );
  }
  putApiToken(token: ApiToken): void {
    this.write(upsert('api_tokens'), [token.id, JSON.stringify(token)]);
  }
  putActionToken(token: ActionToken): void {
    this.write(upsert('action_tokens'), [token.id, JSON.stringify(token)]);
  }
  deleteActionTokensOf(userId: string, kind: ActionToken['kind']): void {
    this.write(`DELETE FROM action_tokens WHERE doc->>'userId' = $1 AND doc->>'kind' = $2`, [userId, kind]);
  }
  setLicense(license: License): void {
    this.write(`UPDATE meta SET value = $1::jsonb WHERE key = 'license'`, [JSON.stringify(license)]);
  }
  setSettings(settings: Settings): void {
    this.write(`UPDATE meta SET value = $1::jsonb WHERE key = 'settings'`, [JSON.stringify(settings)]);
  }
  appendAudit(entry: AuditEntry): void {
    this.write('INSERT INTO audit (id, doc) VALUES ($1, $2::jsonb)', [entry.id, JSON.stringify(entry)]);
  }
  putMail(entry: MailEntry, retention: number): MailEntry[] {
    this.write(upsert('mails'), [entry.id, JSON.stringify(entry)]);
    // The raw source lives in the same row, so dropping old messages leaves nothing behind to delete.
    this.write('DELETE FROM mails WHERE seq <= (SELECT seq FROM mails ORDER BY seq DESC OFFSET $1 LIMIT 1)', [Math.max(1, retention)]);
    return [];
  }
  deleteMail(id: string): void {
    this.write('DELETE FROM mails WHERE id = $1', [id]);
  }
  enqueueMail(message: OutboxMessage): void {
    this.write('INSERT INTO outbox (id, doc) VALUES ($1, $2::jsonb)', [message.id, JSON.stringify(message)]);
  }
  putOutbox(message: OutboxMessage): void {
    this.write(upsert('outbox'), [message.id, JSON.stringify(message)]);
  }
  emit(event: BusEvent): void {
    this.events.push(event);
  }
}
