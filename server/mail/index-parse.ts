// What the mail index needs from a message (its headers and the text for a snippet), parsed with
// mailparser, but without its streaming body parse for the common simple message: one text/plain
// part in UTF-8 or ASCII, alone or first in a multipart/alternative (what nodemailer writes for a
// text + HTML message, as Seatdesk's own mail is). That parse costs more than the rest of a
// delivery through the sink.
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import addressparser from 'nodemailer/lib/addressparser';

const OPTIONS = { skipHtmlToText: true, skipTextLinks: true, skipTextToHtml: true, skipImageLinks: true };
/** Enough body for a 160-character snippet even after whitespace is collapsed. */
const BODY_BYTES = 16 * 1024;
/** What the quick path looks at: a header block of up to 48 KB and the start of the body. */
const QUICK_BYTES = 64 * 1024;

/** The fields the index keeps. */
export interface IndexFields {
  subject: string;
  /** Addresses (lower case; a group's or an address-less entry's name instead). */
  from: string[];
  to: string[];
  cc: string[];
  date: Date | null;
  messageId: string | null;
  /** The plain text; '' when there is none. */
  text: string;
  /** The HTML of a message without plain text, for its snippet. */
  html: string | null;
}

/** `message`: the start of a message, as one buffer or the chunks it arrived in. */
export async function parseForIndex(message: Buffer | Buffer[]): Promise<IndexFields> {
  const chunks = Array.isArray(message) ? message : [message];
  const total = chunks.reduce((n, c) => n + c.length, 0);
  // Most messages need only their first few KB: copy no more than that out of the chunks.
  const start = Buffer.concat(chunks, Math.min(total, QUICK_BYTES));
  const end = headerEnd(start);
  if (end > 0 && (start.length === total || start.length - end >= BODY_BYTES)) {
    const body = start.subarray(end, end + BODY_BYTES);
    const quick = quickHeaders(start.subarray(0, end).toString('utf8'));
    if (quick) {
      const text = quick.boundary
        ? alternativeText(start.subarray(end), quick.boundary)
        : simpleBodyText(body, quick.body);
      // A blank text part leaves the snippet to the HTML part: mailparser reads that.
      if (text !== null && (!quick.boundary || text.trim())) return { ...quick.fields, text, html: null };
    }
    const parsed = await simpleParser(start.subarray(0, end), OPTIONS);
    const text = simpleBodyText(body, bodyOf(parsed.headers));
    if (text !== null) return { ...fieldsOf(parsed), text, html: null };
  }
  const source = start.length === total ? start : Buffer.concat(chunks, total);
  const parsed = await simpleParser(source, OPTIONS);
  const text = parsed.text ?? '';
  return { ...fieldsOf(parsed), text, html: !text.trim() && typeof parsed.html === 'string' ? parsed.html : null };
}

type Fields = Omit<IndexFields, 'text' | 'html'>;
/** How the body is stored: normalized content type, charset and transfer encoding; null: unknown. */
type BodyForm = { type: string; charset: string; encoding: string; plain: boolean } | null;

const addressList = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : [])
    .flatMap((x) => x.value.map((v) => (v.address ?? v.name ?? '').toLowerCase()))
    .filter(Boolean);

function fieldsOf(p: ParsedMail): Fields {
  return {
    subject: p.subject ?? '',
    from: addressList(p.from),
    to: addressList(p.to),
    cc: addressList(p.cc),
    date: p.date && !isNaN(p.date.getTime()) ? p.date : null,
    messageId: p.messageId ?? null,
  };
}

function bodyOf(headers: ParsedMail['headers']): BodyForm {
  const type = headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (!type || typeof type !== 'object' || !type.value) return null;
  const params = type.params ?? {};
  return {
    type: type.value.toLowerCase(),
    charset: (params.charset ?? '').toLowerCase(),
    encoding: String(headers.get('content-transfer-encoding') ?? '7bit')
      .trim()
      .toLowerCase(),
    // format=flowed is reflowed by mailparser; a disposition may make the body an attachment
    plain: !params.format && !params.delsp && !headers.has('content-disposition'),
  };
}

const SINGLE = new Set([
  'subject',
  'from',
  'date',
  'message-id',
  'content-type',
  'content-transfer-encoding',
  'content-disposition',
]);
/** The one Content-Type a simple message has in the quick path (what nodemailer writes for text). */
const SIMPLE_TYPE = /^text\/plain;\s*charset="?(utf-8|us-ascii)"?$/i;
/** What nodemailer writes for text + HTML: the text part comes first. */
const ALTERNATIVE_TYPE = /^multipart\/alternative;\s*boundary="?([A-Za-z0-9'()+_,\-./:=?]{1,70})"?$/;

/**
 * The header block of a message simple enough to read without mailparser: no encoded words
 * (=?…?=), no internationalized domains, no groups, no repeated single headers, a plain
 * text/plain Content-Type. Anything else gives null, and mailparser reads it.
 */
