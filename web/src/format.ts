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

const DAY_MILLIS = 86_400_000;
const utcDate = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });
// dateStyle and timeStyle cannot be combined with timeZoneName, hence the parts.
const dateTimeWithZone = new Intl.DateTimeFormat("en", { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" });

/**
 * When a token stops working, as the person who chose it thinks of it. `expires_at` is an exclusive
 * end: a date-only expiry (`2026-12-31`, "through the end of that UTC day") is stored as the next
 * day's midnight UTC, `2027-01-01T00:00:00.000Z`, so an instant exactly at midnight UTC is shown as
 * the last day it works, `end of Dec 31, 2026 (UTC)`; any other instant as its date and time in the
 * reader's time zone, with the zone (`Dec 31, 2026, 11:59 PM GMT+1`). `fallback` for null.
 */
export function formatExpiry(iso: string | null, fallback = "No expiry"): string {
  if (iso === null) return fallback;
  const millis = Date.parse(iso);
  if (Number.isNaN(millis)) return iso;
  if (millis % DAY_MILLIS === 0) return `end of ${utcDate.format(new Date(millis - DAY_MILLIS))} (UTC)`;
  return dateTimeWithZone.format(new Date(millis));
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
  "token.rotate": "Token rotated",
  "token.rotation_replay": "Rotation answered again (same Idempotency-Key)",
  "token.limits": "Token limits changed",
  "token.lookup": "Token looked up",
  "domain.create": "Domain added",
  "domain.delete": "Domain removed",
  "account.create": "Account created",
  "account.policy.update": "Token policy changed",
  "user.create": "User created",
  "user.invite": "Person invited",
  "user.invite_resend": "Invitation sent again",
  "user.invite_cancel": "Invitation cancelled",
  "user.accept_invite": "Invitation accepted",
  "user.role": "Role changed",
  "user.remove": "Person removed",
  "user.sign_in_failed": "Failed sign-in",
  "user.lock": "User locked out",
  "user.unlock": "User unlocked",
  "user.password_change": "Password changed",
  "user.password_reset_request": "Password reset asked for",
  "user.password_reset": "Password reset",
  "user.two_factor_enable": "Two-factor turned on",
  "user.two_factor_disable": "Two-factor turned off",
  "token.expiring": "Token about to expire",
  "token.expire": "Token expired",
  "token.leak": "Token found in public, paused",
  "token.canary_use": "Canary token used",
  "token.rate_limit": "Token over a rate limit",
  "webhook.disable": "Webhook endpoint disabled",
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

/** What the activity page knows to name the people and tokens that acted. */
export interface ActorNames {
  /** The signed-in user, shown as "You". */
  me: { id: string; email: string };
  /** Token id -> name, for tokens that exist now. */
  liveTokens: ReadonlyMap<string, string>;
  /** True when `liveTokens` holds every token of the account, so an id missing from it was deleted. */
  allTokensKnown: boolean;
  /** Token or user id -> the latest name or e-mail address the audit events give it. */
  fromEvents: ReadonlyMap<string, string>;
}

/** Id -> name from audit events that concern a token or a user (newest first wins: the latest name). */
export function namesFromEvents(events: readonly AuditEvent[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const { target, details } of events) {
    const name = typeof details.to === "string" ? details.to : typeof details.name === "string" ? details.name : typeof details.email === "string" ? details.email : null;
    if ((target.type === "token" || target.type === "user") && name !== null && !names.has(target.id)) names.set(target.id, name);
  }
  return names;
}

/** Who acted, in words: "You (…)", a user's e-mail address, a token's name, or its id and "(deleted)". */
export function actorLabel(event: AuditEvent, names: ActorNames): string {
  const { type, id } = event.actor;
  if (type === "user") {
    if (id === names.me.id) return `You (${names.me.email})`;
    return (id === null ? undefined : names.fromEvents.get(id)) ?? "Dashboard user";
  }
  if (type === "token") {
    if (id === null) return "API token";
    const live = names.liveTokens.get(id);
    if (live !== undefined) return `${live} (API token)`;
    const seen = names.fromEvents.get(id);
    if (!names.allTokensKnown) return seen === undefined ? `API token ${id}` : `${seen} (API token)`;
    return seen === undefined ? `API token ${id} (deleted)` : `${seen} (API token ${id}, deleted)`;
  }
  if (type === "system") return "latchkey";
  // A failed sign-in: whoever typed did not prove who they were, so it is not "You" (issue 16).
  if (type === "anonymous") return typeof event.details.email === "string" ? `Unknown person (tried ${event.details.email})` : "Unknown person";
  return "Command line";
}
