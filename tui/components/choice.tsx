// A one-line choice among options, changed with ← and →.
import { Text } from 'ink';
import { theme } from '../theme.js';

export function Choice<T extends string>({
  label,
  options,
  value,
  focused,
}: {
  label: string;
  options: readonly T[];
  value: T;
  focused: boolean;
}) {
  const t = theme();
  return (
    <Text wrap="truncate">
      <Text color={focused ? t.accent : undefined} bold={focused}>{`${focused ? '›' : ' '} ${label}: `}</Text>
      {options.map((o) => (
        <Text key={o} inverse={o === value && focused} bold={o === value} color={o === value ? t.accent : t.muted}>
          {` ${o} `}
        </Text>
      ))}
      {focused ? <Text color={t.muted}> ←/→</Text> : null}
    </Text>
  );
}

export function cycle<T>(options: readonly T[], value: T, delta: number): T {
  const i = options.indexOf(value);
  return options[(i + delta + options.length) % options.length];
}
