// The console's dialogs: confirm (starts on Cancel), link (copy with c), help, details, input.
import { Table } from '@alcalzone/ink-table';
import { Box, Text, useInput } from 'ink';
import TextInput from 'ink-text-input';
import { useState, type ReactNode } from 'react';
import type { PublicUser } from '../../src/domain/schemas.js';
import { shortTime } from '../format.js';
import { GLOBAL_KEYS, GRID_KEYS, SCREEN_KEYS, type Binding, type TabId } from '../keys.js';
import { theme } from '../theme.js';

export function Frame({ title, width, children, footer }: { title: string; width: number; children: ReactNode; footer: string }) {
  const t = theme();
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={t.accent} paddingX={1} width={Math.min(width, 100)}>
      <Text bold color={t.accent} wrap="truncate">
        {title}
      </Text>
      {children}
      <Text color={t.muted} wrap="truncate">
        {footer}
      </Text>
    </Box>
  );
}

export function ConfirmDialog(props: { title: string; message: string; confirmLabel: string; width: number; onConfirm: () => void; onCancel: () => void }) {
  const t = theme();
  const [onOk, setOnOk] = useState(false); // confirm dialogs start on Cancel
  useInput((input, key) => {
    if (key.escape) props.onCancel();
    else if (key.leftArrow || key.rightArrow || key.tab || input === 'h' || input === 'l') setOnOk((v) => !v);
    else if (key.return) (onOk ? props.onConfirm : props.onCancel)();
  });
  const button = (label: string, active: boolean, danger = false) => (
    <Text inverse={active} bold={active} color={danger ? t.danger : undefined}>{` ${label} `}</Text>
  );
  return (
    <Frame title={props.title} width={props.width} footer="←/→ choose · Enter · Esc cancels">
      <Text wrap="wrap">{props.message}</Text>
      <Box marginTop={1} gap={2}>
        {button('Cancel', !onOk)}
        {button(props.confirmLabel, onOk, true)}
      </Box>
    </Frame>
  );
}

export function LinkDialog(props: { title: string; link: string; note: string; width: number; onCopy: () => void; onClose: () => void }) {
  const t = theme();
  useInput((input, key) => {
    if (input === 'c') props.onCopy();
    else if (key.escape || key.return || input === 'q') props.onClose();
  });
  return (
    <Frame title={props.title} width={props.width} footer="c copy (OSC 52) · Enter/Esc close">
      <Text color={t.accent} wrap="wrap">
        {props.link}
      </Text>
      {props.note ? (
        <Text color={t.muted} wrap="wrap">
          {props.note}
        </Text>
      ) : null}
    </Frame>
  );
}

export function HelpDialog(props: { tab: TabId; readOnly: boolean; width: number; onClose: () => void }) {
  const t = theme();
  useInput(() => props.onClose());
  const inner = Math.min(props.width, 100) - 4;
  const twoColumns = inner >= 70;
  const colWidth = twoColumns ? Math.floor(inner / 2) - 1 : inner;
  const section = (title: string, keys: Binding[]) => {
    const pad = Math.max(...keys.map((k) => k.keys.length)) + 1;
    return (
      <Box flexDirection="column" flexShrink={0}>
        <Text bold>{title}</Text>
        {keys.map((k) => (
          <Text key={k.keys} wrap="truncate" color={props.readOnly && k.changes ? t.muted : undefined}>
            {`${k.keys.padEnd(pad)} ${k.does}${props.readOnly && k.changes ? ' (off)' : ''}`}
          </Text>
        ))}
      </Box>
    );
  };
  return (
    <Frame title={`Keys · ${props.tab}${props.readOnly ? ' · read-only' : ''}`} width={props.width} footer="any key closes">
      <Box flexDirection={twoColumns ? 'row' : 'column'} flexShrink={0}>
        <Box width={colWidth} marginRight={2} flexDirection="column" flexShrink={0}>
          {section('This screen', SCREEN_KEYS[props.tab])}
        </Box>
        <Box width={colWidth} flexDirection="column" flexShrink={0}>
          {props.tab !== 'settings' ? section('Lists', GRID_KEYS) : null}
          {section('Everywhere', GLOBAL_KEYS)}
        </Box>
      </Box>
    </Frame>
  );
}

export function DetailsDialog({ user, width, onClose }: { user: PublicUser; width: number; onClose: () => void }) {
  useInput((input, key) => {
    if (key.escape || key.return || input === 'q') onClose();
  });
  const rows: [string, string][] = [
    ['Email', user.email],
    ['Name', `${user.firstName} ${user.lastName}`.trim() || '—'],
    ['Status', user.status],
    ['User profile', user.userProfile],
    ['Admin profile', user.adminProfile ?? '—'],
    ['Created', shortTime(user.createdAt)],
    ['Activated', shortTime(user.activatedAt)],
    ['Last login', shortTime(user.lastLoginAt)],
    ['Deactivated', shortTime(user.deactivatedAt)],
  ];
  const projectName = (id: string) => (id === 'sample-project' ? 'Sample Project' : id);
  // A small, static table: the table package draws it (the big grids are our own, windowed).
  const projects = [
    ...user.projects.map((p) => ({ Project: projectName(p.projectId), Profile: p.profile, Membership: 'member' })),
    ...user.suspendedProjects.map((p) => ({ Project: projectName(p.projectId), Profile: p.profile, Membership: 'removed (restored on reactivation)' })),
  ];
  return (
    <Frame title={`User · ${user.email}`} width={width} footer="Enter/Esc close">
      {rows.map(([k, v]) => (
        <Text key={k} wrap="truncate">
          <Text bold>{k.padEnd(14)}</Text>
          {v}
        </Text>
      ))}
      {projects.length ? <Table data={projects} header={TableHeader} /> : <Text>Projects: none</Text>}
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

export function InputDialog(props: { title: string; label: string; initial: string; hint: string; width: number; onSubmit: (v: string) => void; onCancel: () => void }) {
  const t = theme();
  const [value, setValue] = useState(props.initial);
  useInput((_i, key) => {
    if (key.escape) props.onCancel();
  });
  return (
    <Frame title={props.title} width={props.width} footer="Enter saves · Esc cancels">
      <Box>
        <Text>{props.label}: </Text>
        <TextInput value={value} onChange={setValue} onSubmit={() => props.onSubmit(value)} />
      </Box>
      <Text color={t.muted} wrap="wrap">
        {props.hint}
      </Text>
    </Frame>
  );
}
