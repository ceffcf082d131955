// Captured mail: the list, and a reader with headers, text, numbered links (activation first), raw.
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import type { MailMessage } from '../../src/client/api-client.js';
import { recipientsOf } from '../../src/domain/mail.js';
import type { MailEntry } from '../../src/domain/schemas.js';
import { command, commandFor } from '../commands.js';
import { GridFooter, GridView } from '../components/grid.js';
import { bytes, shortTime, textWidth, wrap } from '../format.js';
import { useGrid, type Column } from '../hooks/use-grid.js';
import { LAYER, useKeys } from '../input/key-router.js';
import { theme } from '../theme.js';
import type { LinkItem } from '../ui-state.js';
import { allowed, useOptions, type ScreenProps } from './screen-props.js';

export const MAIL_COLUMNS: Column<MailEntry>[] = [
  { key: 'receivedAt', title: 'Received', min: 11, get: (m) => shortTime(m.receivedAt), sortValue: (m) => m.receivedAt },
  { key: 'to', title: 'To', min: 12, grow: 2, get: (m) => m.to.join(', ') },
  { key: 'subject', title: 'Subject', min: 12, grow: 3, get: (m) => m.subject },
  { key: 'from', title: 'From', min: 10, grow: 1, get: (m) => m.from },
];

const linkLabel = (l: MailMessage['links'][number], i: number) => `[${i + 1}] ${l.kind === 'other' ? 'link' : `${l.kind} link`}`;
export const linkItems = (m: MailMessage): LinkItem[] => m.links.map((l, i) => ({ label: linkLabel(l, i), url: l.url }));

