/**
 * The account policy (issue 13): `GET/PUT /v1/account/policy`. Who may read and set it: a token with
 * Full access for all domains, or a signed-in Admin (src/core/roles.ts), or the operator at the CLI. The policy binds
 * new tokens only (TokenService.create, through src/service/creation-conditions.ts); tokens made
 * before it tightened keep working and are listed as out of policy: those the caller may see (a
 * token: its own subtree, token-visibility.ts; F17).
 */
import { MAX_POLICY_LIFETIME_DAYS, NO_POLICY, policyViolations, type AccountPolicy, type PolicyViolation } from "../core/account-policy-rules.js";
import type { Catalogue } from "../core/catalogue.js";
import type { Clock } from "../core/clock.js";
import { findAccountPolicy, listTokensForPolicy, saveAccountPolicy } from "../store/policy-store.js";
import type { Store } from "../store/store.js";
import { recordAuditEvent } from "./audit-log.js";
import type { IdFactory } from "./id-factory.js";
import { accountOf, type ActorContext, type Principal } from "./principal.js";
import { ServiceError, validationError } from "./service-error.js";
import { tokenViewerOf } from "./token-visibility.js";
import type { TokenViewer } from "../store/token-lineage-store.js";

/** A token that a policy set later would refuse: its id, name and the rules it breaks. */
export interface OutOfPolicyToken {
  readonly id: string;
  readonly name: string;
  readonly rules: readonly PolicyViolation["rule"][];
}

/** The policy and the tokens outside it. */
export interface PolicyView {
  readonly policy: AccountPolicy;
  /** When the policy was last set, RFC 3339, or null (never). */
  readonly updatedAt: string | null;
  /** Up to {@link OUT_OF_POLICY_LISTED} tokens outside the policy that the caller may see (token-visibility.ts), newest first. */
  readonly outOfPolicy: readonly OutOfPolicyToken[];
  /** How many of the tokens the caller may see are outside the policy. */
  readonly outOfPolicyTotal: number;
  /** Owners and Admins must sign in with two-factor (issue 16; enforced in src/http/session-cookie.ts). */
  readonly twoFactorRequiredForAdmins: boolean;
}

/** Most out-of-policy tokens listed in one answer. */
export const OUT_OF_POLICY_LISTED = 100;

/** The input of {@link AccountPolicyService.set}, already of the right JSON types (the HTTP schema checks those). */
export interface PolicyInput {
  readonly maxLifetimeDays: number | null;
  readonly expiryRequired: boolean;
  readonly allowedIpsRequired: boolean;
  /** Require two-factor sign-in of owners and Admins; absent: unchanged. */
  readonly twoFactorRequiredForAdmins?: boolean;
}

/** An account's policy as stored, or {@link NO_POLICY}. */
export async function policyOfAccount(store: Store, accountId: string): Promise<AccountPolicy> {
  const row = await findAccountPolicy(store, accountId);
  if (row === undefined) return NO_POLICY;
  return { maxLifetimeDays: row.max_lifetime_days, expiryRequired: row.expiry_required === 1, allowedIpsRequired: row.allowed_ips_required === 1 };
}

export class AccountPolicyService {
  constructor(private readonly deps: { readonly store: Store; readonly catalogue: Catalogue; readonly clock: Clock; readonly ids: IdFactory }) {}

  /**
   * The actor's account's policy, with the tokens outside it.
   *
   * @throws ServiceError scope_missing (`required: full_access`), all_domains_required.
   */
  async get(actor: ActorContext): Promise<PolicyView> {
    requirePolicyAdmin(actor.principal);
    return this.view(accountOf(actor.principal), tokenViewerOf(actor.principal, this.deps.catalogue));
  }

  /**
   * Sets the actor's account's policy (every field; audited as `account.policy.update`).
   *
   * @throws ServiceError scope_missing, all_domains_required, validation_failed (`max_lifetime_days`
   *   not a whole number 1..3650 or null).
   */
  async set(actor: ActorContext, input: PolicyInput): Promise<PolicyView> {
    requirePolicyAdmin(actor.principal);
    const days = input.maxLifetimeDays;
    if (days !== null && (!Number.isInteger(days) || days < 1 || days > MAX_POLICY_LIFETIME_DAYS)) {
      throw validationError({ max_lifetime_days: [`max_lifetime_days must be a whole number of days, 1..${MAX_POLICY_LIFETIME_DAYS}, or null for no limit.`] });
    }
    const accountId = accountOf(actor.principal);
    const { store, clock, ids } = this.deps;
    await store.transaction(async (tx) => {
      const twoFactor = input.twoFactorRequiredForAdmins ?? (await findAccountPolicy(tx, accountId))?.two_factor_required_for_admins === 1;
      await saveAccountPolicy(tx, {
        account_id: accountId,
        max_lifetime_days: days,
        expiry_required: input.expiryRequired ? 1 : 0,
        allowed_ips_required: input.allowedIpsRequired ? 1 : 0,
        updated_at: new Date(clock.nowMillis()).toISOString(),
        two_factor_required_for_admins: twoFactor ? 1 : 0,
      });
      await recordAuditEvent(tx, ids, clock, actor, {
        action: "account.policy.update",
        targetType: "account",
        targetId: accountId,
        details: { max_lifetime_days: days, expiry_required: input.expiryRequired, allowed_ips_required: input.allowedIpsRequired, two_factor_required_for_admins: twoFactor },
      });
    });
    return this.view(accountId, tokenViewerOf(actor.principal, this.deps.catalogue));
  }

  /** The policy and the out-of-policy tokens `viewer` may see (F17: a token, its own subtree). */
  private async view(accountId: string, viewer: TokenViewer | null): Promise<PolicyView> {
    const { store } = this.deps;
    const row = await findAccountPolicy(store, accountId);
    const policy = await policyOfAccount(store, accountId);
    const outside: OutOfPolicyToken[] = [];
    let total = 0;
    if (policy !== NO_POLICY) {
      for (const token of await listTokensForPolicy(store, accountId, viewer)) {
        const broken = policyViolations(policy, {
          createdAtMillis: Date.parse(token.created_at),
          expiresAtMillis: token.expires_at === null ? null : Date.parse(token.expires_at),
          hasAllowedIps: token.allowed_ips !== null,
        });
        if (broken.length === 0) continue;
        total++;
        if (outside.length < OUT_OF_POLICY_LISTED) outside.push({ id: token.id, name: token.name, rules: broken.map((v) => v.rule) });
      }
    }
    return { policy, updatedAt: row?.updated_at ?? null, outOfPolicy: outside, outOfPolicyTotal: total, twoFactorRequiredForAdmins: row?.two_factor_required_for_admins === 1 };
  }
}

/**
 * Who may read and set the policy: a token with Full access for all domains (a policy binds every
 * token of the account), a signed-in user, the operator.
 *
 * @throws ServiceError scope_missing with `required: full_access`; all_domains_required.
 */
export function requirePolicyAdmin(principal: Principal): void {
  if (principal.kind === "operator") return;
  if (principal.kind === "user") {
    if (principal.role.name !== "Admin") throw new ServiceError("scope_missing", { message: "Only an Admin may read or set the account policy.", required: "full_access" });
    return;
  }
  if (!principal.record.permissions.hasFull) throw new ServiceError("scope_missing", { message: "Only a token with Full access for all domains may read or set the account policy.", required: "full_access" });
  if (!principal.record.allDomains) throw new ServiceError("all_domains_required", { message: "Only a token with Full access for all domains may read or set the account policy." });
}
