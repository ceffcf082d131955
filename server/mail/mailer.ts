// Sends one of Seatdesk's messages with nodemailer; never throws: a failure is reported in the result.
import nodemailer, { type Transporter } from 'nodemailer';
import { emailProblem } from '../../src/domain/email.js';
import type { OutboxMessage } from '../../src/domain/schemas.js';

export type SendResult = { sent: true } | { sent: false; error: string; permanent: boolean };

export class Mailer {
  private transport: Transporter | null;
  /** The bare address of the From header ("Seatdesk <no-reply@x>" → no-reply@x), the SMTP MAIL FROM. */
  private readonly envelopeFrom: string;
  constructor(
    smtpUrl: string | null,
    private readonly from: string,
  ) {
    this.envelopeFrom = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
    // The URL's own settings win; these fill in what it leaves out. A small pool keeps bursts
    // of invitations from opening one connection each.
    this.transport = smtpUrl
      ? nodemailer.createTransport({
          url: smtpUrl,
          pool: true,
          maxConnections: 16,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 20_000,
          // Close idle pooled connections before a server's idle timeout (the sink's is 30 s) does.
          idleTimeout: 10_000,
        })
      : null;
  }

  async send(m: Pick<OutboxMessage, 'to' | 'subject' | 'text' | 'html' | 'messageId'>): Promise<SendResult> {
    if (!this.transport)
      return {
        sent: false,
        permanent: false,
        error: 'Mail is off: no SMTP relay is configured and the built-in sink is disabled.',
      };
    // Defence in depth: only ever one plain address, and the SMTP envelope names exactly that
    // address (nodemailer would otherwise derive it by parsing the header, lists and all).
    const problem = emailProblem(m.to);
    if (problem)
      return {
        sent: false,
        permanent: true,
        error: `Mail not sent: the recipient is not one plain address (${problem}).`,
      };
    try {
      await this.transport.sendMail({
        from: this.from,
        to: { name: '', address: m.to },
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: m.messageId,
        envelope: { from: this.envelopeFrom, to: [m.to] },
      });
      return { sent: true };
    } catch (e) {
      const code = (e as { responseCode?: number }).responseCode;
      return {
        sent: false,
        permanent: code !== undefined && code >= 500 && code < 600,
        error: `Mail could not be sent: ${(e as Error).message}`,
      };
    }
  }

  close(): void {
    this.transport?.close();
  }
}
