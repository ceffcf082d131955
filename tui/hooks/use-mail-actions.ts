// What the Mail screen's commands do: read, raw source, copy and list links, save attachments,
// delete. The reader's state (the open message, raw or text, scroll, chosen attachment) lives here.
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { useState } from 'react';
import type { MailMessage } from '../../src/client/api-client.js';
import type { MailEntry } from '../../src/domain/schemas.js';
import { bytes } from '../format.js';
import type { ScreenProps } from '../screens/screen-props.js';
import type { LinkItem } from '../ui-state.js';

export const linkLabel = (l: MailMessage['links'][number], i: number) =>
  `[${i + 1}] ${l.kind === 'other' ? 'link' : `${l.kind} link`}`;
export const linkItems = (m: MailMessage): LinkItem[] =>
  m.links.map((l, i) => ({ label: linkLabel(l, i), url: l.url }));

export function useMailActions(p: ScreenProps) {
  const { act, client } = p;
  const [open, setOpen] = useState<MailMessage | null>(null);
  const [raw, setRaw] = useState<string | null>(null);
  const [scroll, setScroll] = useState(0);
  /** The attachment `S` saves; `a` moves it. */
  const [att, setAtt] = useState(0);

  const read = (m: MailEntry) =>
    void act
      .run(
        () => client.mail(m.id),
        () => '',
      )
      .then((r) => {
        if (!r) return;
        setOpen(r.mail);
        setRaw(null);
        setScroll(0);
        setAtt(0);
      });

  const copyFirst = (m: MailMessage) => {
    const l = m.links[0];
    if (!l) return act.flash('This message has no links.', 'error');
    act.copy(l.url, l.kind === 'other' ? 'link' : `${l.kind} link`);
  };

  const saveAttachment = (m: MailMessage, n: number) => {
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
            const { content } = await client.attachment(m.id, n);
            await writeFile(path, content, { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
              throw new Error(
                e.code === 'EEXIST'
                  ? `${path} already exists; choose another name.`
                  : `Could not save to ${path}: ${e.message}`,
              );
            });
            return true;
          },
          () => `Saved ${bytes(a.size)} to ${path}.`,
        );
        return !!ok;
      },
    });
  };

  const confirmDelete = (m: MailEntry) =>
    act.open({
      kind: 'confirm',
      title: 'Delete message',
      message: `Delete "${m.subject}" to ${m.to.join(', ')}?`,
      confirmLabel: 'Delete',
      run: async () => {
        const ok = await act.runInDialog(
          () => client.deleteMail(m.id),
          () => 'Message deleted.',
        );
        if (!ok) return false;
        p.res.mails.invalidate(0);
        setOpen(null);
        return true;
      },
    });

  return {
    open,
    raw,
    scroll,
    att,
    setScroll,
    read,
    close: () => (raw !== null ? setRaw(null) : setOpen(null)),
    closeAll: () => setOpen(null),
    toggleRaw: (m: MailMessage) =>
      raw !== null
        ? setRaw(null)
        : void act
            .run(
              () => client.rawMail(m.id),
              () => '',
            )
            .then((r) => r !== undefined && (setRaw(r), setScroll(0))),
    copyFirst,
    copyOf: (m: MailEntry) =>
      void act
        .run(
          () => client.mail(m.id),
          () => '',
        )
        .then((r) => r && copyFirst(r.mail)),
    showLinks: (m: MailMessage) =>
      m.links.length
        ? act.open({ kind: 'link', title: `Links in "${m.subject}"`, links: linkItems(m), note: '' })
        : act.flash('This message has no links.', 'error'),
    nextAttachment: (m: MailMessage) => setAtt((i) => (i + 1) % Math.max(1, m.attachments.length)),
    saveAttachment,
    confirmDelete,
  };
}
