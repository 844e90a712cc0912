/**
 * Token lineage (issue 10): a token never outlives or outreaches the one that made it.
 *
 * Every token has a creator: a parent token, or none (a root, made by a dashboard user or the
 * CLI/operator; every token of release 0.1.0 is a root). The rules, pure functions over plain data:
 *
 * - Effective rights: a token's own grant intersected with every ancestor's current grant (areas at
 *   the lower of the two levels, domains in both, Full access within Full access). The ceiling at
 *   creation (token-ceiling.ts) already keeps a child within its parent; the fold keeps that true
 *   whatever the stored rows say (rows written before the ceiling, a replaced catalogue).
 * - State: while any ancestor is paused, deleted (missing from the chain) or expired, the token is
 *   refused with 401 `token_parent_inactive`; it works again when the ancestor is resumed. A deleted
 *   ancestor never comes back, so its descendants are refused for good.
 * - Management: a token manages only its own subtree (itself and its descendants).
 *
 * Peers: GitHub's fine-grained tokens and OpenAI's keys are bound by their owner's current rights;
 * Vault revokes a token's children with it.
 */
import { levelRank, type Catalogue } from "./catalogue.js";
import { levelHeld, type PermissionSet } from "./permissions.js";
import type { DomainRef } from "./verify-decision.js";

/**
 * Most ancestors read for one token. A chain longer than this counts as broken (the token is refused),
 * so a runaway chain of tokens making tokens cannot make one verification read without bound.
 */
export const MAX_LINEAGE_DEPTH = 32;

/** One ancestor as the verification read gives it (parent first in a chain). */
export interface AncestorState {
  readonly id: string;
  /** Its own parent's id, or null for a root. */
  readonly parentId: string | null;
  readonly permissions: PermissionSet;
  /** True: every domain of the account. */
  readonly allDomains: boolean;
  /** Its domains when `allDomains` is false. */
  readonly domains: readonly DomainRef[];
  /** Expiry, epoch milliseconds, or null for never. */
  readonly expiresAtMillis: number | null;
  readonly paused: boolean;
}

/** A token's own grant and its parent's id. */
export interface OwnGrant {
  /** The parent's id, or null for a root. */
  readonly parentId: string | null;
  readonly permissions: PermissionSet;
  readonly allDomains: boolean;
  readonly domains: readonly DomainRef[];
}

/** What a token may do once its ancestors are folded in. */
export interface EffectiveGrant {
  readonly permissions: PermissionSet;
  readonly allDomains: boolean;
  readonly domains: readonly DomainRef[];
  /** The ancestors' ids, parent first; empty for a root. */
  readonly ancestorIds: readonly string[];
  /**
   * The instant (epoch milliseconds) from which an ancestor is inactive: `-Infinity` when one is paused
   * or missing now (or the chain is too long), the earliest ancestor expiry otherwise, null when no
   * ancestor ever becomes inactive by itself.
   */
  readonly parentInactiveFromMillis: number | null;
}

const NO_ANCESTORS: readonly string[] = Object.freeze([]);

/**
 * Folds a token's ancestors into its grant.
 *
 * @param catalogue the areas in force (levels are compared within it).
 * @param own the token's own grant and parent id.
 * @param ancestors the chain as read, parent first, each the parent of the one before. A chain that
 *   stops before a root (an ancestor was deleted), names the wrong parent, or is longer than
 *   {@link MAX_LINEAGE_DEPTH} makes the token inactive from now on.
 * @returns the effective grant; for a root, its own grant with no ancestors.
 */
export function foldLineage(catalogue: Catalogue, own: OwnGrant, ancestors: readonly AncestorState[]): EffectiveGrant {
  if (own.parentId === null) return { permissions: own.permissions, allDomains: own.allDomains, domains: own.domains, ancestorIds: NO_ANCESTORS, parentInactiveFromMillis: null };
  let permissions = own.permissions;
  let allDomains = own.allDomains;
  let domains = own.domains;
  let inactiveFrom: number | null = null;
  let expected: string | null = own.parentId;
  const ancestorIds: string[] = [];
  for (const ancestor of ancestors) {
    if (expected === null || ancestor.id !== expected || ancestorIds.length >= MAX_LINEAGE_DEPTH) break;
    ancestorIds.push(ancestor.id);
    permissions = intersectPermissions(catalogue, permissions, ancestor.permissions);
    if (!ancestor.allDomains) {
      domains = allDomains ? ancestor.domains : domains.filter((d) => ancestor.domains.some((a) => a.id === d.id));
      allDomains = false;
    }
    if (ancestor.paused) inactiveFrom = Number.NEGATIVE_INFINITY;
    else if (ancestor.expiresAtMillis !== null && (inactiveFrom === null || ancestor.expiresAtMillis < inactiveFrom)) inactiveFrom = ancestor.expiresAtMillis;
    expected = ancestor.parentId;
  }
  // The chain must end at a root: anything else means an ancestor is gone (deleted) or out of reach.
  if (expected !== null) inactiveFrom = Number.NEGATIVE_INFINITY;
  return { permissions, allDomains, domains, ancestorIds, parentInactiveFromMillis: inactiveFrom };
}

/**
 * Whether an ancestor of the token is inactive at `nowMillis` (the token is then refused with
 * `token_parent_inactive`).
 */
export function parentInactive(record: { readonly parentInactiveFromMillis: number | null }, nowMillis: number): boolean {
  return record.parentInactiveFromMillis !== null && nowMillis >= record.parentInactiveFromMillis;
}

/**
 * The rights two grants share: each area at the lower of the two levels; Full access within Full
 * access stays Full access (areas added later included).
 */
export function intersectPermissions(catalogue: Catalogue, a: PermissionSet, b: PermissionSet): PermissionSet {
  if (b.hasFull) return a;
  if (a.hasFull) return restrictToCatalogue(catalogue, b);
  const levels = new Map<string, "read" | "full">();
  for (const area of a.levels.keys()) {
    const mine = levelHeld(catalogue, a, area);
    const theirs = levelHeld(catalogue, b, area);
    const lower = levelRank(mine) <= levelRank(theirs) ? mine : theirs;
    if (lower !== "none") levels.set(area, lower);
  }
  return { hasFull: false, levels };
}

function restrictToCatalogue(catalogue: Catalogue, set: PermissionSet): PermissionSet {
  const levels = new Map<string, "read" | "full">();
  for (const area of set.levels.keys()) {
    const level = levelHeld(catalogue, set, area);
    if (level !== "none") levels.set(area, level);
  }
  return levels.size === set.levels.size ? set : { hasFull: false, levels };
}

/**
 * Whether a token may manage a target: the target is the token itself or one of its descendants
 * (the token's id is among the target's ancestors).
 *
 * @param managerId the acting token's id.
 * @param targetId the target token's id.
 * @param targetAncestorIds the target's ancestors, in any order.
 */
export function withinSubtree(managerId: string, targetId: string, targetAncestorIds: readonly string[]): boolean {
  return managerId === targetId || targetAncestorIds.includes(managerId);
}
