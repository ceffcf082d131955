// A pasted list of addresses as the CSV a bulk invite reads (no zod or CSV parser: the console loads it).
/**
 * A list pasted on one line ("a@x.org, b@y.org c@z.org") becomes one address per line; lines
 * that hold anything but addresses (names, profiles) are left as CSV rows.
 */
export function pastedToCsv(text: string): string {
  return text
    .split(/\r\n|\n|\r/)
    .flatMap((line) => {
      const tokens = line.split(/[\s,;]+/).filter(Boolean);
      return tokens.length > 1 && tokens.every((t) => t.includes('@')) ? tokens : [line];
    })
    .join('\n');
}
