// Captured mail: raw .eml files in data/mail plus an index in the store; read, search, wait, delete.
import { mkdir, open, readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { convert } from 'html-to-text';
import { simpleParser, type ParsedMail } from 'mailparser';
import { AppError } from '../../src/domain/errors.js';
import { blindRecipients, recipientsOf } from '../../src/domain/mail.js';
import type { MailDelivery, MailEntry, MailLink, MailMessage, User } from '../../src/domain/schemas.js';
import { parseForIndex } from './index-parse.js';
import { deliveryOf } from './outbox.js';
import { newId } from '../../src/domain/tokens.js';
import type { Ctx } from '../context.js';
import type { MailQuery, Page } from '../store/repository.js';

type Viewer = Pick<User, 'adminProfile'>;

const INDEX_PARSE_BYTES = 256 * 1024;
const MAX_HEADER_BYTES = 8 * 1024 * 1024;

/** The start of a message: the whole header block (up to 8 MB) and a little of the body. */
async function readHead(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    let size = INDEX_PARSE_BYTES;
    for (;;) {
      const buf = Buffer.alloc(size);
      const { bytesRead } = await fh.read(buf, 0, size, 0);
      const head = buf.subarray(0, bytesRead);
      if (bytesRead < size || head.includes('\r\n\r\n') || head.includes('\n\n') || size >= MAX_HEADER_BYTES)
        return head;
      size = Math.min(MAX_HEADER_BYTES, size * 4);
    }
  } finally {
    await fh.close();
  }
}

export class MailService {
  readonly dir: string;
  constructor(private readonly ctx: Ctx) {
    this.dir = join(ctx.config.dataDir, 'mail');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.recover();
  }

