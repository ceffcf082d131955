// What the logs may hold: request paths with every secret taken out, however the path was encoded.

/** Secrets Seatdesk issues (newSecret): session, API, activation and reset tokens. */
const SECRET = /\b(sds|sdk|act|rst)_[A-Za-z0-9_-]{8,}/gi;
/** The link pages take their token as the next path segment, whatever it looks like. */
const LINK = /\/(activate|reset-password)\/[^/]*/gi;

/** Decodes the %XX sequences that form valid UTF-8 and leaves any others as they are. */
function decodeLoosely(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run.replace(/%[0-9A-Fa-f]{2}/g, (one) =>
        parseInt(one.slice(1), 16) < 0x80 ? String.fromCharCode(parseInt(one.slice(1), 16)) : one,
      );
    }
  });
}

/**
 * A request path fit for the log: percent-decoded (repeatedly, so /%61ctivate/… and doubly
 * encoded forms are seen for what they are), then link tokens and anything shaped like a
 * Seatdesk secret replaced. The query string is the caller's to drop.
 */
export function redactPath(path: string): string {
  // The common case (/api/me, /api/users/<uuid>) has nothing to decode and no secret's shape.
  if (!path.includes('%') && !path.includes('_') && !/\/(activate|reset-password)\//i.test(path)) return path;
  let text = path;
  for (let i = 0; i < 4 && text.includes('%'); i++) {
    const next = decodeLoosely(text);
    if (next === text) break;
    text = next;
  }
  return text
    .replace(LINK, (_m, page: string) => `/${page}/[token]`)
    .replace(SECRET, (_m, kind: string) => `${kind}_[redacted]`);
}