function quickHeaders(block: string): { fields: Fields; body: BodyForm; boundary?: string } | null {
  if (block.includes('=?') || block.includes('\u0000')) return null;
  const values = headerValues(block);
  for (const key of SINGLE) if ((values.get(key)?.length ?? 0) > 1) return null;
  const type = values.get('content-type')?.[0];
  const match = type ? SIMPLE_TYPE.exec(type) : null;
  const alternative = type && !match ? ALTERNATIVE_TYPE.exec(type) : null;
  if ((!match && !alternative) || values.has('content-disposition')) return null;
  const from = quickAddresses(values.get('from'));
  const to = quickAddresses(values.get('to'));
  const cc = quickAddresses(values.get('cc'));
  if (!from || !to || !cc) return null;
  const rawDate = values.get('date')?.[0];
  const date = rawDate ? new Date(rawDate) : null;
  const id = values.get('message-id')?.[0];
  return {
    fields: {
      subject: values.get('subject')?.[0] ?? '',
      from,
      to,
      cc,
      date: date && !isNaN(date.getTime()) ? date : null,
      messageId: id ? `${id.startsWith('<') ? '' : '<'}${id}${id.endsWith('>') ? '' : '>'}` : null,
    },
    body: match ? simpleForm(match[1], values) : null,
    ...(alternative ? { boundary: alternative[1] } : {}),
  };
}

const simpleForm = (charset: string, values: Map<string, string[]>): BodyForm => ({
  type: 'text/plain',
  charset: charset.toLowerCase(),
  encoding: (values.get('content-transfer-encoding')?.[0] ?? '7bit').toLowerCase(),
  plain: true,
});

/** A header block's values by lower-case name, unfolded. */
function headerValues(block: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  // As libmime: a line starting with a space or tab continues the one before.
  const lines = block.split(/\r?\n|\r/);
  let current = '';
  const take = () => {
    const line = current.trim();
    current = '';
    if (!line) return;
    const colon = line.indexOf(':');
    if (colon <= 0) return;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (!value) return;
    const list = values.get(key);
    if (list) list.push(value);
    else values.set(key, [value]);
  };
  for (const line of lines) {
    if (line === '') break;
    if ((line[0] === ' ' || line[0] === '\t') && current) current += ' ' + line.replace(/^[ \t]+/, '');
    else {
      take();
      current = line;
    }
  }
  take();
  return values;
}

/**
 * The text of a multipart/alternative body whose first part is a simple text/plain one (headers
 * Content-Type and Content-Transfer-Encoding only) ending within `body`; null for anything else.
 */
function alternativeText(body: Buffer, boundary: string): string | null {
  const delimiter = `--${boundary}`;
  // The first delimiter line: at the body's start, or after a preamble.
  const after = body.indexOf(`\n${delimiter}`);
  const open = body.indexOf(delimiter) === 0 ? 0 : after >= 0 ? after + 1 : -1;
  if (open < 0) return null;
  const lineEnd = body.indexOf('\n', open);
  if (
    lineEnd < 0 ||
    body
      .subarray(open + delimiter.length, lineEnd)
      .toString('latin1')
      .trim() !== ''
  )
    return null;
  const part = body.subarray(lineEnd + 1);
  const end = headerEnd(part);
  if (end <= 0) return null;
  const values = headerValues(part.subarray(0, end).toString('utf8'));
  if ([...values.keys()].some((k) => k !== 'content-type' && k !== 'content-transfer-encoding')) return null;
  if ([...values.values()].some((v) => v.length > 1)) return null;
  const match = SIMPLE_TYPE.exec(values.get('content-type')?.[0] ?? '');
  if (!match) return null;
  // The part ends at the line break before the next delimiter (that break belongs to the delimiter).
  const next = part.indexOf(`\n${delimiter}`, end);
  if (next < 0) return null;
  const stop = next > end && part[next - 1] === 0x0d ? next - 1 : next;
  return simpleBodyText(part.subarray(end, Math.max(end, stop)), simpleForm(match[1], values));
}

function quickAddresses(headers: string[] | undefined): string[] | null {
  const out: string[] = [];
  for (const value of headers ?? []) {
    if (value.includes('xn--')) return null;
    for (const a of addressparser(value)) {
      if ('group' in a && a.group) return null;
      // As mailparser reads it: the address, or (when there is none) the trimmed name.
      const v = ((a as { address?: string }).address ?? a.name?.trim() ?? '').toLowerCase();
      if (v) out.push(v);
    }
  }
  return out;
}

/** Where the body starts (just after the blank line ending the headers), or -1. */
function headerEnd(source: Buffer): number {
  const crlf = source.indexOf('\r\n\r\n');
  const lf = source.indexOf('\n\n');
  if (crlf < 0 && lf < 0) return -1;
  return crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf + 2;
}

/** The decoded text of a single text/plain body in UTF-8 or ASCII; null for anything else. */
function simpleBodyText(body: Buffer, form: BodyForm): string | null {
  if (!form || !form.plain || form.type !== 'text/plain') return null;
  if (form.charset !== 'utf-8' && form.charset !== 'us-ascii') return null;
  switch (form.encoding) {
    case '7bit':
    case '8bit':
      return body.toString('utf8');
    case 'quoted-printable':
      return decodeQuotedPrintable(body).toString('utf8');
    case 'base64':
      return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/]/g, ''), 'base64').toString('utf8');
    default:
      return null;
  }
}

const hex = (c: number) =>
  c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;

/** RFC 2045 quoted-printable: "=XX" is a byte, "=" at a line's end joins it to the next. */
function decodeQuotedPrintable(input: Buffer): Buffer {
  const out = Buffer.allocUnsafe(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== 0x3d) {
      out[n++] = c;
      continue;
    }
    if (input[i + 1] === 0x0d && input[i + 2] === 0x0a) i += 2;
    else if (input[i + 1] === 0x0a) i += 1;
    else {
      const hi = hex(input[i + 1] ?? -1);
      const lo = hex(input[i + 2] ?? -1);
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo;
        i += 2;
      } else out[n++] = c;
    }
  }
  return out.subarray(0, n);
}
