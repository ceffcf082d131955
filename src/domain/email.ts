// Login email addresses: one plain address (RFC 5321/5322 addr-spec), nothing that could route
// mail elsewhere or look like another account on screen.

// Control characters (C0, C1), soft hyphen, zero-width and joiner characters, bidi marks,
// embeddings, overrides and isolates, fillers and the byte-order mark.
// Each escape is its own member of the class (the u flag matches code points, never graphemes), so a
// combining mark listed beside another character is refused on its own, as intended.
const INVISIBLE =
  // eslint-disable-next-line no-misleading-character-class -- the combining marks are listed as escapes on purpose
  /[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]/u;
const ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~-";
const DOT_ATOM = new RegExp(`^[${ATEXT}]+(?:\\.[${ATEXT}]+)*$`);
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const hex = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The ASCII (punycode) form of an internationalised domain, or null when it has none. */
export function asciiDomain(domain: string): string | null {
  try {
    const host = new URL(`http://${domain}/`).hostname;
    return /^[\x21-\x7e]+$/.test(host) ? host : null;
  } catch {
    return null;
  }
}

/**
 * Why `email` is not one plain address, or null when it is. Expects the text already trimmed.
 * Accepted: local@domain, the local part a dot-atom of ASCII characters (no quoted strings), the
 * domain two or more ASCII labels (an internationalised domain in its xn-- form). Refused: display
 * names ("Bob <bob@x>"), lists, comments, quotes, IP literals, and any control, zero-width or
 * bidi character, so two accounts can never look the same on screen.
 */
export function emailProblem(email: string): string | null {
  const invisible = INVISIBLE.exec(email);
  if (invisible) return `contains an invisible or control character (${hex(invisible[0])}); type the address again`;
  if (email.length === 0) return 'enter an email address';
  if (email.length > 254) return 'is too long (at most 254 characters)';
  if (/[<>"()]/.test(email))
    return 'write the address alone (name@example.com), without a display name, quotes or comments';
  if (/[,;]/.test(email)) return 'give one address, not a list';
  if (/\s/u.test(email)) return 'must not contain spaces';
  const at = email.lastIndexOf('@');
  if (at < 0 || email.indexOf('@') !== at) return 'needs exactly one @ (name@example.com)';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (!local) return 'needs a name before the @';
  if (local.length > 64) return 'the part before the @ is too long (at most 64 characters)';
  if (!DOT_ATOM.test(local)) {
    return /[^\x20-\x7e]/.test(local)
      ? 'the part before the @ must be plain ASCII (letters, digits and . _ + - and the like)'
      : 'the part before the @ is not valid (dots may not start, end or repeat)';
  }
  if (!domain) return 'needs a domain after the @';
  if (/[^\x20-\x7e]/.test(domain)) {
    const ascii = asciiDomain(domain);
    return ascii ? `write the domain in its ASCII form: ${local}@${ascii}` : 'the domain must be plain ASCII';
  }
  const labels = domain.split('.');
  if (labels.length < 2) return 'the domain needs a dot (example.com)';
  if (!labels.every((l) => LABEL.test(l.toLowerCase())))
    return 'the domain is not valid (letters, digits and hyphens between dots)';
  if (/^\d+$/.test(labels[labels.length - 1])) return 'the domain is not valid (an IP address is not accepted)';
  return null;
}

/** Normalises a login email the way the store keys it: trimmed and lower-cased. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
