// What the link dialogs say about the mail that carries the link.
import type { MailQueued } from '../../src/domain/schemas.js';

export const linkNote = (m: MailQueued | undefined): string =>
  !m
    ? ''
    : m.status === 'failed'
      ? 'The mail could not be sent; give the link to the user yourself.'
      : 'The link is also on its way by mail (see the Mail screen).';
