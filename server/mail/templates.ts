// The messages Seatdesk sends: each has a subject, a text part and an HTML part, the link in both.
export interface Message {
  to: string;
  subject: string;
  text: string;
  html: string;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function build(to: string, subject: string, lines: string[], link?: { url: string; label: string }): Message {
  const text = [...lines, ...(link ? ['', `${link.label}: ${link.url}`] : []), '', '— Seatdesk'].join('\n');
  const html =
    `<!doctype html><html><body style="font-family:sans-serif">` +
    lines.map((l) => `<p>${esc(l)}</p>`).join('') +
    (link ? `<p><a href="${esc(link.url)}">${esc(link.label)}</a></p><p>${esc(link.url)}</p>` : '') +
    `<p>— Seatdesk</p></body></html>`;
  return { to, subject, text, html };
}

export const invitationMail = (to: string, site: string, link: string, days: number) =>
  build(
    to,
    `You are invited to ${site}`,
    [
      `You have been invited to ${site}.`,
      `Open the link below to choose your name and password. It works once and expires in ${days} days.`,
    ],
    { url: link, label: 'Activate your account' },
  );

export const resendMail = (to: string, site: string, link: string, days: number) =>
  build(
    to,
    `Your new activation link for ${site}`,
    [
      `Here is a new activation link for ${site}. Earlier links no longer work.`,
      `It works once and expires in ${days} days.`,
    ],
    { url: link, label: 'Activate your account' },
  );

export const resetMail = (to: string, site: string, link: string) =>
  build(
    to,
    `Reset your ${site} password`,
    [
      `An administrator reset your ${site} password. All your sessions and API tokens have been ended.`,
      'Open the link below to choose a new password. It works once and expires in 1 hour.',
    ],
    { url: link, label: 'Choose a new password' },
  );

export const reactivationMail = (to: string, site: string, url: string, pending: boolean) =>
  build(
    to,
    `Your ${site} account is active again`,
    pending
      ? [
          `Your ${site} invitation has been reinstated. Use the activation link from your invitation, or ask an administrator for a new one.`,
        ]
      : [`Your ${site} account has been reactivated. You can sign in again.`],
    { url, label: `Open ${site}` },
  );

export const dormantMail = (to: string, site: string, url: string) =>
  build(
    to,
    `Your ${site} account was deactivated for inactivity`,
    [
      `Your ${site} account has not been used for a long time, so it was deactivated and its seat freed for someone else.`,
      'Nothing of yours was deleted. If you need the account again, ask your administrator to reactivate it.',
    ],
    { url, label: `Open ${site}` },
  );

export const withdrawnMail = (to: string, site: string) =>
  build(to, `Your invitation to ${site} was withdrawn`, [
    `Your invitation to ${site} was not used for a long time, so it was withdrawn and its link no longer works.`,
    'If you still need an account, ask your administrator for a new invitation.',
  ]);
