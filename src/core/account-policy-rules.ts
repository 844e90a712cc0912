/**
 * The account policy's rules (issue 13): limits an account puts on every new token, after GitHub's
 * and GitLab's organisation limits on token lifetime. Enforced when a token is created; tokens made
 * before a policy tightened keep working and are listed as out of policy.
 */

/** An account's policy. The default (no policy set) asks nothing. */
export interface AccountPolicy {
  /** Tokens must expire within this many days of creation (1..3650), or null: no limit. */
  readonly maxLifetimeDays: number | null;
  /** Tokens must have an expiry. */
  readonly expiryRequired: boolean;
  /** Tokens must have an address list (`allowed_ips`). */
  readonly allowedIpsRequired: boolean;
}

/** The policy of an account that has none. */
export const NO_POLICY: AccountPolicy = Object.freeze({ maxLifetimeDays: null, expiryRequired: false, allowedIpsRequired: false });

/** Largest `maxLifetimeDays`, about ten years. */
export const MAX_POLICY_LIFETIME_DAYS = 3650;

/** What the policy looks at of a token. */
export interface PolicySubject {
  /** When the token was (or is being) created, epoch milliseconds. */
  readonly createdAtMillis: number;
  /** Expiry, epoch milliseconds, or null for never. */
  readonly expiresAtMillis: number | null;
  /** Whether the token has an address list. */
  readonly hasAllowedIps: boolean;
}

/** A broken rule: its name (the policy field) and the token field it concerns. */
export interface PolicyViolation {
  /** `max_lifetime_days`, `expiry_required` or `allowed_ips_required`. */
  readonly rule: "max_lifetime_days" | "expiry_required" | "allowed_ips_required";
  /** `expires_at` or `allowed_ips`. */
  readonly field: "expires_at" | "allowed_ips";
  /** A sentence naming the rule, for the field's 422 message. */
  readonly message: string;
}

const DAY_MILLIS = 86_400_000;

/**
 * The rules a token breaks. A maximum lifetime implies an expiry: a token without one outlives any
 * limit, and is reported once (as `max_lifetime_days`, or `expiry_required` when that is set too).
 *
 * @returns the violations, empty when the token complies; in the order expiry, lifetime, addresses.
 */
export function policyViolations(policy: AccountPolicy, subject: PolicySubject): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  if (subject.expiresAtMillis === null) {
    if (policy.expiryRequired) violations.push({ rule: "expiry_required", field: "expires_at", message: "The account's policy requires an expiry (expiry_required)." });
    else if (policy.maxLifetimeDays !== null) violations.push({ rule: "max_lifetime_days", field: "expires_at", message: `The account's policy requires tokens to expire within ${policy.maxLifetimeDays} days (max_lifetime_days).` });
  } else if (policy.maxLifetimeDays !== null && subject.expiresAtMillis > subject.createdAtMillis + policy.maxLifetimeDays * DAY_MILLIS) {
    violations.push({ rule: "max_lifetime_days", field: "expires_at", message: `The account's policy requires tokens to expire within ${policy.maxLifetimeDays} days (max_lifetime_days).` });
  }
  if (policy.allowedIpsRequired && !subject.hasAllowedIps) violations.push({ rule: "allowed_ips_required", field: "allowed_ips", message: "The account's policy requires an address list (allowed_ips_required)." });
  return violations;
}

/**
 * The latest expiry the policy allows for a token created at `createdAtMillis`, or null when it sets
 * no limit (the dashboard offers only presets up to it).
 */
export function latestAllowedExpiry(policy: AccountPolicy, createdAtMillis: number): number | null {
  return policy.maxLifetimeDays === null ? null : createdAtMillis + policy.maxLifetimeDays * DAY_MILLIS;
}
