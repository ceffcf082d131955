// Captured mail: the list, and a reader with headers, text, numbered links (activation first), raw.
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Box, Text, useInput } from 'ink';
import { useEffect, useState } from 'react';
import type { MailMessage } from '../../src/api-client.js';
import { recipientsOf } from '../../src/domain/mail.js';
import type { MailEntry } from '../../src/domain/schemas.js';
import { GridFooter, GridView } from '../components/grid.js';
import { bytes, shortTime } from '../format.js';
import { useGrid, type Column } from '../hooks/use-grid.js';
import { theme } from '../theme.js';
import type { ScreenProps } from './screen-props.js';

export const MAIL_COLUMNS: Column<MailEntry>[] = [
  { key: 'receivedAt', title: 'Received', width: 11, get: (m) => shortTime(m.receivedAt), sortValue: (m) => m.receivedAt },
  { key: 'to', title: 'To', width: { flex: 2, min: 12 }, get: (m) => m.to.join(', ') },
  { key: 'subject', title: 'Subject', width: { flex: 3, min: 12 }, get: (m) => m.subject },
  { key: 'from', title: 'From', width: { flex: 1, min: 10 }, get: (m) => m.from },
];

/** Splits text into lines of at most `width` columns. */
export function wrapLines(text: string, width: number): string[] {
  const out: string[] = [];
  for (const line of text.replace(/\r/g, '').split('\n')) {
    if (line.length <= width) out.push(line);
    else for (let i = 0; i < line.length; i += width) out.push(line.slice(i, i + width));
  }
  return out;
}

