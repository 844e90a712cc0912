/**
 * How a stored token is presented to callers: the service's `TokenDetails` (plain data, no secret,
 * no hash), built from a row and the catalogue in force.
 */
import type { Catalogue, Level } from "../core/catalogue.js";
import { FULL_ACCESS, scopeStrings, type PermissionSet } from "../core/permissions.js";
import type { DomainRef } from "../core/verify-decision.js";
import type { TokenWithDomains } from "../store/store.js";
import { storedAllowedIps } from "./address-list.js";

/** A token as the API, CLI and dashboard show it. Instants are RFC 3339 UTC strings. */
export interface TokenDetails {
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  readonly paused: boolean;
  readonly hasFull: boolean;
  /** One scope string per area at the level held, catalogue order (Full access: every area's highest). */
  readonly scopes: readonly string[];
  readonly allDomains: boolean;
  /** The token's domains (empty when `allDomains`). */
  readonly domains: readonly DomainRef[];
  /** Non-secret preview such as `lk_1Ab3…x9Qz`. */
  readonly preview: string;
  readonly expiresAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /**
   * The token's last use by either of its secrets: the later of the current secret's and, after a
   * rotation, the previous one's (`previousSecret.lastUsedAt`), so that a token still used through its
   * old secret is not taken for unused (break test B2-11). RFC 3339 UTC; null: never used.
   */
  readonly lastUsedAt: string | null;
  /** Who created it: `token:<id>`, `user:<id>` or `cli`. */
  readonly createdBy: string;
  /** Start instant (issue 13), RFC 3339, or null. */
  readonly notBefore: string | null;
  /** Allowed client addresses and ranges, canonical CIDR text (issue 13), or null: any address. */
  readonly allowedIps: readonly string[] | null;
  /** The secret a rotation replaced, while kept: its preview, the end of its grace, its last use. */
  readonly previousSecret: { readonly preview: string; readonly validUntil: string; readonly lastUsedAt: string | null } | null;
  /** A canary token (grants nothing; every use reported). */
  readonly canary: boolean;
}

/**
 * The permission set stored in a row. Scope strings the catalogue in force does not know (it was
 * replaced since) are ignored: they grant nothing.
 */
export function permissionsOfRow(catalogue: Catalogue, row: { has_full: number; scopes: string }): PermissionSet {
  if (row.has_full === 1) return FULL_ACCESS;
  const levels = new Map<string, Exclude<Level, "none">>();
  let stored: unknown;
  try {
    stored = JSON.parse(row.scopes);
  } catch {
    stored = [];
  }
  if (Array.isArray(stored)) {
    for (const scope of stored) {
      const entry = typeof scope === "string" ? catalogue.byScope.get(scope) : undefined;
      if (entry !== undefined) levels.set(entry.area, entry.level);
    }
  }
  return { hasFull: false, levels };
}

/** The later of two stored instants (RFC 3339 UTC text, which sorts as time); null when both are. */
function laterInstant(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  return b !== null && b > a ? b : a;
}

/** Builds the details of a stored row. */
export function detailsOfRow(catalogue: Catalogue, row: TokenWithDomains): TokenDetails {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    paused: row.paused === 1,
    hasFull: row.has_full === 1,
    scopes: scopeStrings(catalogue, permissionsOfRow(catalogue, row)),
    allDomains: row.all_domains === 1,
    domains: row.domains,
    preview: row.preview,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastUsedAt: laterInstant(row.last_used_at, row.previous_secret?.last_used_at ?? null),
    createdBy: row.created_by,
    notBefore: row.not_before ?? null,
    allowedIps: storedAllowedIps(row.allowed_ips)?.text ?? null,
    previousSecret: row.previous_secret === undefined ? null : { preview: row.previous_secret.preview, validUntil: row.previous_secret.grace_ends_at, lastUsedAt: row.previous_secret.last_used_at },
    canary: row.canary === 1,
  };
}
