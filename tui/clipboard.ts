// Copy to the clipboard with OSC 52: the terminal does it, so it works over SSH too. Plain OSC 52,
// never tmux's passthrough wrapper (dropped unless allow-passthrough is on); tmux's own
// set-clipboard option forwards plain OSC 52 to the outer terminal. Whether the terminal accepts
// it cannot be known, so the console never claims it did.
export function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text).toString('base64')}\x07`;
}