export function MailScreen(p: ScreenProps) {
  const t = theme();
  const { dispatch } = p;
  const grid = useGrid(p.res.mails, MAIL_COLUMNS, {
    height: Math.max(1, p.height - 3),
    prefs: p.prefs ?? { sort: 'receivedAt', order: 'desc' },
    onPrefs: p.savePrefs,
    filterText: (m) => `${m.from} ${recipientsOf(m).join(' ')} ${m.subject}`,
    defaultSort: 'receivedAt',
  });
  const [open, setOpen] = useState<MailMessage | null>(null);
  const [raw, setRaw] = useState<string | null>(null);
  const [scroll, setScroll] = useState(0);
  /** The attachment `S` saves; `a` moves it. */
  const [att, setAtt] = useState(0);
  useEffect(() => dispatch({ type: 'capture', on: grid.filtering }), [grid.filtering, dispatch]);
  useEffect(() => {
    if (p.ui.mailTo !== null) {
      grid.setFilter(p.ui.mailTo);
      setOpen(null);
      dispatch({ type: 'mailTo', email: null });
    }
  }, [p.ui.mailTo]); // eslint-disable-line react-hooks/exhaustive-deps

  const readSelected = async () => {
    const m = grid.selected;
    if (!m) return;
    const r = await p.act.run(() => p.client.mail(m.id), () => '');
    if (r) {
      setOpen(r.mail);
      setRaw(null);
      setScroll(0);
      setAtt(0);
    }
  };

  const attachments = open?.attachments ?? [];
  const bodyHeight = Math.max(1, p.height - 6 - (attachments.length ? 1 : 0));
  const text = open ? (raw ?? (open.text || open.htmlText || '')) : '';
  const lines = open ? wrapLines(text, Math.max(10, p.width)) : [];

  useInput(
    (input, key) => {
      if (open) {
        const page = Math.max(1, bodyHeight - 1);
        const max = Math.max(0, lines.length - bodyHeight);
        if (key.escape || input === 'q') {
          if (raw !== null) setRaw(null);
          else setOpen(null);
        } else if (key.upArrow || input === 'k') setScroll((s) => Math.max(0, s - 1));
        else if (key.downArrow || input === 'j') setScroll((s) => Math.min(max, s + 1));
        else if (key.pageUp) setScroll((s) => Math.max(0, s - page));
        else if (key.pageDown || input === ' ') setScroll((s) => Math.min(max, s + page));
        else if (key.home) setScroll(0);
        else if (key.end) setScroll(max);
        else if (input === 'c') {
          if (open.links[0]) p.act.copy(open.links[0].url, open.links[0].kind === 'other' ? 'link' : `${open.links[0].kind} link`);
        } else if (input === 'R') {
          if (raw !== null) setRaw(null);
          else void p.act.run(() => p.client.rawMail(open.id), () => 'Raw source.').then((r) => r !== undefined && (setRaw(r), setScroll(0)));
        } else if (input === 'D' && p.act.mayChange()) confirmDelete(open);
        else if (input === 'a' && attachments.length) setAtt((i) => (i + 1) % attachments.length);
        else if (input === 'S' && attachments[att]) saveAttachment(open, att);
        return;
      }
      if (grid.handleKey(input, key)) return;
      const m = grid.selected;
      if (!m) return;
      if (key.return) void readSelected();
      else if (input === 'D' && p.act.mayChange()) confirmDelete(m);
      else if (input === 'c') void p.client.mail(m.id).then((r) => r.mail.links[0] && p.act.copy(r.mail.links[0].url, `${r.mail.links[0].kind} link`), () => {});
    },
    { isActive: p.active },
  );

  function saveAttachment(m: MailMessage, n: number) {
    const a = m.attachments[n];
    p.act.open({
      kind: 'input',
      title: 'Save attachment',
      label: 'Save to',
      initial: `./${basename(a.filename || `attachment-${n + 1}`)}`,
      hint: `${a.filename ?? 'unnamed'} · ${a.contentType} · ${bytes(a.size)} · an existing file is not overwritten`,
      submit: async (path) => {
        await p.act.run(
          async () => {
            const { content } = await p.client.attachment(m.id, n);
            await writeFile(path, content, { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
              throw new Error(e.code === 'EEXIST' ? `${path} already exists; choose another name.` : `Could not save to ${path}: ${e.message}`);
            });
          },
          () => `Saved ${bytes(a.size)} to ${path}.`,
        );
      },
    });
  }

  function confirmDelete(m: MailEntry) {
    p.act.open({
      kind: 'confirm',
      title: 'Delete message',
      message: `Delete "${m.subject}" to ${m.to.join(', ')}?`,
      confirmLabel: 'Delete',
      run: async () => {
        const ok = await p.act.run(() => p.client.deleteMail(m.id), () => 'Message deleted.');
        if (ok) {
          p.res.setMails((list) => list.filter((x) => x.id !== m.id));
          setOpen(null);
        }
      },
    });
  }

  if (open) {
    return (
      <Box flexDirection="column">
        <Text wrap="truncate" bold>{`Subject: ${open.subject}`}</Text>
        <Text wrap="truncate">{`From: ${open.from}  ·  To: ${open.to.join(', ')}${open.cc.length ? `  ·  Cc: ${open.cc.join(', ')}` : ''}${open.bcc.length ? `  ·  Bcc: ${open.bcc.join(', ')}` : ''}  ·  ${shortTime(open.date)}  ·  ${bytes(open.size)}`}</Text>
        {attachments.length ? (
          <Text wrap="truncate">
            {'Attachments: ' +
              attachments.map((a, i) => `${i === att ? '▸' : ' '}${a.filename ?? `attachment-${i + 1}`} (${a.contentType}, ${bytes(a.size)})`).join('  ')}
          </Text>
        ) : null}
        {open.links.slice(0, 2).map((l, i) => (
          <Text key={l.url} wrap="truncate" color={l.kind === 'other' ? undefined : t.accent} bold={l.kind !== 'other'}>
            {`[${i + 1}] ${l.kind === 'other' ? '' : `${l.kind} link: `}${l.url}`}
          </Text>
        ))}
        {open.links.length < 2 ? <Text>{open.links.length === 0 ? 'No links.' : ' '}</Text> : null}
        <Text color={t.muted} wrap="truncate">
          {raw !== null ? '── raw source ──' : `── ${open.text ? 'text' : 'HTML as text'} · ${open.links.length} link(s) ──`}
        </Text>
        {lines.slice(scroll, scroll + bodyHeight).map((l, i) => (
          <Text key={i} wrap="truncate">
            {l || ' '}
          </Text>
        ))}
        <Text color={t.muted} wrap="truncate">
          {`${Math.min(lines.length, scroll + 1)}-${Math.min(lines.length, scroll + bodyHeight)}/${lines.length}  ·  c copy link  ·  R raw  ·  D delete${attachments.length ? '  ·  a next attachment  ·  S save it' : ''}  ·  Esc back`}
        </Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" color={t.muted}>
        {`Captured mail: ${p.res.mails.length}  ·  Enter read  ·  c copy link  ·  D delete`}
      </Text>
      <GridView grid={grid} columns={MAIL_COLUMNS} width={p.width} empty={grid.filter ? 'No message matches.' : 'No mail captured yet.'} />
      <GridFooter grid={grid} total={p.res.mails.length} noun="messages" />
    </Box>
  );
}