  /**
   * The sink answers 250 once a message's file is on disk, before its index entry's commit:
   * after a crash, files the index does not know are indexed again (blind copies, which only the
   * envelope named, are then unknown), and entries whose file is gone are dropped.
   */
  async recover(): Promise<number> {
    const repo = this.ctx.repo;
    const files = new Set((await readdir(this.dir)).filter((f) => f.endsWith('.eml')));
    const known = new Set<string>();
    const gone: string[] = [];
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await repo.pageMail({ cursor, limit: 10_000 });
      for (const m of page.items) {
        known.add(m.file);
        if (!files.has(m.file)) gone.push(m.id);
      }
      cursor = page.nextCursor ?? undefined;
    }
    // An engine that keeps sources holds them in the database, not here (and other servers' files are not ours).
    if (gone.length && !repo.keepsMailSource) await repo.transaction((tx) => gone.forEach((id) => tx.deleteMail(id)));
    let found = 0;
    for (const file of files) {
      if (known.has(file)) continue;
      const st = await stat(join(this.dir, file)).catch(() => null);
      if (!st?.isFile()) continue;
      await this.ingest(file.slice(0, -'.eml'.length), file, st.size, { from: '', to: [] }, { receivedAt: st.mtime });
      found++;
    }
    return found;
  }

  newFileName(): { id: string; file: string; path: string } {
    const id = newId();
    const file = `${id}.eml`;
    return { id, file, path: join(this.dir, file) };
  }

  /**
   * Indexes a message whose raw source is already saved at `file`; `head`, when the caller still
   * holds it, is the start of the message (its header block and some body). `saved`, if given,
   * settles when the file is on disk (the parse runs meanwhile); nothing is indexed before.
   * `onIndexed` is called once the entry is in the index, before its commit is durable: the file
   * is the record, and `recover()` indexes it again after a crash. Survives malformed MIME.
   */
  async ingest(
    id: string,
    file: string,
    size: number,
    envelope: { from: string; to: string[] },
    opts: { head?: Buffer | Buffer[]; saved?: Promise<void>; onIndexed?: () => void; receivedAt?: Date } = {},
  ): Promise<MailEntry> {
    const { head, saved } = opts;
    const now = opts.receivedAt ?? this.ctx.now();
    let entry: MailEntry;
    try {
      // The index needs headers and a snippet: the first 256 KB give both, and a 25 MB message is
      // then not parsed whole (which would hold the event loop) until someone opens it.
      const parsed = await parseForIndex(head ?? (await readHead(join(this.dir, file))));
      const to = parsed.to.length ? parsed.to : envelope.to;
      const cc = parsed.cc;
      // An HTML-only message still gets a text snippet (the index parse skips html-to-text).
      const text = parsed.text.trim() ? parsed.text : parsed.html !== null ? htmlToText(parsed.html) : '';
      entry = {
        id,
        messageId: parsed.messageId,
        from: parsed.from[0] ?? envelope.from,
        to,
        cc,
        bcc: blindRecipients(envelope.to, [...to, ...cc]),
        subject: parsed.subject.slice(0, 500),
        date: (parsed.date ?? now).toISOString(),
        receivedAt: now.toISOString(),
        size,
        file,
        snippet: text.replace(/\s+/g, ' ').trim().slice(0, 160),
      };
    } catch {
      entry = {
        id,
        messageId: null,
        from: envelope.from,
        to: envelope.to,
        cc: [],
        bcc: [],
        subject: '(unreadable message)',
        date: now.toISOString(),
        receivedAt: now.toISOString(),
        size,
        file,
        snippet: '',
      };
    }
    await saved;
    // An engine that keeps the source (PostgreSQL) takes it into the database; the file then goes.
    const path = join(this.dir, file);
    const source = this.ctx.repo.keepsMailSource ? await readFile(path) : undefined;
    const dropped = await this.ctx.repo.transaction(async (tx) => {
      const kept = tx.putMail(entry, (await tx.settings()).mailRetention, source);
      tx.emit({ type: 'mail.received', data: { mail: entry } });
      // The embedded engine's reads see the entry now (the commit follows; the file is already on
      // disk); PostgreSQL's see it only after COMMIT, so the sender is answered then.
      if (!source) opts.onIndexed?.();
      return kept;
    });
    if (source) opts.onIndexed?.();
    for (const m of dropped) await unlink(join(this.dir, m.file)).catch(() => {});
    if (source) await unlink(path).catch(() => {});
    return entry;
  }

  /**
   * Addresses whose mail a viewer may not see. Mail to a Site Administrator can hold their reset
   * link, so a User Administrator (who may not manage Site Administrators) does not see it.
   */
  async hiddenFor(viewer?: Viewer): Promise<Set<string> | undefined> {
    if (!viewer || viewer.adminProfile === 'Site Administrator') return undefined;
    return new Set((await this.ctx.repo.siteAdmins()).map((u) => u.email));
  }

  /** Whether a viewer may see a message (for filtering the event stream). */
  async visibleTo(viewer?: Viewer): Promise<(m: MailEntry) => boolean> {
    const hidden = await this.hiddenFor(viewer);
    return hidden ? (m) => !recipientsOf(m).some((t) => hidden.has(t)) : () => true;
  }

  async list(q: Omit<MailQuery, 'hideTo'>, viewer?: Viewer): Promise<Page<MailEntry>> {
    return this.ctx.repo.pageMail({ ...q, hideTo: await this.hiddenFor(viewer) });
  }

  /** The newest message matching, waiting up to `waitSeconds` for one to arrive. */
  async latest(
    to: string,
    subject: string,
    waitSeconds: number,
    signal?: AbortSignal,
    viewer?: Viewer,
  ): Promise<MailEntry> {
    to = to.trim().toLowerCase();
    subject = subject.trim().toLowerCase();
    const hidden = await this.hiddenFor(viewer);
    const find = () => this.ctx.repo.latestMail(to, subject, hidden);
    const now = await find();
    if (now) return now;
    if (waitSeconds > 0) {
      const found = await new Promise<MailEntry | undefined>((resolve) => {
        const finish = (m?: MailEntry) => {
          clearTimeout(timer);
          off();
          signal?.removeEventListener('abort', onAbort);
          resolve(m);
        };
        const onAbort = () => finish();
        const timer = setTimeout(() => finish(), Math.min(30, waitSeconds) * 1000);
        const off = this.ctx.bus.subscribe((e) => {
          if (e.type === 'mail.received') void find().then((m) => m && finish(m));
        });
        signal?.addEventListener('abort', onAbort);
      });
      if (found) return found;
    }
    throw new AppError(
      'no_message',
      `No message${to ? ` to ${to}` : ''}${subject ? ` with "${subject}" in the subject` : ''} has arrived.`,
    );
  }

  async entry(id: string, viewer?: Viewer): Promise<MailEntry> {
    const m = await this.ctx.repo.mail(id);
    if (!m || !(await this.visibleTo(viewer))(m))
      throw new AppError('not_found', `No captured message has the id "${id}".`);
    return m;
  }

  private async parse(m: MailEntry): Promise<ParsedMail> {
    return simpleParser(await this.source(m), { skipTextLinks: true });
  }

  async read(id: string, viewer?: Viewer): Promise<MailMessage> {
    const m = await this.entry(id, viewer);
    const p = await this.parse(m);
    const htmlText = typeof p.html === 'string' ? htmlToText(p.html) : null;
    const hrefs =
      typeof p.html === 'string'
        ? [...p.html.matchAll(/href\s*=\s*["']([^"']+)["']/gi)].map((x) => decodeEntities(x[1]))
        : [];
    const inText = [...(p.text ?? '').matchAll(/https?:\/\/[^\s<>"')\]]+/g)].map((x) => x[0]);
    return {
      ...m,
      headers: [...p.headerLines]
        .map((h) => ({ key: h.key, value: h.line.slice(h.key.length + 1).trim() }))
        .slice(0, 200),
      text: p.text ?? '',
      htmlText,
      links: orderLinks([...hrefs, ...inText], this.ctx.config.publicUrl),
      attachments: p.attachments.map((a) => ({
        filename: a.filename ?? null,
        contentType: a.contentType,
        size: a.size,
      })),
    };
  }

  /** The n-th attachment (0-based), decoded. */
  async attachment(
    id: string,
    n: number,
    viewer?: Viewer,
  ): Promise<{ filename: string; contentType: string; content: Buffer }> {
    const m = await this.entry(id, viewer);
    const a = (await this.parse(m)).attachments[n];
    if (!a)
      throw new AppError('not_found', `The message "${id}" has no attachment ${n} (attachments are numbered from 0).`);
    return {
      filename: a.filename || `attachment-${n}`,
      contentType: a.contentType || 'application/octet-stream',
      content: a.content,
    };
  }

  /** Where a message Seatdesk sent stands. */
  async delivery(id: string, viewer?: Viewer): Promise<MailDelivery> {
    const m = await this.ctx.repo.outboxMessage(id);
    const hidden = await this.hiddenFor(viewer);
    if (!m || hidden?.has(m.to)) throw new AppError('not_found', `No message Seatdesk sent has the id "${id}".`);
    return deliveryOf(m);
  }

  /** The deliveries of the messages Seatdesk sent to a user, newest first. */
  async deliveriesOf(userId: string, viewer?: Viewer): Promise<MailDelivery[]> {
    const hidden = await this.hiddenFor(viewer);
    return (await this.ctx.repo.outboxOf(userId, 20)).filter((m) => !hidden?.has(m.to)).map(deliveryOf);
  }

  private async source(m: MailEntry): Promise<Buffer> {
    return (await this.ctx.repo.mailSource(m.id)) ?? (await readFile(join(this.dir, m.file)));
  }

  /** A message's raw source: a file to stream, or (kept by the engine) its bytes. */
  async raw(id: string, viewer?: Viewer): Promise<{ path: string } | { data: Buffer }> {
    const m = await this.entry(id, viewer);
    if (this.ctx.repo.keepsMailSource) {
      const data = await this.ctx.repo.mailSource(m.id);
      if (data) return { data };
    }
    return { path: join(this.dir, m.file) };
  }

  async remove(id: string, viewer?: Viewer): Promise<void> {
    const m = await this.entry(id, viewer);
    // The file first: after a crash in between, recover() drops an entry without a file, but
    // would index a file without an entry again.
    await unlink(join(this.dir, m.file)).catch(() => {});
    await this.ctx.repo.transaction((tx) => tx.deleteMail(id));
  }

  async removeAll(viewer?: Viewer): Promise<number> {
    const repo = this.ctx.repo;
    const all: MailEntry[] = [];
    const hideTo = await this.hiddenFor(viewer);
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await repo.pageMail({ hideTo, cursor, limit: 10_000 });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    }
    const everything = all.length === (await repo.countMail());
    await repo.transaction((tx) => {
      for (const m of all) tx.deleteMail(m.id);
    });
    if (everything) {
      await rm(this.dir, { recursive: true, force: true });
      await mkdir(this.dir, { recursive: true });
    } else for (const m of all) await unlink(join(this.dir, m.file)).catch(() => {});
    return all.length;
  }
}

const decodeEntities = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

const htmlToText = (html: string) =>
  convert(html, { wordwrap: false, selectors: [{ selector: 'a', options: { hideLinkHrefIfSameAsText: true } }] });

/**
 * What a link is: an activation or reset link only when it points at this Seatdesk's own public
 * URL (a look-alike path on another host is just a link).
 */
export function linkKind(url: string, publicUrl: string): MailLink['kind'] {
  const base = publicUrl.replace(/\/+$/, '');
  if (url.startsWith(`${base}/activate/`)) return 'activation';
  if (url.startsWith(`${base}/reset-password/`)) return 'reset';
  return 'other';
}

/** Unique links, activation and reset links first. */
export function orderLinks(urls: string[], publicUrl: string): MailLink[] {
  const seen = new Set<string>();
  const links: MailLink[] = [];
  for (const url of urls) {
    if (seen.has(url)) continue;
    seen.add(url);
    links.push({ url, kind: linkKind(url, publicUrl) });
  }
  const rank = { activation: 0, reset: 1, other: 2 };
  return links.sort((a, b) => rank[a.kind] - rank[b.kind]);
}
