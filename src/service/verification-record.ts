/**
 * The verification record of a stored token row (src/service/verifier.ts fills its cache with
 * these): the row's permissions, domains, times and limits, its ancestors folded in
 * (src/core/token-lineage.ts).
 */
import type { Catalogue } from "../core/catalogue.js";
import { recordLimitsOfColumns } from "../core/rate-limits.js";
import { foldLineage } from "../core/token-lineage.js";
import type { TokenRecord } from "../core/verify-decision.js";
import type { PreviousVerificationRow } from "../store/rotation-store.js";
import type { VerificationRead } from "../store/token-lineage-store.js";
import { storedAllowedIps } from "./address-list.js";
import { permissionsOfRow } from "./token-view.js";

/**
 * Builds the verification record of a stored row, its ancestors folded in (token-lineage.ts): the
 * token read by its current secret, or (a row with `grace_ends_at`) by its previous one. The address
 * list is parsed here, once per cache fill.
 */
export function recordOfRow(catalogue: Catalogue, { row, ancestors }: VerificationRead): TokenRecord {
  const graceEndsAt = (row as Partial<PreviousVerificationRow>).grace_ends_at;
  const lineage = foldLineage(
    catalogue,
    { parentId: row.parent_id ?? null, permissions: permissionsOfRow(catalogue, row), allDomains: row.all_domains === 1, domains: row.domains },
    ancestors.map((a) => ({
      id: a.id,
      parentId: a.parent_id,
      permissions: permissionsOfRow(catalogue, a),
      allDomains: a.all_domains === 1,
      domains: a.domains,
      expiresAtMillis: a.expires_at === null ? null : Date.parse(a.expires_at),
      paused: a.paused === 1,
    })),
  );
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    permissions: lineage.permissions,
    allDomains: lineage.allDomains,
    domains: lineage.domains,
    expiresAtMillis: row.expires_at === null ? null : Date.parse(row.expires_at),
    paused: row.paused === 1,
    ancestorIds: lineage.ancestorIds,
    parentInactiveFromMillis: lineage.parentInactiveFromMillis,
    secret: graceEndsAt === undefined ? "current" : "previous",
    graceEndsAtMillis: graceEndsAt === undefined ? null : Date.parse(graceEndsAt),
    notBeforeMillis: row.not_before === null || row.not_before === undefined ? null : Date.parse(row.not_before),
    allowedIps: storedAllowedIps(row.allowed_ips),
    limits: recordLimitsOfColumns(row),
  };
}
