/** Printing for the CLI: aligned key/value blocks and tables for people, JSON with --json. */
import { nameForTerminal } from "../core/name-characters.js";
import type { TokenDetails } from "../service/token-view.js";

/** Where the CLI writes; injected so tests can read it. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Reads all of standard input (for --password-stdin). */
  readStdin(): Promise<string>;
}

/** Prints aligned `key: value` lines. */
export function formatFields(fields: Record<string, string>): string {
  const width = Math.max(...Object.keys(fields).map((k) => k.length));
  return Object.entries(fields)
    .map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v}`)
    .join("\n");
}

/** Prints a table with a header row. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** A token's status in the dashboard's words: Active, Paused or Expired. */
export function statusWord(token: TokenDetails, nowMillis: number): string {
  if (token.paused) return "Paused";
  if (token.expiresAt !== null && Date.parse(token.expiresAt) <= nowMillis) return "Expired";
  return "Active";
}

/**
 * An expiry as people chose it: an instant at exactly 00:00:00.000 UTC (what `--expires 2026-12-31`
 * stores: it works through that day) reads "2026-12-31 (through the end of that day, UTC)"; other
 * instants are shown as stored; null is "never".
 */
export function expiryWords(expiresAt: string | null): string {
  if (expiresAt === null) return "never";
  const millis = Date.parse(expiresAt);
  if (millis % 86_400_000 !== 0) return expiresAt;
  return `${new Date(millis - 1).toISOString().slice(0, 10)} (through the end of that day, UTC)`;
}

/** Key/value view of a token (never its secret); the name with hidden and look-alike characters shown (nameForTerminal). */
export function tokenFields(token: TokenDetails, nowMillis: number): Record<string, string> {
  return {
    id: token.id,
    name: nameForTerminal(token.name),
    status: statusWord(token, nowMillis),
    access: token.hasFull ? "Full access" : "Custom access",
    scopes: token.scopes.join(", "),
    domains: token.allDomains ? "All domains" : token.domains.map((d) => d.name).join(", "),
    preview: token.preview,
    expires: expiryWords(token.expiresAt),
    created: token.createdAt,
    "last used": token.lastUsedAt ?? "never",
    ...(token.notBefore === null ? {} : { "not before": token.notBefore }),
    ...(token.allowedIps === null ? {} : { "allowed ips": token.allowedIps.join(", ") }),
    ...(token.previousSecret === null ? {} : { "previous secret": `${token.previousSecret.preview} until ${token.previousSecret.validUntil} (last used ${token.previousSecret.lastUsedAt ?? "never"})` }),
  };
}

/** The JSON form of a token for --json (the API's field names). */
export function tokenJson(token: TokenDetails): Record<string, unknown> {
  return {
    id: token.id,
    name: token.name,
    status: token.paused ? "pause" : "unpause",
    scopes: token.scopes,
    has_full: token.hasFull,
    domains: token.allDomains ? "all" : token.domains,
    preview: token.preview,
    expires_at: token.expiresAt,
    created_at: token.createdAt,
    updated_at: token.updatedAt,
    last_used_at: token.lastUsedAt,
    not_before: token.notBefore,
    allowed_ips: token.allowedIps,
    previous_secret: token.previousSecret === null ? null : { preview: token.previousSecret.preview, valid_until: token.previousSecret.validUntil, last_used_at: token.previousSecret.lastUsedAt },
  };
}

/** A command used wrongly (conflicting options, a missing confirmation): exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
