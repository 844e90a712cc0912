/**
 * The ceiling on creation: a token that creates a token can give it no scope, no domain and no
 * lifetime beyond its own (issue #2, "a token can never create a token with more scopes or more
 * domains than it holds itself"; issue #4, "a new token expires no later than its creator").
 * A signed-in person's ceiling is their role (src/core/roles.ts roleGrant); the operator has none.
 */
import type { Catalogue } from "./catalogue.js";
import { scopesLacking, type PermissionSet } from "./permissions.js";

/** What a token holds or asks for, as far as the ceiling is concerned. */
export interface Grant {
  readonly permissions: PermissionSet;
  /** True: all domains of the account, later ones included. */
  readonly allDomains: boolean;
  /** Domain ids when `allDomains` is false. */
  readonly domainIds: readonly string[];
  /** Expiry, epoch milliseconds, or null for never. */
  readonly expiresAtMillis: number | null;
}

/**
 * Lists what `creator` lacks to grant `wanted`: scope strings (`analytics_full`, or `full_access`),
 * `all_domains`, `domain:<id>` for each domain outside the creator's, and `expires_at` when the new
 * token would outlive its creator (no expiry, or a later one, under a creator that expires).
 *
 * @returns an empty array when the creator covers the grant.
 */
export function exceedsCeiling(catalogue: Catalogue, creator: Grant, wanted: Grant): string[] {
  const lacking = scopesLacking(catalogue, creator.permissions, wanted.permissions);
  if (!creator.allDomains) {
    if (wanted.allDomains) lacking.push("all_domains");
    else for (const id of wanted.domainIds) if (!creator.domainIds.includes(id)) lacking.push(`domain:${id}`);
  }
  if (creator.expiresAtMillis !== null && (wanted.expiresAtMillis === null || wanted.expiresAtMillis > creator.expiresAtMillis)) {
    lacking.push("expires_at");
  }
  return lacking;
}
