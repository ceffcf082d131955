// Bulk invite (`I`): a CSV file or a pasted list, a preview of what would happen, then one confirm.
import { Box, Text } from 'ink';
import { useReducer } from 'react';
import type { ImportPreview, ImportResponse } from '../../src/domain/bulk-import.js';
import { LAYER, SAME, useKeys } from '../input/key-router.js';
import { useTextField } from '../input/text-field.js';
import { placeholder, theme } from '../theme.js';
import { dialogWidth, Frame } from './dialogs.js';
import { TextFieldView } from './text-field.js';

/** Where the list comes from, and how the dialog reaches the server (kept out of the view). */
export interface ImportSource {
  /** The text to import: the file's content when `value` names a readable file, else `value` as a pasted list. */
  read(value: string): Promise<{ text: string; label: string }>;
  preview(text: string, inviteFirst?: number): Promise<ImportResponse>;
  apply(text: string, inviteFirst?: number): Promise<ImportResponse>;
}

type State =
  | { step: 'source'; value: string; error: string | null; busy: boolean }
  | {
      step: 'preview';
      text: string;
      label: string;
      preview: ImportPreview;
      inviteFirst?: number;
      onOk: boolean;
      scroll: number;
      busy: boolean;
      error: string | null;
    };

type Action =
  | { type: 'edit'; value: string }
  | { type: 'busy' }
  | { type: 'failed'; error: string }
  | { type: 'previewed'; text: string; label: string; preview: ImportPreview; inviteFirst?: number }
  | { type: 'toggle' }
  | { type: 'scroll'; by: number };

function reducer(s: State, a: Action): State {
  switch (a.type) {
    case 'edit':
      return s.step === 'source' ? { ...s, value: a.value, error: null } : s;
    case 'busy':
      return { ...s, busy: true, error: null };
    case 'failed':
      return { ...s, busy: false, error: a.error };
    case 'previewed':
      return {
        step: 'preview',
        text: a.text,
        label: a.label,
        preview: a.preview,
        inviteFirst: a.inviteFirst,
        onOk: false,
        scroll: 0,
        busy: false,
        error: null,
      };
    case 'toggle':
      return s.step === 'preview' ? { ...s, onOk: !s.onOk } : s;
    case 'scroll':
      return s.step === 'preview' ? { ...s, scroll: Math.max(0, s.scroll + a.by) } : s;
  }
}

/** The problems of a preview as lines: invalid rows first, then duplicates, each with its line and reason. */
export function problemLines(p: ImportPreview): string[] {
  return [...p.invalid, ...p.duplicates].sort((a, b) => a.line - b.line).map((x) => `line ${x.line}: ${x.reason}`);
}

/** The confirm button: what pressing it does, in numbers. */
export function importAction(p: ImportPreview): { label: string; inviteFirst?: number } | null {
  if (p.toInvite.length) return { label: `Invite ${p.toInvite.length}` };
  if (!p.seats.enough && p.seats.available > 0 && p.valid.length)
    return { label: `Invite first ${p.seats.available}`, inviteFirst: p.seats.available };
  return null;
}

