// A one-line text field view: the value (masked if asked), a block cursor when focused.
import { Text } from 'ink';
import stringWidth from '../render-cache/string-width.js';
import type { FieldState } from '../input/text-field.js';
import { theme } from '../theme.js';

export function TextFieldView({
  field,
  focused,
  mask,
  placeholder,
  width,
}: {
  field: FieldState;
  focused: boolean;
  mask?: string;
  placeholder?: string;
  width?: number;
}) {
  const t = theme();
  let chars = Array.from(mask ? mask.repeat(Array.from(field.value).length) : field.value);
  let cursor = field.cursor;
  // Keep the cursor in sight when the value is wider than the field.
  if (width && width > 2) {
    let start = 0;
    const w = (from: number, to: number) => stringWidth(chars.slice(from, to).join(''));
    while (start < cursor && w(start, cursor) > width - 2) start++;
    chars = chars.slice(start);
    cursor -= start;
    let end = chars.length;
    while (end > cursor && stringWidth(chars.slice(0, end).join('')) > width - 1) end--;
    chars = chars.slice(0, end);
  }
  if (!field.value && placeholder && !focused) return <Text color={t.muted}>{placeholder}</Text>;
  if (!focused) return <Text>{chars.join('')}</Text>;
  const before = chars.slice(0, cursor).join('');
  const under = chars[cursor] ?? ' ';
  const after = chars.slice(cursor + 1).join('');
  return (
    <Text>
      {before}
      <Text inverse>{under}</Text>
      {after}
      {!field.value && placeholder ? <Text color={t.muted}>{placeholder}</Text> : null}
    </Text>
  );
}
