// Captured mail: the list, and a reader with headers, text, numbered links (activation first), raw.
import { Box, Text } from 'ink';
import { useEffect } from 'react';
import type { MailMessage } from '../../src/client/api-client.js';
import type { MailEntry } from '../../src/domain/schemas.js';
import { command, commandFor } from '../commands.js';
import { GridFooter, GridView } from '../components/grid.js';
import { bytes, shortTime, textWidth, wrap } from '../format.js';
import type { Column } from '../hooks/use-grid.js';
import { useWindowGrid } from '../hooks/use-window-grid.js';
import { linkLabel, useMailActions } from '../hooks/use-mail-actions.js';
import { LAYER, useKeys } from '../input/key-router.js';
import { theme } from '../theme.js';
import { allowed, useOptions, type ScreenProps } from './screen-props.js';

export const MAIL_COLUMNS: Column<MailEntry>[] = [
  {
    key: 'receivedAt',
    title: 'Received',
    min: 11,
    get: (m) => shortTime(m.receivedAt),
    sortValue: (m) => m.receivedAt,
  },
  { key: 'to', title: 'To', min: 12, grow: 2, get: (m) => m.to.join(', ') },
  { key: 'subject', title: 'Subject', min: 12, grow: 3, get: (m) => m.subject },
  { key: 'from', title: 'From', min: 10, grow: 1, get: (m) => m.from },
];

export function MailScreen(p: ScreenProps) {
  const t = theme();
  const { dispatch } = p;
  // The server filters (from, recipients, subject; `to:` a recipient), sorts and counts.
  const grid = useWindowGrid(p.res.mails, MAIL_COLUMNS, {
    height: Math.max(1, p.height - 3),
    width: p.width,
    prefs: p.prefs ?? { sort: 'receivedAt', order: 'desc' },
    onPrefs: p.savePrefs,
    defaultSort: 'receivedAt',
    defaultOrder: 'desc',
    enabled: p.active,
  });
  const mail = useMailActions(p);
  const { open, raw, scroll, att, setScroll } = mail;
  useEffect(() => {
    if (p.ui.mailTo !== null) {
      grid.setFilter(`to:${p.ui.mailTo}`);
      mail.closeAll();
      dispatch({ type: 'mailTo', email: null });
    }
  }, [p.ui.mailTo]); // eslint-disable-line react-hooks/exhaustive-deps

  const urlLines = open?.links[0] ? 1 + Math.ceil(textWidth(open.links[0].url) / Math.max(1, p.width)) : 1;
  const attachments = open?.attachments ?? [];
  const headerLines = open
    ? 3 + urlLines + (open.cc.length || open.bcc.length ? 1 : 0) + (attachments.length ? 1 : 0)
    : 0;
  const bodyHeight = Math.max(1, p.height - headerLines);
  const text = open ? (raw ?? (open.text || open.htmlText || '')) : '';
  const lines = open
    ? text
        .replace(/\r/g, '')
        .split('\n')
        .flatMap((l) => (l ? wrap(l, Math.max(10, p.width)) : ['']))
    : [];

  const available = (id: string) => {
    if ((id === 'reader.attachment' || id === 'reader.save') && !attachments.length)
      return 'This message has no attachments.';
    return open || grid.selected ? true : 'No message is selected.';
  };
  useOptions(p, 'mail', open ? 'reader' : 'mail', available);

  const readerKey = (m: MailMessage, input: string, key: Parameters<typeof commandFor>[2]) => {
    const page = Math.max(1, bodyHeight - 1);
    const max = Math.max(0, lines.length - bodyHeight);
    const id = commandFor('reader', input, key);
    if (id && !allowed(p, command(id).changes, available(id))) return;
    switch (id) {
      case 'reader.back':
        return mail.close();
      case 'reader.copy':
        return mail.copyFirst(m);
      case 'reader.links':
        return mail.showLinks(m);
      case 'reader.raw':
        return mail.toggleRaw(m);
      case 'reader.delete':
        return mail.confirmDelete(m);
      case 'reader.attachment':
        return mail.nextAttachment(m);
      case 'reader.save':
        return mail.saveAttachment(m, att);
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
      if (id === 'mail.read') mail.read(m);
      else if (id === 'mail.delete') mail.confirmDelete(m);
      else if (id === 'mail.copy') mail.copyOf(m);
    },
    p.active,
  );

  if (open) {
    const first = open.links[0];
    const extra = [
      open.cc.length ? `Cc: ${open.cc.join(', ')}` : '',
      open.bcc.length ? `Bcc: ${open.bcc.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('  ·  ');
    return (
      <Box flexDirection="column">
        <Text wrap="truncate" bold>{`Subject: ${open.subject}`}</Text>
        <Text wrap="truncate">{`From: ${open.from}  ·  To: ${open.to.join(', ')}  ·  ${shortTime(open.date)}  ·  ${bytes(open.size)}`}</Text>
        {extra ? <Text wrap="truncate">{extra}</Text> : null}
        {attachments.length ? (
          <Text wrap="truncate">
            {'Attachments: ' +
              attachments
                .map(
                  (a, i) =>
                    `${i === att ? '▸' : ' '}${a.filename ?? `attachment-${i + 1}`} (${a.contentType}, ${bytes(a.size)})`,
                )
                .join('  ')}
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
          {raw !== null
            ? '── raw source ──'
            : `── ${open.text ? 'text' : 'HTML as text'} · ${open.links.length} link(s) · ${Math.min(lines.length, scroll + 1)}-${Math.min(lines.length, scroll + bodyHeight)}/${lines.length} ──`}
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
        {`Captured mail: ${grid.baseTotal ?? grid.view.length}`}
      </Text>
      <GridView
        grid={grid}
        width={p.width}
        empty={grid.loading ? 'Loading…' : grid.filter ? 'No message matches.' : 'No mail captured yet.'}
      />
      <GridFooter grid={grid} total={grid.baseTotal ?? grid.view.length} noun="messages" />
    </Box>
  );
}
