/**
 * Outgoing e-mail over SMTP (nodemailer), for anything latchkey tells people: expiry reminders, leak
 * reports, disabled webhook endpoints, and (for whoever needs it next) invitations.
 *
 * Configured by LATCHKEY_SMTP_URL (`smtp://user:pass@host:587`, `smtps://...` for TLS from the
 * start; nodemailer's URL form) and LATCHKEY_SMTP_FROM (the From address). Without a URL there is no
 * mailer ({@link createMailer} returns null) and callers skip mail. A message never carries a secret:
 * callers pass names and previews only. Sending errors are thrown to the caller, who decides whether
 * to log them (never with the URL, which may hold a password).
 *
 * Usage:
 * ```ts
 * const mailer = createMailer({ smtpUrl: "smtp://mail.example.com:587", from: "latchkey <noreply@example.com>" });
 * await mailer?.send({ to: ["owner@example.com"], subject: "…", text: "…", html: "<p>…</p>" });
 * ```
 */
import nodemailer from "nodemailer";

/** A message: plain text and HTML bodies of the same content. */
export interface MailMessage {
  /** Recipients' addresses; an empty list sends nothing. */
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Sends messages. */
export interface Mailer {
  /**
   * Sends one message to all its recipients.
   *
   * @throws Error when the SMTP server refuses it or cannot be reached (after nodemailer's timeouts).
   */
  send(message: MailMessage): Promise<void>;
  /** Closes pooled connections. */
  close(): void;
}

/** Settings of {@link createMailer}. */
export interface MailerSettings {
  /** `smtp://` or `smtps://` URL (LATCHKEY_SMTP_URL), or null for no mail. */
  readonly smtpUrl: string | null;
  /** The From header (LATCHKEY_SMTP_FROM), e.g. `latchkey <noreply@example.com>`. */
  readonly from: string;
}

/** The mailer of the settings, or null when no SMTP URL is set. */
export function createMailer(settings: MailerSettings): Mailer | null {
  if (settings.smtpUrl === null) return null;
  const transport = nodemailer.createTransport(settings.smtpUrl);
  return {
    async send(message) {
      if (message.to.length === 0) return;
      await transport.sendMail({ from: settings.from, to: [...message.to], subject: message.subject, text: message.text, html: message.html });
    },
    close() {
      transport.close();
    },
  };
}

/** Escapes text for an HTML body. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}
