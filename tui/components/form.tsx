// A small stacked form of text fields (login, setup): Tab/↑↓ move, Enter goes on or submits.
import { Box, Text, useInput } from 'ink';
import TextInput from 'ink-text-input';
import { useState } from 'react';
import { placeholder, theme } from '../theme.js';

export interface FormField {
  label: string;
  mask?: boolean;
  placeholder?: string;
}

export function Form(props: { title: string; intro: string; fields: FormField[]; busy: boolean; error: string | null; notice?: string | null; onSubmit: (values: string[]) => void; width: number }) {
  const t = theme();
  const [values, setValues] = useState(() => props.fields.map(() => ''));
  const [focus, setFocus] = useState(0);
  const n = props.fields.length;
  useInput((_input, key) => {
    if (key.tab || key.downArrow) setFocus((f) => (f + (key.shift ? n - 1 : 1)) % n);
    else if (key.upArrow) setFocus((f) => (f + n - 1) % n);
  });
  const submit = () => {
    if (props.busy) return;
    if (focus < n - 1) setFocus(focus + 1);
    else props.onSubmit(values);
  };
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={t.accent} paddingX={2} paddingY={1} width={Math.min(props.width, 70)}>
      <Text bold color={t.accent}>
        {props.title}
      </Text>
      <Text wrap="wrap">{props.intro}</Text>
      {props.fields.map((f, i) => (
        <Box key={f.label} marginTop={i === 0 ? 1 : 0}>
          <Text color={focus === i ? t.accent : undefined} bold={focus === i}>{`${focus === i ? '›' : ' '} ${f.label.padEnd(16)}`}</Text>
          <TextInput
            value={values[i]}
            onChange={(v) => setValues((old) => old.map((x, j) => (j === i ? v : x)))}
            onSubmit={submit}
            focus={focus === i}
            mask={f.mask ? '•' : undefined}
            placeholder={f.placeholder && placeholder(f.placeholder)}
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
        <Text color={t.muted}>{props.busy ? 'Working…' : 'Tab/↑↓ move · Enter next/submit · Ctrl+C quits'}</Text>
      </Box>
    </Box>
  );
}
