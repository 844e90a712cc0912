/**
 * The conditions of use asked for at token creation (issue 13), checked and prepared for storage:
 * `not_before` and `allowed_ips` (src/core/token-conditions.ts), the account policy
 * (src/core/account-policy-rules.ts), and the ceiling a creating token puts on them (a child's
 * addresses within its parent's, its start no earlier). Called by TokenService.create.
 */
import { policyViolations, type AccountPolicy } from "../core/account-policy-rules.js";
import { parseExpiry } from "../core/input-rules.js";
import { conditionsLacking, notBeforeProblem, type AddressList } from "../core/token-conditions.js";
import type { TokenRecord } from "../core/verify-decision.js";
import { parseAllowedIps } from "./address-list.js";

/** The conditions as given in a create request. */
export interface ConditionsInput {
  /** RFC 3339 date-time with an offset. */
  readonly notBefore?: string;
  /** IPv4/IPv6 addresses and CIDR ranges. */
  readonly allowedIps?: readonly string[];
}

/** Checked conditions, ready to store. */
export interface CheckedConditions {
  readonly notBeforeMillis: number | null;
  readonly allowedIps: AddressList | null;
}

/**
 * Checks the conditions of a new token and the account's policy, adding each problem to `problem`
 * (field name, sentence): `not_before` (not an RFC 3339 date-time, or not before `expires_at`),
 * `allowed_ips` (each bad entry: not an address, host bits set, a zone, too many), and each policy
 * rule broken (on `expires_at` or `allowed_ips`, naming the rule).
 *
 * @param expiresAtMillis the new token's checked expiry, or null (none, or it was refused).
 * @param nowMillis the creation instant.
 */
export function checkCreationConditions(
  input: ConditionsInput,
  policy: AccountPolicy,
  expiresAtMillis: number | null,
  expiryGiven: boolean,
  nowMillis: number,
  problem: (field: string, message: string) => void,
): CheckedConditions {
  let notBeforeMillis: number | null = null;
  if (input.notBefore !== undefined) {
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(input.notBefore) ? null : parseExpiry(input.notBefore, Number.NEGATIVE_INFINITY);
    if (parsed === null || !parsed.ok) problem("not_before", "not_before must be an RFC 3339 date-time with an offset, e.g. 2026-12-31T09:00:00Z.");
    else {
      const order = notBeforeProblem(parsed.value, expiresAtMillis);
      if (order !== null) problem("not_before", order);
      else notBeforeMillis = parsed.value;
    }
  }
  let allowedIps: AddressList | null = null;
  if (input.allowedIps !== undefined) {
    const parsed = parseAllowedIps(input.allowedIps);
    if (parsed.ok) allowedIps = parsed.list;
    else for (const p of parsed.problems) problem("allowed_ips", p);
  }
  for (const violation of policyViolations(policy, { createdAtMillis: nowMillis, expiresAtMillis, hasAllowedIps: input.allowedIps !== undefined })) {
    // A refused expiry is reported already; the policy's view of it would only repeat that.
    if (violation.field === "expires_at" && expiryGiven && expiresAtMillis === null) continue;
    problem(violation.field, violation.message);
  }
  return { notBeforeMillis, allowedIps };
}

/**
 * The conditions a child token gets under its parent (the creating token), and what it asks beyond
 * them: a child that names no address list gets its parent's, one that names no start gets its
 * parent's; a list or start outside the parent's is lacking (`allowed_ips`, `not_before`; the
 * expiry is the ceiling's own check, src/core/token-ceiling.ts).
 *
 * The parent is the token that creates (lineage records it as `parent_id`); conditions are immutable
 * on both sides, so containment checked here holds for the child's life.
 */
export function childConditions(parent: TokenRecord, child: CheckedConditions, childExpiresAtMillis: number | null): { conditions: CheckedConditions; lacking: string[] } {
  const conditions: CheckedConditions = {
    notBeforeMillis: child.notBeforeMillis ?? parent.notBeforeMillis,
    allowedIps: child.allowedIps ?? parent.allowedIps,
  };
  const lacking = conditionsLacking(
    { notBeforeMillis: parent.notBeforeMillis, expiresAtMillis: parent.expiresAtMillis, allowedIps: parent.allowedIps?.ranges ?? null },
    { notBeforeMillis: conditions.notBeforeMillis, expiresAtMillis: childExpiresAtMillis, allowedIps: conditions.allowedIps?.ranges ?? null },
  ).filter((field) => field !== "expires_at");
  return { conditions, lacking };
}
