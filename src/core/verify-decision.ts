/**
 * The verification decision: may this token do METHOD on AREA for DOMAIN? A pure function of the
 * token's record, the request and the current instant. A refusal is data (a result with a code), not
 * an exception (after Unkey's verify).
 *
 * Order of checks (DESIGN.md, "Verification decision"): token_missing, token_malformed, token_unknown,
 * token_paused, token_expired, token_parent_inactive (an ancestor paused, deleted or expired: issue 10;
 * the token's own state is named first), then unknown_area, scope_missing, domain_not_allowed. DESIGN.md lists
 * unknown_area after the domain check; taken literally it could never be reached (no token holds a
 * level on an area the catalogue lacks, so scope_missing would always answer first, without a scope to
 * name), so the area is checked once the token is known to be live and before its level.
 *
 * Round 2 (DESIGN.md, "Round 2 additions"; issue 13): once the token is live, `token_rotated` (a
 * previous secret past its grace), `token_not_yet_valid`, `ip_not_allowed`, then the area and level,
 * then `domain_required` (a non-read request naming no domain, from a domain-scoped token) before
 * `domain_not_allowed`. Tokens without conditions pay one null test per condition.
 * Rate windows and credits (`rate_limited`, `credits_exhausted`, `limits_unavailable`) come after all
 * of these (DESIGN.md, "Round 2 additions"); they need counters, so src/service/usage-gate.ts applies them.
 */
import type { Catalogue, Level } from "./catalogue.js";
import { levelRank } from "./catalogue.js";
import { statusOf, type ErrorCode } from "./error-catalog.js";
import { normalizeDomainName } from "./input-rules.js";
import { levelHeld, requiredScope, type PermissionSet } from "./permissions.js";
import { conditionRefusal, type AddressList } from "./token-conditions.js";
import type { RecordLimits } from "./rate-limits.js";

/** A domain as tokens refer to it. */
export interface DomainRef {
  /** Prefixed id, `dom_...`. */
  readonly id: string;
  /** Normalised DNS name (lower case, no trailing dot). */
  readonly name: string;
}

/** What verification needs to know of a token; held in the verification cache. */
export interface TokenRecord {
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  readonly permissions: PermissionSet;
  /** True: every domain of the account, domains added later included. */
  readonly allDomains: boolean;
  /** The token's domains when `allDomains` is false; empty otherwise. */
  readonly domains: readonly DomainRef[];
  /** Expiry instant, epoch milliseconds, or null for never. */
  readonly expiresAtMillis: number | null;
  readonly paused: boolean;
  /** The ancestors' ids, parent first; empty for a root (lineage, src/core/token-lineage.ts). */
  readonly ancestorIds: readonly string[];
  /**
   * From when an ancestor is inactive, epoch milliseconds (`-Infinity`: one is paused or deleted now;
   * null: never); `token_parent_inactive` from then on. `permissions` and the domains are already the
   * effective ones, within every ancestor's (token-lineage.ts, `foldLineage`).
   */
  readonly parentInactiveFromMillis: number | null;
  /** Which of the token's secrets was presented: its current one, or the one a rotation replaced. */
  readonly secret: "current" | "previous";
  /** For a previous secret: the end of its grace, epoch milliseconds (refused from then on); else null. */
  readonly graceEndsAtMillis: number | null;
  /** Start instant, epoch milliseconds (refused before it), or null. */
  readonly notBeforeMillis: number | null;
  /** Allowed client addresses (parsed once, when the record is built), or null: any address. */
  readonly allowedIps: AddressList | null;
  /** Rate limits and credits (issue 14), checked after every other check; absent or null: none. */
  readonly limits?: RecordLimits | null;
}

/** How the presented secret was resolved before the decision. */
export type TokenLookup =
  | { readonly kind: "missing" }
  | { readonly kind: "malformed" }
  | { readonly kind: "unknown" }
  | { readonly kind: "found"; readonly record: TokenRecord };

/** The request being judged. */
export interface VerifyQuestion {
  /** Area key from the catalogue, matched exactly. */
  readonly area: string;
  /** The level asked for; from an HTTP method with `levelForMethod`. */
  readonly level: Exclude<Level, "none">;
  /**
   * The domain the request concerns, by id (`dom_...`) or name (case-insensitive, trailing dot
   * ignored, never by suffix), or null when the request names none (it is then judged on its area
   * alone, and the caller limits what it returns to the token's domains).
   */
  readonly domain: string | null;
  /** Credits this verification spends (1..1,000,000; default 1). Issue 14. */
  readonly cost?: number;
  /** HTTP method and client address, kept as the token's last use (issue 14). */
  readonly method?: string;
  /**
   * The client's address (IPv4 or IPv6 text), or null/absent when unknown. A token with an address
   * list refuses a verification without one (`ip_not_allowed`).
   */
  readonly ip?: string | null;
}

