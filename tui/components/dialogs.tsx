// The console's dialogs: confirm (starts on Cancel), link (unframed, for mouse selection), help
// (read from the command table), user details, session and audit descriptions, input.
import { Table } from '@alcalzone/ink-table';
import { Box, Text } from 'ink';
import { useState, type ReactNode } from 'react';
import type { AuditEntry, MailDelivery, PublicSession, PublicUser } from '../../src/domain/schemas.js';
import { commandFor, inScope, keysLabel, SCOPE_TITLES, type Scope, type TabId } from '../commands.js';
import { fit, shortTime, textWidth, wrap } from '../format.js';
import { LAYER, SAME, useKeys } from '../input/key-router.js';
import { useTextField } from '../input/text-field.js';
import { theme } from '../theme.js';
import type { LinkItem } from '../ui-state.js';
import { Choice, cycle } from './choice.js';
import { TextFieldView } from './text-field.js';

export const dialogWidth = (width: number) => Math.min(width, 100);

export function Frame({
  title,
  width,
  children,
  footer,
  error,
  busy,
}: {
  title: string;
  width: number;
  children: ReactNode;
  footer: string;
  error?: string | null;
  busy?: boolean;
}) {
  const t = theme();
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={t.accent}
      paddingX={1}
      width={dialogWidth(width)}
      flexShrink={0}
    >
      <Text bold color={t.accent} wrap="truncate">
        {title}
      </Text>
      {children}
      {error ? (
        <Text color={t.danger} wrap="wrap">
          {error}
        </Text>
      ) : null}
      <Text color={t.muted} wrap="truncate">
        {busy ? 'Working…' : footer}
      </Text>
    </Box>
  );
}