export function MailScreen(p: ScreenProps) {
  const t = theme();
  const { dispatch, act } = p;
  const grid = useGrid(p.res.mails, MAIL_COLUMNS, {
    height: Math.max(1, p.height - 3),
    width: p.width,
    prefs: p.prefs ?? { sort: 'receivedAt', order: 'desc' },
    onPrefs: p.savePrefs,
    filterText: (m) => `${m.from} ${recipientsOf(m).join(' ')} ${m.subject}`,
    fields: { to: (m) => recipientsOf(m).join(' '), from: (m) => m.from, subject: (m) => m.subject },
    defaultSort: 'receivedAt',
    tie: 'to',
  });
  const [open, setOpen] = useState<MailMessage | null>(null);
  const [raw, setRaw] = useState<string | null>(null);
  const [scroll, setScroll] = useState(0);
  /** The attachment `S` saves; `a` moves it. */
  const [att, setAtt] = useState(0);
  useEffect(() => {
    if (p.ui.mailTo !== null) {
      grid.setFilter(`to:${p.ui.mailTo}`);
      setOpen(null);
      dispatch({ type: 'mailTo', email: null });
    }
  }, [p.ui.mailTo]); // eslint-disable-line react-hooks/exhaustive-deps

  const urlLines = open?.links[0] ? 1 + Math.ceil(textWidth(open.links[0].url) / Math.max(1, p.width)) : 1;
  const attachments = open?.attachments ?? [];
  const headerLines = open ? 3 + urlLines + (open.cc.length || open.bcc.length ? 1 : 0) + (attachments.length ? 1 : 0) : 0;
  const bodyHeight = Math.max(1, p.height - headerLines);
  const text = open ? (raw ?? (open.text || open.htmlText || '')) : '';
  const lines = open ? text.replace(/\r/g, '').split('\n').flatMap((l) => (l ? wrap(l, Math.max(10, p.width)) : [''])) : [];

  const available = (id: string) => {
    if ((id === 'reader.attachment' || id === 'reader.save') && !attachments.length) return 'This message has no attachments.';
    return open || grid.selected ? true : 'No message is selected.';
  };
  useOptions(p, 'mail', open ? 'reader' : 'mail', available);

  const copyFirst = (m: MailMessage) => {
    const l = m.links[0];
    if (!l) return act.flash('This message has no links.', 'error');
    act.copy(l.url, l.kind === 'other' ? 'link' : `${l.kind} link`);
  };

  const readerKey = (m: MailMessage, input: string, key: Parameters<typeof commandFor>[2]) => {
    const page = Math.max(1, bodyHeight - 1);
    const max = Math.max(0, lines.length - bodyHeight);
    const id = commandFor('reader', input, key);
    if (id && !allowed(p, command(id).changes, available(id))) return;
    switch (id) {
      case 'reader.back':
        return raw !== null ? setRaw(null) : setOpen(null);
      case 'reader.copy':
        return copyFirst(m);
      case 'reader.links':
        return m.links.length ? act.open({ kind: 'link', title: `Links in "${m.subject}"`, links: linkItems(m), note: '' }) : act.flash('This message has no links.', 'error');
      case 'reader.raw':
        if (raw !== null) return setRaw(null);
        return void act.run(() => p.client.rawMail(m.id), () => '').then((r) => r !== undefined && (setRaw(r), setScroll(0)));
      case 'reader.delete':
        return confirmDelete(m);
      case 'reader.attachment':
        return setAtt((i) => (i + 1) % attachments.length);
      case 'reader.save':
        return saveAttachment(m, att);
    }
    switch (commandFor('list', input, key)) {
      case 'up':
        return setScroll((s) => Math.max(0, s - 1));
      case 'down':
        return setScroll((s) => Math.min(max, s + 1));
      case 'pageUp':
        return setScroll((s) => Math.max(0, s - page));
      case 'pageDown':
        return setScroll((s) => Math.min(max, s + page));
      case 'halfUp':
        return setScroll((s) => Math.max(0, s - Math.ceil(page / 2)));
      case 'halfDown':
        return setScroll((s) => Math.min(max, s + Math.ceil(page / 2)));
      case 'top':
        return setScroll(0);
      case 'bottom':
        return setScroll(max);
    }
    if (input === ' ') return setScroll((s) => Math.min(max, s + page));
    return false;
  };

  useKeys(
    LAYER.screen,
    (input, key) => {
      if (open) return readerKey(open, input, key);
      const used = grid.handleKey(input, key);
      if (used !== false) return used;
      const id = commandFor('mail', input, key);
      const m = grid.selected;
      if (!id) return false;
      if (!allowed(p, command(id).changes, available(id)) || !m) return;
      if (id === 'mail.read')
        void act.run(() => p.client.mail(m.id), () => '').then((r) => {
          if (!r) return;
          setOpen(r.mail);
          setRaw(null);
          setScroll(0);
          setAtt(0);
        });
      else if (id === 'mail.delete') confirmDelete(m);
      else if (id === 'mail.copy') void act.run(() => p.client.mail(m.id), () => '').then((r) => r && copyFirst(r.mail));
    },
    p.active,
  );

  function saveAttachment(m: MailMessage, n: number) {
    const a = m.attachments[n];
    act.open({
      kind: 'input',
      title: 'Save attachment',
      label: 'Save to',
      initial: `./${basename(a.filename || `attachment-${n + 1}`)}`,
      hint: `${a.filename ?? 'unnamed'} · ${a.contentType} · ${bytes(a.size)} · an existing file is not overwritten`,
      submit: async (path) => {
        const ok = await act.runInDialog(
          async () => {
            const { content } = await p.client.attachment(m.id, n);
            await writeFile(path, content, { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
              throw new Error(e.code === 'EEXIST' ? `${path} already exists; choose another name.` : `Could not save to ${path}: ${e.message}`);
            });
            return true;
          },
          () => `Saved ${bytes(a.size)} to ${path}.`,
        );
        return !!ok;
      },
    });
  }

  function confirmDelete(m: MailEntry) {
    act.open({
      kind: 'confirm',
      title: 'Delete message',
      message: `Delete "${m.subject}" to ${m.to.join(', ')}?`,
      confirmLabel: 'Delete',
      run: async () => {
        const ok = await act.runInDialog(() => p.client.deleteMail(m.id), () => 'Message deleted.');
        if (!ok) return false;
        p.res.setMails((list) => list.filter((x) => x.id !== m.id));
        setOpen(null);
        return true;
      },
    });
  }

  if (open) {
    const first = open.links[0];
    const extra = [open.cc.length ? `Cc: ${open.cc.join(', ')}` : '', open.bcc.length ? `Bcc: ${open.bcc.join(', ')}` : ''].filter(Boolean).join('  ·  ');
    return (
      <Box flexDirection="column">
        <Text wrap="truncate" bold>{`Subject: ${open.subject}`}</Text>
        <Text wrap="truncate">{`From: ${open.from}  ·  To: ${open.to.join(', ')}  ·  ${shortTime(open.date)}  ·  ${bytes(open.size)}`}</Text>
        {extra ? <Text wrap="truncate">{extra}</Text> : null}
        {attachments.length ? (
          <Text wrap="truncate">
            {'Attachments: ' + attachments.map((a, i) => `${i === att ? '▸' : ' '}${a.filename ?? `attachment-${i + 1}`} (${a.contentType}, ${bytes(a.size)})`).join('  ')}
          </Text>
        ) : null}
        {first ? (
          <>
            <Text color={first.kind === 'other' ? undefined : t.accent} bold={first.kind !== 'other'} wrap="truncate">
              {`${linkLabel(first, 0)}${open.links.length > 1 ? ` (of ${open.links.length}; l lists them all)` : ''}:`}
            </Text>
            {/* On a line of its own, unframed: a mouse selection copies the link and nothing else. */}
            <Text>{first.url}</Text>
          </>
        ) : (
          <Text>No links.</Text>
        )}
        <Text color={t.muted} wrap="truncate">
          {raw !== null ? '── raw source ──' : `── ${open.text ? 'text' : 'HTML as text'} · ${open.links.length} link(s) · ${Math.min(lines.length, scroll + 1)}-${Math.min(lines.length, scroll + bodyHeight)}/${lines.length} ──`}
        </Text>
        {lines.slice(scroll, scroll + bodyHeight).map((l, i) => (
          <Text key={i} wrap="truncate">
            {l || ' '}
          </Text>
        ))}
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" color={t.muted}>
        {`Captured mail: ${p.res.mails.length}`}
      </Text>
      <GridView grid={grid} width={p.width} empty={grid.filter ? 'No message matches.' : 'No mail captured yet.'} />
      <GridFooter grid={grid} total={p.res.mails.length} noun="messages" />
    </Box>
  );
}
