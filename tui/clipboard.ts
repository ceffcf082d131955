// Copy to the clipboard with OSC 52: the terminal does it, so it works over SSH too.
export function osc52(text: string): string {
  const seq = `\x1b]52;c;${Buffer.from(text).toString('base64')}\x07`;
  // Inside tmux the sequence must be wrapped to reach the outer terminal.
  return process.env.TMUX ? `\x1bPtmux;${seq.replace(/\x1b/g, '\x1b\x1b')}\x1b\\` : seq;
}