export function ConfirmDialog(props: {
  title: string;
  message: string;
  confirmLabel: string;
  width: number;
  busy: boolean;
  error: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const t = theme();
  const [onOk, setOnOk] = useState(false); // confirm dialogs start on Cancel
  useKeys(LAYER.dialog, (input, key) => {
    if (props.busy) return;
    if (key.escape) props.onCancel();
    else if (key.leftArrow || key.rightArrow || key.tab || input === 'h' || input === 'l') setOnOk((v) => !v);
    else if (key.return) (onOk ? props.onConfirm : props.onCancel)();
  });
  const button = (label: string, active: boolean, danger = false) => (
    <Text inverse={active} bold={active} color={danger ? t.danger : undefined}>{` ${label} `}</Text>
  );
  return (
    <Frame
      title={props.title}
      width={props.width}
      footer="←/→ choose · Enter · Esc cancels"
      error={props.error}
      busy={props.busy}
    >
      <Text wrap="wrap">{props.message}</Text>
      <Box marginTop={1} gap={2}>
        {button('Cancel', !onOk)}
        {button(props.confirmLabel, onOk, true)}
      </Box>
    </Frame>
  );
}

/**
 * Links on lines of their own, with no border around them: at 80 columns a link fits the line,
 * and a mouse selection copies the link and nothing else.
 */
/** Where the mail carrying a link stands, in words. */
export function deliveryLine(d: MailDelivery): string {
  if (d.status === 'sent') return `Mailed to ${d.to} at ${d.sentAt?.slice(11, 19)} UTC.`;
  if (d.status === 'failed')
    return `The mail to ${d.to} could not be sent (${d.lastError ?? 'gave up'}); give the link to the user yourself.`;
  if (d.lastError)
    return `Mail to ${d.to} not sent yet (attempt ${d.attempts}: ${d.lastError}); retrying at ${d.nextAttemptAt?.slice(11, 19)} UTC.`;
  return `Mail to ${d.to} is queued; it goes out in the background.`;
}

export function LinkDialog(props: {
  title: string;
  links: LinkItem[];
  note: string;
  delivery?: MailDelivery;
  width: number;
  onCopy: (l: LinkItem) => void;
  onClose: () => void;
}) {
  const t = theme();
  const [chosen, setChosen] = useState(0);
  useKeys(LAYER.dialog, (input, key) => {
    if (input === 'c') props.onCopy(props.links[chosen]);
    else if (key.upArrow || input === 'k') setChosen((i) => Math.max(0, i - 1));
    else if (key.downArrow || input === 'j') setChosen((i) => Math.min(props.links.length - 1, i + 1));
    else if (key.escape || key.return || input === 'q') props.onClose();
  });
  return (
    <Box flexDirection="column" width={props.width} flexShrink={0}>
      <Text bold color={t.accent} wrap="truncate">
        {`── ${props.title} ──`}
      </Text>
      {props.links.map((l, i) => (
        <Box key={l.url + i} flexDirection="column" flexShrink={0}>
          <Text
            color={i === chosen ? t.accent : t.muted}
            bold={i === chosen}
            wrap="truncate"
          >{`${i === chosen && props.links.length > 1 ? '› ' : ''}${l.label}:`}</Text>
          <Text>{l.url}</Text>
        </Box>
      ))}
      {props.delivery ? (
        <Text
          color={
            props.delivery.status === 'failed' || props.delivery.lastError
              ? t.danger
              : props.delivery.status === 'sent'
                ? t.ok
                : t.muted
          }
          wrap="wrap"
        >
          {deliveryLine(props.delivery)}
        </Text>
      ) : props.note ? (
        <Text color={t.muted} wrap="wrap">
          {props.note}
        </Text>
      ) : null}
      <Text color={t.muted} wrap="truncate">
        {`c copy (OSC 52)${props.links.length > 1 ? ' · ↑↓ choose' : ''} · or select it with the mouse · Enter/Esc close`}
      </Text>
    </Box>
  );
}

/** The help screen's scopes for a tab: its own commands, then lists, fields and everywhere. */
export function helpScopes(tab: TabId): Scope[] {
  const own: Record<TabId, Scope[]> = {
    users: ['users'],
    sessions: ['sessions', 'history'],
    mail: ['mail', 'reader'],
    settings: ['settings'],
    audit: ['audit'],
  };
  return [...own[tab], ...(tab === 'settings' ? [] : (['list'] as Scope[])), 'global', 'field', 'dialog'];
}

/** The help text as lines of at most `cols` columns, each entry wrapped under its description. */
export function helpLines(
  tab: TabId,
  readOnly: boolean,
  cols: number,
): { text: string; bold?: boolean; off?: boolean }[] {
  const out: { text: string; bold?: boolean; off?: boolean }[] = [];
  for (const scope of helpScopes(tab)) {
    const cmds = inScope(scope);
    const pad = Math.min(14, Math.max(...cmds.map((c) => textWidth(keysLabel(c))))) + 1;
    if (out.length) out.push({ text: '' });
    out.push({ text: SCOPE_TITLES[scope], bold: true });
    for (const c of cmds) {
      const off = readOnly && !!c.changes;
      const keys = keysLabel(c);
      const desc = wrap(`${c.help}${off ? ' (off: read-only)' : ''}`, Math.max(10, cols - pad));
      if (textWidth(keys) >= pad) {
        out.push({ text: keys, off });
        desc.forEach((d) => out.push({ text: ' '.repeat(pad) + d, off }));
      } else desc.forEach((d, i) => out.push({ text: (i === 0 ? fit(keys, pad) : ' '.repeat(pad)) + d, off }));
    }
  }
  return out;
}

export function HelpDialog(props: {
  tab: TabId;
  readOnly: boolean;
  width: number;
  height: number;
  onClose: () => void;
}) {
  const t = theme();
  const inner = props.width - 4;
  const columns = inner >= 150 ? 2 : 1;
  const colWidth = Math.floor((inner - (columns - 1) * 3) / columns);
  const lines = helpLines(props.tab, props.readOnly, colWidth);
  // Two columns split between sections (at the blank line nearest the middle), never inside one.
  let split = lines.length;
  if (columns === 2)
    lines.forEach((l, i) => {
      if (!l.text && Math.abs(i - lines.length / 2) < Math.abs(split - lines.length / 2)) split = i;
    });
  const parts = columns === 2 ? [lines.slice(0, split), lines.slice(split + 1)] : [lines];
  const perColumn = Math.max(...parts.map((x) => x.length));
  const visible = Math.max(1, props.height - 4);
  const [scroll, setScroll] = useState(0);
  const max = Math.max(0, perColumn - visible);
  useKeys(LAYER.dialog, (input, key) => {
    const nav = commandFor('list', input, key);
    if (nav === 'down') setScroll((s) => Math.min(max, s + 1));
    else if (nav === 'up') setScroll((s) => Math.max(0, s - 1));
    else if (nav === 'pageDown' || nav === 'halfDown' || input === ' ')
      setScroll((s) => Math.min(max, s + visible - 1));
    else if (nav === 'pageUp' || nav === 'halfUp') setScroll((s) => Math.max(0, s - visible + 1));
    else if (nav === 'top') setScroll(0);
    else if (nav === 'bottom') setScroll(max);
    else props.onClose();
  });
  const more =
    perColumn > visible ? ` · ${scroll + 1}-${Math.min(perColumn, scroll + visible)}/${perColumn} ↑↓ scroll` : '';
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={t.accent}
      paddingX={1}
      width={props.width}
      flexShrink={0}
    >
      <Text
        bold
        color={t.accent}
        wrap="truncate"
      >{`Keys · ${props.tab}${props.readOnly ? ' · read-only' : ''}${more}`}</Text>
      <Box flexDirection="row" gap={3}>
        {Array.from({ length: columns }, (_x, ci) => (
          <Box key={ci} flexDirection="column" width={colWidth} flexShrink={0}>
            {parts[ci].slice(scroll, scroll + visible).map((l, i) => (
              <Text key={i} bold={l.bold} color={l.off ? t.muted : undefined} wrap="truncate">
                {l.text || ' '}
              </Text>
            ))}
          </Box>
        ))}
      </Box>
      <Text color={t.muted} wrap="truncate">
        Esc or any other key closes
      </Text>
    </Box>
  );
}

