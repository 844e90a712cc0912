/**
 * The e-mails latchkey sends to an account's owners and admins: a token about to expire, a token
 * reported leaked (and paused), a webhook endpoint disabled after failing. Each is plain text and
 * HTML with the token's name and preview, never its secret.
 */
import type { Store } from "../store/store.js";
import { ownerAddresses } from "../store/webhook-store.js";
import { escapeHtml, type MailMessage, type Mailer } from "./mailer.js";

/** What a notice is about. */
export type Notice =
  | { readonly kind: "expiring"; readonly tokenName: string; readonly preview: string; readonly expiresAt: string; readonly thresholdDays: number }
  | { readonly kind: "leaked"; readonly tokenName: string; readonly preview: string; readonly url: string | null }
  | { readonly kind: "webhook_disabled"; readonly webhookName: string; readonly url: string; readonly failingSince: string };

/** The message of a notice (without recipients). */
export function messageOf(notice: Notice): Omit<MailMessage, "to"> {
  if (notice.kind === "expiring") {
    const when = notice.thresholdDays === 1 ? "within a day" : `within ${notice.thresholdDays} days`;
    const lines = [`The API token "${notice.tokenName}" (${notice.preview}) expires ${when}, at ${notice.expiresAt}.`, "", "Create a new token and replace it where it is used before then; an expired token is refused."];
    return { subject: `API token "${notice.tokenName}" expires ${when}`, text: lines.join("\n"), html: htmlOf(lines) };
  }
  if (notice.kind === "leaked") {
    const lines = [
      `The API token "${notice.tokenName}" (${notice.preview}) was reported as published${notice.url === null || notice.url === "" ? "" : ` at ${notice.url}`}.`,
      "",
      "latchkey paused it at once: it is refused from now on. Delete it, create a new token and replace it where it is used.",
    ];
    return { subject: `API token "${notice.tokenName}" was found in public and paused`, text: lines.join("\n"), html: htmlOf(lines) };
  }
  const lines = [`The webhook endpoint "${notice.webhookName}" (${notice.url}) has failed every delivery since ${notice.failingSince}.`, "", "latchkey disabled it. Fix the receiver, then enable the endpoint again; its deliveries resume."];
  return { subject: `Webhook endpoint "${notice.webhookName}" was disabled`, text: lines.join("\n"), html: htmlOf(lines) };
}

function htmlOf(lines: readonly string[]): string {
  return lines.filter((l) => l !== "").map((l) => `<p>${escapeHtml(l)}</p>`).join("\n");
}

/**
 * Mails a notice to the account's owners and admins; does nothing without a mailer. Callers do not
 * wait for it (`void mailNotice(...).catch(onError)`): a slow or unreachable SMTP server must hold up
 * neither deliveries nor the answer to a leak report.
 *
 * @throws Error from the mailer (the caller logs it; the change itself is already made).
 */
export async function mailNotice(store: Store, mailer: Mailer | null, accountId: string, notice: Notice): Promise<void> {
  if (mailer === null) return;
  const to = await ownerAddresses(store, accountId);
  await mailer.send({ to, ...messageOf(notice) });
}
