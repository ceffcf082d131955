// Captured mail: raw .eml files in data/mail plus an index in the store; read, search, wait, delete.
import { mkdir, open, readFile, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { convert } from 'html-to-text';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { AppError } from '../../src/domain/errors.js';
import { blindRecipients, recipientsOf, sentTo } from '../../src/domain/mail.js';
import { contains } from '../../src/domain/query.js';
import type { MailEntry, MailLink, MailMessage, User } from '../../src/domain/schemas.js';
import { newId } from '../../src/domain/tokens.js';
import type { Ctx } from '../context.js';

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
      if (bytesRead < size || head.includes('\r\n\r\n') || head.includes('\n\n') || size >= MAX_HEADER_BYTES) return head;
      size = Math.min(MAX_HEADER_BYTES, size * 4);
    }
  } finally {
    await fh.close();
  }
}

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => (v.address ?? v.name ?? '').toLowerCase())).filter(Boolean);

export class MailService {
  readonly dir: string;
  constructor(private readonly ctx: Ctx) {
    this.dir = join(ctx.config.dataDir, 'mail');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  newFileName(): { id: string; file: string; path: string } {
    const id = newId();
    const file = `${id}.eml`;
    return { id, file, path: join(this.dir, file) };
  }

  /** Indexes a message whose raw source is already saved at `file`. Survives malformed MIME. */
  async ingest(id: string, file: string, size: number, envelope: { from: string; to: string[] }): Promise<MailEntry> {
    const now = this.ctx.now();
    let entry: MailEntry;
    try {
      // The index needs headers and a snippet: the first 256 KB give both, and a 25 MB message is
      // then not parsed whole (which would hold the event loop) until someone opens it.
      const parsed = await simpleParser(await readHead(join(this.dir, file)), { skipHtmlToText: true, skipTextLinks: true, skipTextToHtml: true, skipImageLinks: true });
      const named = addresses(parsed.to);
      const to = named.length ? named : envelope.to;
      const cc = addresses(parsed.cc);
      // An HTML-only message still gets a text snippet (the index parse skips html-to-text).
      const text = parsed.text?.trim() ? parsed.text : typeof parsed.html === 'string' ? htmlToText(parsed.html) : '';
      entry = {
        id,
        messageId: parsed.messageId ?? null,
        from: addresses(parsed.from)[0] ?? envelope.from,
        to,
        cc,
        bcc: blindRecipients(envelope.to, [...to, ...cc]),
        subject: (parsed.subject ?? '').slice(0, 500),
        date: (parsed.date && !isNaN(parsed.date.getTime()) ? parsed.date : now).toISOString(),
        receivedAt: now.toISOString(),
        size,
        file,
        snippet: text.replace(/\s+/g, ' ').trim().slice(0, 160),
      };
    } catch {
      entry = { id, messageId: null, from: envelope.from, to: envelope.to, cc: [], bcc: [], subject: '(unreadable message)', date: now.toISOString(), receivedAt: now.toISOString(), size, file, snippet: '' };
    }
    const dropped = await this.ctx.store.transact((tx) => {
      tx.put('mails', entry);
      const over = this.ctx.store.count('mails') - this.ctx.store.settings.mailRetention;
      const out: MailEntry[] = [];
      if (over > 0) {
        for (const m of this.ctx.store.values('mails')) {
          if (out.length >= over) break;
          out.push(m);
          tx.del('mails', m.id);
        }
      }
      return out;
    });
    for (const m of dropped) await unlink(join(this.dir, m.file)).catch(() => {});
    this.ctx.bus.emit('mail.received', { mail: entry });
    return entry;
  }

  /**
   * What a viewer may see. Mail to a Site Administrator can hold their reset link, so a User
   * Administrator (who may not manage Site Administrators) does not see it.
   */
  visibleTo(viewer?: Viewer): (m: MailEntry) => boolean {
    if (!viewer || viewer.adminProfile === 'Site Administrator') return () => true;
    const guarded = new Set<string>();
    for (const u of this.ctx.store.values('users')) if (u.adminProfile === 'Site Administrator') guarded.add(u.email);
    return (m) => !recipientsOf(m).some((t) => guarded.has(t));
  }

  list(q: { q?: string; to?: string; offset?: number; limit?: number }, viewer?: Viewer): { items: MailEntry[]; total: number } {
    const needle = q.q?.trim().toLowerCase() ?? '';
    const to = q.to?.trim().toLowerCase() ?? '';
    const visible = this.visibleTo(viewer);
    const rows = [...this.ctx.store.values('mails')].filter(
      (m) =>
        visible(m) &&
        (!to || sentTo(m, to)) &&
        (!needle || contains(m.from, needle) || contains(m.subject, needle) || sentTo(m, needle)),
    );
    rows.reverse(); // newest first
    const offset = Math.max(0, q.offset ?? 0);
    const limit = Math.min(10_000, Math.max(1, q.limit ?? 100));
    return { items: rows.slice(offset, offset + limit), total: rows.length };
  }

  private find(to: string, subject: string, visible: (m: MailEntry) => boolean): MailEntry | undefined {
    const all = [...this.ctx.store.values('mails')];
    for (let i = all.length - 1; i >= 0; i--) {
      const m = all[i];
      if (visible(m) && (!to || sentTo(m, to)) && (!subject || contains(m.subject, subject))) return m;
    }
    return undefined;
  }

  /** The newest message matching, waiting up to `waitSeconds` for one to arrive. */
  async latest(to: string, subject: string, waitSeconds: number, signal?: AbortSignal, viewer?: Viewer): Promise<MailEntry> {
    to = to.trim().toLowerCase();
    subject = subject.trim().toLowerCase();
    const visible = this.visibleTo(viewer);
    const now = this.find(to, subject, visible);
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
          if (e.type === 'mail.received') {
            const m = this.find(to, subject, visible);
            if (m) finish(m);
          }
        });
        signal?.addEventListener('abort', onAbort);
      });
      if (found) return found;
    }
    throw new AppError('no_message', `No message${to ? ` to ${to}` : ''}${subject ? ` with "${subject}" in the subject` : ''} has arrived.`);
  }

  entry(id: string, viewer?: Viewer): MailEntry {
    const m = this.ctx.store.get('mails', id);
    if (!m || !this.visibleTo(viewer)(m)) throw new AppError('not_found', `No captured message has the id "${id}".`);
    return m;
  }

  private async parse(m: MailEntry): Promise<ParsedMail> {
    return simpleParser(await readFile(join(this.dir, m.file)), { skipTextLinks: true });
  }

  async read(id: string, viewer?: Viewer): Promise<MailMessage> {
    const m = this.entry(id, viewer);
    const p = await this.parse(m);
    const htmlText = typeof p.html === 'string' ? htmlToText(p.html) : null;
    const hrefs = typeof p.html === 'string' ? [...p.html.matchAll(/href\s*=\s*["']([^"']+)["']/gi)].map((x) => decodeEntities(x[1])) : [];
    const inText = [...(p.text ?? '').matchAll(/https?:\/\/[^\s<>"')\]]+/g)].map((x) => x[0]);
    return {
      ...m,
      headers: [...p.headerLines].map((h) => ({ key: h.key, value: h.line.slice(h.key.length + 1).trim() })).slice(0, 200),
      text: p.text ?? '',
      htmlText,
      links: orderLinks([...hrefs, ...inText], this.ctx.config.publicUrl),
      attachments: p.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size })),
    };
  }

  /** The n-th attachment (0-based), decoded. */
  async attachment(id: string, n: number, viewer?: Viewer): Promise<{ filename: string; contentType: string; content: Buffer }> {
    const m = this.entry(id, viewer);
    const a = (await this.parse(m)).attachments[n];
    if (!a) throw new AppError('not_found', `The message "${id}" has no attachment ${n} (attachments are numbered from 0).`);
    return { filename: a.filename || `attachment-${n}`, contentType: a.contentType || 'application/octet-stream', content: a.content };
  }

  rawPath(id: string, viewer?: Viewer): string {
    return join(this.dir, this.entry(id, viewer).file);
  }

  async remove(id: string, viewer?: Viewer): Promise<void> {
    const m = this.entry(id, viewer);
    await this.ctx.store.transact((tx) => tx.del('mails', id));
    await unlink(join(this.dir, m.file)).catch(() => {});
  }

  async removeAll(viewer?: Viewer): Promise<number> {
    const visible = this.visibleTo(viewer);
    const all = [...this.ctx.store.values('mails')].filter(visible);
    const everything = all.length === this.ctx.store.count('mails');
    await this.ctx.store.transact((tx) => {
      for (const m of all) tx.del('mails', m.id);
    });
    if (everything) {
      await rm(this.dir, { recursive: true, force: true });
      await mkdir(this.dir, { recursive: true });
    } else for (const m of all) await unlink(join(this.dir, m.file)).catch(() => {});
    return all.length;
  }
}

const decodeEntities = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

const htmlToText = (html: string) => convert(html, { wordwrap: false, selectors: [{ selector: 'a', options: { hideLinkHrefIfSameAsText: true } }] });

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