function Fields({ rows, width }: { rows: [string, string][]; width: number }) {
  const pad = Math.max(...rows.map(([k]) => textWidth(k))) + 2;
  return (
    <>
      {rows.map(([k, v]) => (
        <Box key={k} width={dialogWidth(width) - 4}>
          <Box width={pad} flexShrink={0}>
            <Text bold>{k}</Text>
          </Box>
          <Text wrap="wrap">{v}</Text>
        </Box>
      ))}
    </>
  );
}

const useCloseKeys = (onClose: () => void) =>
  useKeys(LAYER.dialog, (input, key) => {
    if (key.escape || key.return || input === 'q') onClose();
  });

export function DetailsDialog({
  user,
  width,
  emailOf,
  mail = [],
  onClose,
}: {
  user: PublicUser;
  width: number;
  emailOf: (id: string | null) => string;
  /** The newest messages Seatdesk sent the user, and where each stands (followed live). */
  mail?: MailDelivery[];
  onClose: () => void;
}) {
  useCloseKeys(onClose);
  const rows: [string, string][] = [
    ['Email', user.email],
    ['Name', `${user.firstName} ${user.lastName}`.trim() || '—'],
    ['Status', user.status],
    ['User profile', user.userProfile],
    ['Admin profile', user.adminProfile ?? '—'],
    ['Created', `${shortTime(user.createdAt)}${user.invitedBy ? ` by ${emailOf(user.invitedBy)}` : ''}`],
    ['Activated', shortTime(user.activatedAt)],
    ['Last login', shortTime(user.lastLoginAt)],
    ['Deactivated', shortTime(user.deactivatedAt)],
  ];
  const projectName = (id: string) => (id === 'sample-project' ? 'Sample Project' : id);
  // A small, static table: the table package draws it (the big grids are our own, windowed).
  const projects = [
    ...user.projects.map((p) => ({ Project: projectName(p.projectId), Profile: p.profile, Membership: 'member' })),
    ...user.suspendedProjects.map((p) => ({
      Project: projectName(p.projectId),
      Profile: p.profile,
      Membership: 'removed (restored on reactivation)',
    })),
  ];
  return (
    <Frame title={`User · ${user.email}`} width={width} footer="Enter/Esc close">
      <Fields rows={rows} width={width} />
      {projects.length ? <Table data={projects} header={TableHeader} /> : <Text>Projects: none</Text>}
      {mail.slice(0, 3).map((m) => (
        <Text key={m.id} wrap="truncate">{`Mail "${m.subject}": ${deliveryLine(m)}`}</Text>
      ))}
    </Frame>
  );
}

