// Colours, off when NO_COLOR is set (https://no-color.org).
const noColor = (): boolean => 'NO_COLOR' in process.env && process.env.NO_COLOR !== '';

export interface Theme {
  accent?: string;
  muted?: string;
  danger?: string;
  ok?: string;
  warn?: string;
  selectBg?: string;
  selectFg?: string;
  inverse: boolean;
}

/** Text fields draw placeholders in grey: offer one only when colours are allowed. */
export const placeholder = (text: string): string | undefined => (noColor() ? undefined : text);

export function theme(): Theme {
  if (noColor()) return { inverse: true };
  return {
    accent: 'cyan',
    muted: 'gray',
    danger: 'red',
    ok: 'green',
    warn: 'yellow',
    selectBg: 'blue',
    selectFg: 'white',
    inverse: false,
  };
}
