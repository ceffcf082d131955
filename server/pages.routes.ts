// The browser pages behind activation and reset links: small HTML forms, no JavaScript.
import { Hono, type Context } from 'hono';
import { AppError, isAppError } from '../src/domain/errors.js';
import { Password } from '../src/domain/schemas.js';
import type { AppEnv } from './http/env.js';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

type Kind = 'activation' | 'reset';

function page(c: Context, title: string, body: string, status = 200) {
  c.header(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  );
  // same-origin: the browser sends a real Origin with the form post (no-referrer makes it
  // "null", which cannot be told from a sandboxed frame's), and no other site ever sees the
  // page's address, which holds the link's token.
  c.header('Referrer-Policy', 'same-origin');
  c.header('Cache-Control', 'no-store');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('X-Frame-Options', 'DENY');
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
      `<title>${esc(title)} · Seatdesk</title><style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}` +
      // 16 px inputs: phones zoom into anything smaller when it takes focus.
      `label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box;font-size:16px}button{margin-top:1rem;padding:.5rem 1rem;font-size:16px}` +
      `code{background:#f0f0f0;padding:0 .2rem}.err{color:#a00;border:1px solid #a00;padding:.5rem}</style></head><body><h1>${esc(title)}</h1>${body}</body></html>`,
    status as 200,
  );
}

function form(kind: Kind, email: string, error: string | null, values: { firstName?: string; lastName?: string } = {}) {
  const names =
    kind === 'activation'
      ? `<label for="firstName">First name</label><input id="firstName" name="firstName" required maxlength="100" value="${esc(values.firstName ?? '')}">` +
        `<label for="lastName">Last name</label><input id="lastName" name="lastName" maxlength="100" value="${esc(values.lastName ?? '')}">`
      : '';
  return (
    `<p>Account: <strong>${esc(email)}</strong></p>` +
    (error ? errorBox(error) : '') +
    `<form method="post">${names}` +
    `<label for="password">Password (at least 12 characters)</label><input id="password" name="password" type="password" required minlength="12" maxlength="128" autocomplete="new-password">` +
    `<label for="password2">Password again</label><input id="password2" name="password2" type="password" required minlength="12" maxlength="128" autocomplete="new-password">` +
    `<button type="submit">${kind === 'activation' ? 'Activate account' : 'Set password'}</button></form>`
  );
}

const TITLE: Record<Kind, string> = { activation: 'Activate your account', reset: 'Choose a new password' };

/** Every error box is announced by screen readers as it appears. */
const errorBox = (message: string) => `<p class="err" role="alert">${esc(message)}</p>`;

/** Where to go next: the product's sign-in page when configured, else how administrators open the console. */
function whereToSignIn(c: Context<AppEnv>, email: string, admin: boolean): string {
  const url = c.env.services.ctx.config.productUrl;
  if (url) return `<p>Sign in at <a href="${esc(url)}">${esc(url)}</a> as <strong>${esc(email)}</strong>.</p>`;
  const viaConsole = (who: string) =>
    `<p>${who} Seatdesk from its terminal console: on the server, run <code>npx seatdesk</code> in the Seatdesk folder ` +
    `(or <code>seatdesk</code> where it is installed) and sign in there.</p>`;
  return admin
    ? `<p>Sign in as <strong>${esc(email)}</strong>.</p>${viaConsole('You administer')}`
    : `<p>You can now sign in as <strong>${esc(email)}</strong>; whoever invited you can tell you where.</p>${viaConsole('Administrators manage')}`;
}

/**
 * Whether a form post comes from this site's own page. Browsers say where a request comes from
 * in Sec-Fetch-Site (Fetch Metadata) and Origin; the pages' Referrer-Policy (same-origin) lets
 * them send the real Origin on a same-origin post. Anything a browser marks as coming from
 * elsewhere (another site, a sibling subdomain, a sandboxed frame's Origin: null) is refused.
 * A request with neither header is not from a browser form (curl, scripts) and gains nothing by
 * forging, so it is let through.
 */
export function formPostAllowed(
  h: { secFetchSite?: string; origin?: string; host?: string },
  publicUrl: string,
): boolean {
  const site = h.secFetchSite?.trim().toLowerCase();
  if (site !== undefined && site !== 'same-origin') return false;
  if (h.origin === undefined) return true;
  try {
    const host = new URL(h.origin).host; // "null" throws
    return host === h.host || host === new URL(publicUrl).host;
  } catch {
    return false;
  }
}

const sameOrigin = (c: Context<AppEnv>): boolean =>
  formPostAllowed(
    { secFetchSite: c.req.header('sec-fetch-site'), origin: c.req.header('origin'), host: c.req.header('host') },
    c.env.services.ctx.config.publicUrl,
  );

const routesFor = (kind: Kind) =>
  new Hono<AppEnv>()
    .get('/:token', async (c) => {
      const users = c.env.services.users;
      try {
        const rec = await users.checkToken(kind, c.req.param('token'));
        return page(c, TITLE[kind], form(kind, (await users.get(rec.userId)).email, null));
      } catch (e) {
        if (!isAppError(e)) throw e;
        return page(c, 'This link cannot be used', errorBox(e.message), e.status);
      }
    })
    .post('/:token', async (c) => {
      const users = c.env.services.users;
      if (!sameOrigin(c)) return page(c, 'Request refused', errorBox('This form was posted from another site.'), 403);
      let rec;
      try {
        rec = await users.checkToken(kind, c.req.param('token'));
      } catch (e) {
        if (!isAppError(e)) throw e;
        return page(c, 'This link cannot be used', errorBox(e.message), e.status);
      }
      const email = (await users.get(rec.userId)).email;
      const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
      const values = { firstName: str('firstName'), lastName: str('lastName') };
      let admin: boolean;
      try {
        const pw = Password.safeParse(str('password'));
        if (!pw.success) throw new AppError('validation_failed', pw.error.issues[0].message);
        if (str('password') !== str('password2'))
          throw new AppError('validation_failed', 'The two passwords are not the same.');
        // The API leaves names optional; the page asks for one, as the invitation promised.
        if (kind === 'activation' && !values.firstName.trim())
          throw new AppError('validation_failed', 'Enter your first name.');
        admin =
          (await users.completeToken(kind, { token: c.req.param('token'), password: str('password'), ...values }))
            .adminProfile !== null;
      } catch (e) {
        if (!isAppError(e)) throw e;
        return page(c, TITLE[kind], form(kind, email, e.message, values), e.status);
      }
      return page(
        c,
        kind === 'activation' ? 'Your account is active' : 'Your password is changed',
        whereToSignIn(c, email, admin),
      );
    });

export const activationPages = routesFor('activation');
export const resetPages = routesFor('reset');