export function SessionDialog({
  session: s,
  width,
  emailOf,
  own,
  onClose,
}: {
  session: PublicSession;
  width: number;
  emailOf: (id: string | null) => string;
  own: boolean;
  onClose: () => void;
}) {
  useCloseKeys(onClose);
  const rows: [string, string][] = [
    ['Session id', `${s.id}${own ? " (this console's own)" : ''}`],
    ['User', s.email],
    ['Client', s.client],
    ['Client id', s.clientId ?? '—'],
    ['Address', s.address],
    ['User agent', s.userAgent || '—'],
    ['Started', shortTime(s.startedAt)],
    ['Last activity', shortTime(s.lastActivityAt)],
  ];
  if (s.endedAt) {
    rows.push(['Ended', shortTime(s.endedAt)], ['Reason', s.endReason ?? '—']);
    if (s.endedBy) rows.push(['Ended by', emailOf(s.endedBy)]);
  }
  return (
    <Frame title={`Session · ${s.email} · ${s.client}`} width={width} footer="Enter/Esc close">
      <Fields rows={rows} width={width} />
    </Frame>
  );
}

export function AuditDialog({ entry: e, width, onClose }: { entry: AuditEntry; width: number; onClose: () => void }) {
  useCloseKeys(onClose);
  const rows: [string, string][] = [
    ['When', new Date(e.at).toLocaleString()],
    ['Who', e.actorEmail ?? 'system'],
    ['Did', e.action],
    ['To whom', e.targetEmail ?? '—'],
    ...Object.entries(e.detail).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  ];
  return (
    <Frame title={`Audit · ${e.action}`} width={width} footer="Enter/Esc close">
      <Fields rows={rows} width={width} />
    </Frame>
  );
}

/** The table's header cell: bold, and blue only when colours are allowed. */
function TableHeader({ children }: { children?: ReactNode }) {
  return (
    <Text bold color={theme().accent}>
      {children}
    </Text>
  );
}

export function InputDialog(props: {
  title: string;
  label: string;
  initial: string;
  hint: string;
  choices?: string[];
  width: number;
  busy: boolean;
  error: string | null;
  onSubmit: (v: string) => void;
  onCancel: () => void;
}) {
  const t = theme();
  const field = useTextField(props.initial);
  const [choice, setChoice] = useState(
    props.choices?.includes(props.initial) ? props.initial : (props.choices?.[0] ?? ''),
  );
  useKeys(LAYER.dialog, (input, key) => {
    if (props.busy) return;
    if (key.escape) props.onCancel();
    else if (key.return) props.onSubmit(props.choices ? choice : field.latest());
    else if (props.choices) {
      if (key.leftArrow || key.rightArrow) setChoice((v) => cycle(props.choices!, v, key.leftArrow ? -1 : 1));
    } else if (field.handle(input, key)) return SAME;
  });
  return (
    <Frame
      title={props.title}
      width={props.width}
      footer={props.choices ? '←/→ choose · Enter saves · Esc cancels' : 'Enter saves · Ctrl+U clears · Esc cancels'}
      error={props.error}
      busy={props.busy}
    >
      {props.choices ? (
        <Choice label={props.label} options={props.choices} value={choice} focused />
      ) : (
        <Box>
          <Text>{props.label}: </Text>
          <TextFieldView field={field} focused width={dialogWidth(props.width) - 6 - textWidth(props.label)} />
        </Box>
      )}
      <Text color={t.muted} wrap="wrap">
        {props.hint}
      </Text>
    </Frame>
  );
}
