// A small stacked form of text fields (login, setup): Tab/↑↓ move, Enter goes on or submits.
import { Box, Text } from 'ink';
import { useRef, useState } from 'react';
import { LAYER, SAME, useKeys } from '../input/key-router.js';
import { fieldKey, fieldOf, type FieldState } from '../input/text-field.js';
import { placeholder, theme } from '../theme.js';
import { TextFieldView } from './text-field.js';

export interface FormField {
  label: string;
  mask?: boolean;
  placeholder?: string;
  initial?: string;
}

export function Form(props: {
  title: string;
  intro: string;
  fields: FormField[];
  busy: boolean;
  error: string | null;
  notice?: string | null;
  onSubmit: (values: string[]) => void;
  width: number;
  focus?: number;
}) {
  const t = theme();
  const n = props.fields.length;
  // The latest values and focus, updated key by key: a chunk of keys ("secret\r") submits all of it.
  const latest = useRef({ values: props.fields.map((f) => fieldOf(f.initial ?? '')), focus: props.focus ?? 0 });
  const [state, setState] = useState(latest.current);
  const put = (s: typeof state) => {
    latest.current = s;
    setState(s);
  };
  useKeys(LAYER.screen, (input, key) => {
    const s = latest.current;
    if (key.tab || key.downArrow) put({ ...s, focus: (s.focus + (key.shift ? n - 1 : 1)) % n });
    else if (key.upArrow) put({ ...s, focus: (s.focus + n - 1) % n });
    else if (key.return) {
      if (props.busy) return;
      if (s.focus < n - 1) put({ ...s, focus: s.focus + 1 });
      else props.onSubmit(s.values.map((v) => v.value));
    } else {
      const next = fieldKey(s.values[s.focus], input, key);
      if (!next) return false;
      put({ ...s, values: s.values.map((v, i): FieldState => (i === s.focus ? next : v)) });
      return SAME;
    }
  });
  const boxWidth = Math.min(props.width, 70);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={t.accent} paddingX={2} paddingY={1} width={boxWidth}>
      <Text bold color={t.accent}>
        {props.title}
      </Text>
      <Text wrap="wrap">{props.intro}</Text>
      {props.fields.map((f, i) => (
        <Box key={f.label} marginTop={i === 0 ? 1 : 0}>
          <Text
            color={state.focus === i ? t.accent : undefined}
            bold={state.focus === i}
          >{`${state.focus === i ? '›' : ' '} ${f.label.padEnd(16)}`}</Text>
          <TextFieldView
            field={state.values[i]}
            focused={state.focus === i}
            mask={f.mask ? '•' : undefined}
            placeholder={f.placeholder && placeholder(f.placeholder)}
            width={boxWidth - 24}
          />
        </Box>
      ))}
      <Box marginTop={1} flexDirection="column">
        {props.error ? (
          <Text color={t.danger} wrap="wrap">
            {props.error}
          </Text>
        ) : null}
        {props.notice ? (
          <Text color={t.warn} wrap="wrap">
            {props.notice}
          </Text>
        ) : null}
        <Text color={t.muted}>
          {props.busy ? 'Working…' : 'Tab/↑↓ move · Enter next/submit · Ctrl+U clears · Ctrl+C quits'}
        </Text>
      </Box>
    </Box>
  );
}
