import { simpleParser, type AddressObject } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { parseForIndex } from '../../server/mail/index-parse.js';

const compose = nodemailer.createTransport({ streamTransport: true, buffer: true });
const build = async (mail: SendMailOptions) =>
  (await compose.sendMail({ from: 'Robot <robot@example.org>', to: 'a@example.com', ...mail })).message as Buffer;

const addressList = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : [])
    .flatMap((x) => x.value.map((v) => (v.address ?? v.name ?? '').toLowerCase()))
    .filter(Boolean);

/** The index's fields from the quick parse, and from mailparser's whole parse. */
async function both(raw: Buffer) {
  const quick = await parseForIndex(raw);
  const p = await simpleParser(raw, {
    skipHtmlToText: true,
    skipTextLinks: true,
    skipTextToHtml: true,
    skipImageLinks: true,
  });
  const snippet = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 160);
  const full = {
    subject: p.subject ?? '',
    from: addressList(p.from),
    to: addressList(p.to),
    cc: addressList(p.cc),
    date: p.date && !isNaN(p.date.getTime()) ? p.date.toISOString() : null,
    messageId: p.messageId ?? null,
    snippet: snippet(p.text ?? ''),
    // The index keeps the HTML only for a message without plain text (its snippet comes from it).
    html: !p.text?.trim() && typeof p.html === 'string' ? p.html : null,
  };
  const { text, ...rest } = quick;
  // A missing or unreadable Date: mailparser says "now", the index parse null (the index then
  // takes the arrival time either way).
  if (
    quick.date === null &&
    !(
      p.headers.get('date') instanceof Date &&
      p.headerLines.some((h) => h.key === 'date' && !isNaN(new Date(h.line.slice(5)).getTime()))
    )
  )
    full.date = null;
  return { quick: { ...rest, date: quick.date?.toISOString() ?? null, snippet: snippet(text) }, full };
}

const long = 'Ünïcödé line with = signs and tabs\tand spaces   '.repeat(40);

describe('the index parse of simple messages matches mailparser', () => {
  it.each([
    ['plain ASCII', { subject: 'Hello', text: 'Just text https://example.org/x' }],
    [
      'Unicode subject, names and quoted-printable body',
      {
        subject: 'Grüße — 你好 ✓',
        to: '"Müller, Jörg" <jm@example.com>, b@example.com',
        cc: 'Çé <c@example.com>',
        text: long,
      },
    ],
    ['base64 body', { subject: 'b64', text: '日本語のテキスト '.repeat(300), textEncoding: 'base64' as const }],
    [
      'quoted-printable forced',
      { subject: 'qp', text: 'a'.repeat(200) + '=\n' + 'é'.repeat(100), textEncoding: 'quoted-printable' as const },
    ],
    ['whitespace first', { subject: 'ws', text: '\n\n   \t  \n' + 'word '.repeat(100) }],
    ['empty body', { subject: 'empty', text: '' }],
  ])('%s', async (_what, mail) => {
    const { quick, full } = await both(await build(mail));
    expect(quick).toEqual(full);
  });

  it.each([
    [
      '7bit with LF line ends',
      'From: a@example.org\nTo: b@example.com\nSubject: lf\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 7bit\n\nhello\nthere\n',
    ],
    [
      '8bit UTF-8',
      'From: a@example.org\r\nTo: b@example.com\r\nSubject: =?UTF-8?Q?caf=C3=A9?=\r\nContent-Type: text/plain; charset="UTF-8"\r\nContent-Transfer-Encoding: 8bit\r\n\r\ncafé crème\r\n',
    ],
    [
      'repeated, folded and odd headers',
      'From: "Doe, Jane" <Jane.Doe@Example.org>, second@example.org\r\nTo: one@example.com,\r\n\t"Two (2)" <two@example.com>\r\nTo: three@example.com\r\nCc:\r\nSubject:  spaced   subject \r\n  folded\r\nDate: not a date\r\nMessage-ID: abc@host\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbody\r\n',
    ],
    [
      'an entry without an address',
      'From: a@example.org\r\nTo: undisclosed, b@example.com\r\nSubject: s\r\nDate: Tue, 1 Jul 2025 10:00:00 +0200\r\nMessage-ID: <x@y>\r\nContent-Type: text/plain; charset=US-ASCII\r\nContent-Transfer-Encoding: 7BIT\r\n\r\nbody\r\n',
    ],
    [
      'a group and an encoded name (left to mailparser)',
      'From: =?UTF-8?Q?J=C3=B6rg?= <j@example.org>\r\nTo: team: a@example.com, b@example.com;\r\nSubject: =?UTF-8?B?w7xiZXI=?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbody\r\n',
    ],
    [
      'soft breaks and a lone =',
      'Subject: qp\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nab=\r\ncd =3D e=\nf = g =ZZ\r\n',
    ],
  ])('%s', async (_what, text) => {
    const { quick, full } = await both(Buffer.from(text));
    expect(quick).toEqual(full);
  });

  it.each([
    [
      'text + HTML (what Seatdesk sends)',
      { subject: 'alt', text: 'plain part\nhttps://x/activate/a', html: '<p>x</p>' },
    ],
    ['text + HTML, quoted-printable', { subject: 'alt qp', text: long, html: `<p>${long}</p>` }],
    ['text + HTML, blank text', { subject: 'alt blank', text: ' \n ', html: '<p>only <b>html</b></p>' }],
  ])('%s', async (_what, mail) => {
    const raw = await build(mail);
    expect(raw.toString()).toContain('multipart/alternative');
    const { quick, full } = await both(raw);
    expect(quick).toEqual(full);
  });

  it.each([
    [
      'a preamble, LF line ends',
      'Subject: pre\nContent-Type: multipart/alternative; boundary=b1\n\npreamble\n--b1\nContent-Type: text/plain; charset=utf-8\n\nfirst\n--b1\nContent-Type: text/html; charset=utf-8\n\n<p>h</p>\n--b1--\n',
    ],
    [
      'first part not plain text',
      'Subject: h\r\nContent-Type: multipart/alternative; boundary="b2"\r\n\r\n--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>html first</p>\r\n--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain second\r\n--b2--\r\n',
    ],
    [
      'first part with a disposition',
      'Subject: d\r\nContent-Type: multipart/alternative; boundary="b3"\r\n\r\n--b3\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment\r\n\r\nattached\r\n--b3--\r\n',
    ],
    [
      'an unterminated part',
      'Subject: u\r\nContent-Type: multipart/alternative; boundary="b4"\r\n\r\n--b4\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nno end',
    ],
  ])('multipart/alternative: %s', async (_what, text) => {
    const { quick, full } = await both(Buffer.from(text));
    expect(quick).toEqual(full);
  });

  it('leaves anything else to mailparser: multipart, HTML, other charsets, flowed text', async () => {
    for (const raw of [
      await build({ subject: 'mixed', text: 'plain part', attachments: [{ filename: 'a.txt', content: 'attached' }] }),
      await build({ subject: 'html only', html: '<p>Hello <b>there</b></p>' }),
      Buffer.from(
        'Subject: latin\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=E9\r\n',
      ),
      Buffer.from('Subject: flowed\r\nContent-Type: text/plain; charset=utf-8; format=flowed\r\n\r\none \r\ntwo\r\n'),
      Buffer.from('Subject: no type\r\n\r\nbody\r\n'),
    ]) {
      const { quick, full } = await both(raw);
      expect(quick).toEqual(full);
    }
  });
});
