/**
 * A real SMTP server for mail tests (the `smtp-server` package) on a free loopback port: accepts every
 * message without authentication and keeps it, so a test can read what latchkey sent.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** One message received: envelope recipients and the raw message, with quoted-printable undone. */
export interface ReceivedMail {
  readonly to: string[];
  readonly raw: string;
  /** The Subject header. */
  readonly subject: string;
}

export interface SmtpSink {
  /** smtp://127.0.0.1:PORT */
  readonly url: string;
  readonly messages: ReceivedMail[];
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** Undoes quoted-printable soft breaks and escapes (enough to read the bodies nodemailer writes). */
function unQuote(raw: string): string {
  const bytes = raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

/** Decodes RFC 2047 Q and B encoded words (as nodemailer writes a non-ASCII or long subject). */
function decodeWords(text: string): string {
  return text.replace(/=\?UTF-8\?([QB])\?(.*?)\?=/gi, (_m, kind: string, data: string) => {
    if (kind.toUpperCase() === "B") return Buffer.from(data, "base64").toString("utf8");
    const bytes = data.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (_x, hex: string) => `%${hex}`);
    return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, "%25"));
  });
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const original = Buffer.concat(chunks).toString("latin1");
        const raw = unQuote(original);
        const folded = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(original)?.[1] ?? "";
        // Whitespace between two encoded words is not part of the text (RFC 2047, section 6.2).
        const subject = decodeWords(folded.replace(/\?=\s+=\?/g, "?==?").replace(/\r?\n[ \t]/g, " "));
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, subject });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = performance.now() + timeoutMs;
      while (messages.length < count) {
        if (performance.now() > deadline) throw new Error(`smtp: ${messages.length} of ${count} messages within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
