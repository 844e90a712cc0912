/** How the dashboard words and dates things: the seed's words, dates in the reader's time zone. */
import dayjs from "dayjs";
import type { AuditEvent, Level, Token } from "./api-types";

/** The seed's names of the levels. */
export const LEVEL_LABELS: Record<Level, string> = { none: "No access", read: "Read only", full: "Full access" };

/** Active, Paused or Expired (the seed: Pause/Resume; DESIGN.md: expired when now >= expires_at). */
export function statusOf(token: Token, nowMillis: number = Date.now()): "Active" | "Paused" | "Expired" {
  if (token.status === "pause") return "Paused";
  if (token.expires_at !== null && Date.parse(token.expires_at) <= nowMillis) return "Expired";
  return "Active";
}

/** The reader's time zone, e.g. `Europe/Berlin (UTC+01:00)`. */
export function timeZoneLabel(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";
  return `${zone} (UTC${dayjs().format("Z")})`;
}

const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

/** `Nov 30, 2026, 9:02 AM` in the reader's time zone; `fallback` for null. */
export function formatDateTime(iso: string | null, fallback = "—"): string {
  return iso === null ? fallback : dateTime.format(new Date(iso));
}

/** `Nov 30, 2026` in the reader's time zone; `fallback` for null. */
export function formatDate(iso: string | null, fallback = "—"): string {
  return iso === null ? fallback : dateOnly.format(new Date(iso));
}

/** A token's domains in words: "All domains", or their names. */
export function domainsOf(token: Token): string {
  return token.domains === "all" ? "All domains" : token.domains.map((d) => d.name).join(", ");
}

const ACTIONS: Record<string, string> = {
  "token.create": "Token created",
  "token.rename": "Token renamed",
  "token.pause": "Token paused",
  "token.unpause": "Token resumed",
  "token.delete": "Token deleted",
  "domain.create": "Domain added",
  "domain.delete": "Domain removed",
  "account.create": "Account created",
  "user.create": "User created",
  "user.sign_in_failed": "Failed sign-in",
  "user.lock": "User locked out",
};

/** An audit event's action in words. */
export function actionLabel(event: AuditEvent): string {
  return ACTIONS[event.action] ?? event.action;
}

/** What an audit event concerns, in words (a name, an address, or the id). */
export function targetLabel(event: AuditEvent): string {
  const { details } = event;
  if (typeof details.from === "string" && typeof details.to === "string") return `${details.from} → ${details.to}`;
  if (typeof details.name === "string") return details.name;
  if (typeof details.email === "string") return details.email;
  return event.target.id;
}

/** Who acted, in words. */
export function actorLabel(event: AuditEvent): string {
  if (event.actor.type === "user") return "Dashboard user";
  if (event.actor.type === "token") return `API token ${event.actor.id ?? ""}`.trim();
  return "Command line";
}