export function ImportDialog(props: {
  width: number;
  height: number;
  source: ImportSource;
  onDone: (r: ImportResponse) => void;
  onCancel: () => void;
}) {
  const t = theme();
  const [s, dispatch] = useReducer(reducer, { step: 'source', value: '', error: null, busy: false } as State);
  const listRows = Math.max(1, props.height - 12);

  const preview = async (text: string, label: string, inviteFirst?: number) => {
    dispatch({ type: 'busy' });
    try {
      const r = await props.source.preview(text, inviteFirst);
      dispatch({ type: 'previewed', text, label, preview: r.preview, inviteFirst });
    } catch (e) {
      dispatch({ type: 'failed', error: (e as Error).message });
    }
  };

  const field = useTextField('');
  const read = async (v: string) => {
    if (!v.trim() || s.busy) return;
    dispatch({ type: 'busy' });
    try {
      const { text, label } = await props.source.read(v.trim());
      await preview(text, label);
    } catch (e) {
      dispatch({ type: 'failed', error: (e as Error).message });
    }
  };

  // Modal: the console's key router gives this dialog every key while it is open.
  useKeys(LAYER.dialog, (input, key) => {
    if (key.escape) return props.onCancel();
    if (s.step === 'source') {
      if (key.return) return void read(field.latest());
      if (!s.busy && field.handle(input, key)) return SAME;
      return;
    }
    if (s.busy) return;
    if (key.leftArrow || key.rightArrow || key.tab) dispatch({ type: 'toggle' });
    else if (key.upArrow || input === 'k') dispatch({ type: 'scroll', by: -1 });
    else if (key.downArrow || input === 'j') dispatch({ type: 'scroll', by: 1 });
    else if (key.return) {
      const act = importAction(s.preview);
      if (!s.onOk || !act) return props.onCancel();
      if (act.inviteFirst !== undefined && s.inviteFirst === undefined)
        return void preview(s.text, s.label, act.inviteFirst); // show the smaller plan first
      dispatch({ type: 'busy' });
      props.source
        .apply(s.text, s.inviteFirst)
        .then(props.onDone, (e: Error) => dispatch({ type: 'failed', error: e.message }));
    }
  });

  if (s.step === 'source') {
    return (
      <Frame title="Import users" width={props.width} footer="Enter previews (nothing is invited yet) · Esc cancels">
        <Box>
          <Text>File or addresses: </Text>
          <TextFieldView
            field={field}
            focused
            placeholder={placeholder('users.csv, or a@x.org b@y.org')}
            width={dialogWidth(props.width) - 24}
          />
        </Box>
        <Text color={t.muted} wrap="wrap">
          CSV rows: email[,first name,last name,user profile,admin profile]; a header row may name the columns.
        </Text>
        {s.busy ? <Text color={t.muted}>Reading…</Text> : null}
        {s.error ? (
          <Text color={t.danger} wrap="wrap">
            {s.error}
          </Text>
        ) : null}
      </Frame>
    );
  }

  const p = s.preview;
  const problems = problemLines(p);
  const top = Math.min(s.scroll, Math.max(0, problems.length - listRows));
  const act = importAction(p);
  const seats = p.seats.enough
    ? `Seats: ${p.seats.needed} needed, ${p.seats.available} free`
    : `Seats: ${p.seats.needed} needed, ${p.seats.available} free: ${p.seats.missing} missing`;
  const button = (label: string, active: boolean, danger = false) => (
    <Text inverse={active} bold={active} color={danger ? t.danger : undefined}>{` ${label} `}</Text>
  );
  return (
    <Frame
      title={`Import users · ${s.label} · ${p.rows} rows`}
      width={props.width}
      footer={`←/→ choose · ↑/↓ scroll problems · Enter · Esc cancels`}
    >
      <Text wrap="truncate">
        <Text color={t.ok}>{`Valid ${p.valid.length}`}</Text>
        {' · '}
        <Text color={p.invalid.length ? t.danger : undefined}>{`Invalid ${p.invalid.length}`}</Text>
        {' · '}
        <Text color={p.duplicates.length ? t.warn : undefined}>{`Duplicates ${p.duplicates.length}`}</Text>
      </Text>
      <Text wrap="truncate" color={p.seats.enough ? undefined : t.danger}>
        {seats}
      </Text>
      {p.note ? (
        <Text wrap="wrap" color={t.muted}>
          {p.note}
        </Text>
      ) : null}
      {problems.slice(top, top + listRows).map((line) => (
        <Text key={line} wrap="truncate" color={t.muted}>
          {line}
        </Text>
      ))}
      {problems.length > listRows ? (
        <Text
          color={t.muted}
        >{`${top + 1}-${Math.min(problems.length, top + listRows)} of ${problems.length} problems`}</Text>
      ) : null}
      {s.error ? (
        <Text color={t.danger} wrap="wrap">
          {s.error}
        </Text>
      ) : null}
      <Box marginTop={1} gap={2}>
        {button('Cancel', !s.onOk)}
        {act ? button(act.label, s.onOk, true) : <Text color={t.muted}>Nothing to invite.</Text>}
        {s.busy ? <Text color={t.muted}>Working…</Text> : null}
      </Box>
    </Frame>
  );
}