/** The decision. `status` is the HTTP status the protected API should answer with. */
export type VerifyDecision =
  | { readonly allowed: true; readonly code: "ok"; readonly status: 200; readonly record: TokenRecord }
  | {
      readonly allowed: false;
      readonly code: Extract<ErrorCode, "token_missing" | "token_malformed" | "token_unknown" | "token_paused" | "token_expired" | "token_parent_inactive" | "token_rotated" | "token_not_yet_valid" | "ip_not_allowed" | "unknown_area" | "scope_missing" | "domain_required" | "domain_not_allowed" | "rate_limited" | "credits_exhausted" | "limits_unavailable">;
      readonly status: number;
      /** The scope string that would have been needed (scope_missing only). */
      readonly required?: string;
      /** The token, when it was found (for audit and rate-limit keys; never sent for 401s). */
      readonly record?: TokenRecord;
      /** Whole seconds until a retry may succeed (rate_limited, credits_exhausted with a refill, limits_unavailable). */
      readonly retryAfterSeconds?: number;
      /** The window that is full (rate_limited from a token's window), and a message naming it. */
      readonly window?: string;
      readonly message?: string;
      /** True when the cost is more than the token's credits can ever hold: a 422 on `cost`, nothing spent. */
      readonly costNeverFits?: boolean;
    };

/**
 * Decides a verification.
 *
 * @param catalogue the areas in force.
 * @param lookup how the presented secret resolved.
 * @param question area, level and optional domain.
 * @param nowMillis the current instant, epoch milliseconds; expired when `now >= expiresAt`.
 * @param accountDomains the account's domains; consulted only for an all-domains token asked about a
 *   domain (a domain not in the account is not "all domains"). Pass an empty array when unknown.
 */
export function decide(
  catalogue: Catalogue,
  lookup: TokenLookup,
  question: VerifyQuestion,
  nowMillis: number,
  accountDomains: readonly DomainRef[],
): VerifyDecision {
  if (lookup.kind === "missing") return refuse("token_missing");
  if (lookup.kind === "malformed") return refuse("token_malformed");
  if (lookup.kind === "unknown") return refuse("token_unknown");
  const { record } = lookup;
  if (record.paused) return refuse("token_paused", record);
  if (record.expiresAtMillis !== null && nowMillis >= record.expiresAtMillis) return refuse("token_expired", record);
  if (record.parentInactiveFromMillis !== null && nowMillis >= record.parentInactiveFromMillis) return refuse("token_parent_inactive", record);
  const condition = conditionRefusal(record, nowMillis, question.ip);
  if (condition !== null) return refuse(condition, record);
  if (!catalogue.byKey.has(question.area)) return refuse("unknown_area", record);
  if (levelRank(levelHeld(catalogue, record.permissions, question.area)) < levelRank(question.level)) {
    const required = requiredScope(catalogue, question.area, question.level) ?? `${question.area}_${question.level}`;
    return { allowed: false, code: "scope_missing", status: statusOf("scope_missing"), required, record };
  }
  if (question.domain === null && !record.allDomains && question.level !== "read") return refuse("domain_required", record);
  if (question.domain !== null && !domainAllowed(record, question.domain, accountDomains)) return refuse("domain_not_allowed", record);
  return { allowed: true, code: "ok", status: 200, record };
}

/**
 * Whether a token may act for a domain given by id or name. Names compare exactly after
 * normalisation (lower case, trailing dot removed): `evilexample.com` and `a.example.com` are not
 * `example.com`.
 */
export function domainAllowed(record: TokenRecord, domain: string, accountDomains: readonly DomainRef[]): boolean {
  const candidates = record.allDomains ? accountDomains : record.domains;
  const name = normalizeDomainName(domain);
  return candidates.some((d) => d.id === domain || d.name === name);
}

function refuse(code: Exclude<VerifyDecision, { allowed: true }>["code"], record?: TokenRecord): VerifyDecision {
  return record === undefined ? { allowed: false, code, status: statusOf(code) } : { allowed: false, code, status: statusOf(code), record };
}
