/**
 * The verified token as callers of latchkey see it: the `token` of an allowed `POST /v1/verify`
 * answer, what the middleware puts on a request (`req.latchkey`), and what the forward-auth
 * endpoint's X-Latchkey-* headers carry.
 */
import type { Catalogue } from "../core/catalogue.js";
import { scopeStrings } from "../core/permissions.js";
import type { TokenRecord } from "../core/verify-decision.js";

/** A token that verification allowed. */
export interface VerifiedToken {
  /** `tok_...` */
  readonly id: string;
  readonly name: string;
  /** `acc_...`: the account (tenant) the token belongs to. */
  readonly account_id: string;
  /** One scope string per area at the level held, in catalogue order (every area for Full access). */
  readonly scopes: readonly string[];
  /** Full access: every area, areas added later included. */
  readonly has_full: boolean;
  /** `"all"`, or the domains the token is limited to; a request naming no domain limits its answer to these. */
  readonly domains: "all" | readonly { readonly id: string; readonly name: string }[];
  /** RFC 3339 UTC instant, or null for never. */
  readonly expires_at: string | null;
  /** Which secret was presented: the current one, or the one a rotation replaced (still in its grace). */
  readonly secret: "current" | "previous";
  /**
   * The tokens this one descends from, `tok_...` ids, nearest first (its parent, then the parent's
   * parent...); empty for a root. A pause, delete or expiry of any of them refuses this token
   * (`token_parent_inactive`): a cache of decisions drops this token's on a change event naming any
   * of these ids (issue 10, break-test finding F3).
   */
  readonly ancestor_ids: readonly string[];
  /**
   * RFC 3339 UTC instant from which this allow stops holding by the clock alone: the earliest of the
   * token's `expires_at`, an ancestor's expiry and (for a previous secret) the end of its grace; null
   * when none. A cache of decisions must not reuse the allow from then on (break-test finding F15).
   */
  readonly valid_until: string | null;
}

/** Verified forms already made, by record: a record is never changed (a change replaces it). */
const verifiedForms = new WeakMap<TokenRecord, { readonly catalogue: Catalogue; readonly token: VerifiedToken }>();

/**
 * The verified form of a token record, made once per record and catalogue (forward-auth and the
 * middleware answer every allowed request with it: no scope strings or dates built per request).
 */
export function verifiedTokenOf(catalogue: Catalogue, record: TokenRecord): VerifiedToken {
  const made = verifiedForms.get(record);
  if (made !== undefined && made.catalogue === catalogue) return made.token;
  // Shared by every request of this record: frozen, so an application cannot change it for the next.
  const token = Object.freeze(makeVerifiedToken(catalogue, record));
  verifiedForms.set(record, { catalogue, token });
  return token;
}

function makeVerifiedToken(catalogue: Catalogue, record: TokenRecord): VerifiedToken {
  return {
    id: record.id,
    name: record.name,
    account_id: record.accountId,
    scopes: Object.freeze(scopeStrings(catalogue, record.permissions)),
    has_full: record.permissions.hasFull,
    domains: record.allDomains ? "all" : Object.freeze(record.domains.map((d) => Object.freeze({ id: d.id, name: d.name }))),
    expires_at: isoOrNull(record.expiresAtMillis),
    secret: record.secret,
    ancestor_ids: record.ancestorIds,
    valid_until: isoOrNull(validUntilMillis(record)),
  };
}

/**
 * Until when an allow of `record` holds by the clock alone, epoch milliseconds: the earliest of its
 * expiry, an ancestor's (`parentInactiveFromMillis`, when finite) and its secret's grace end; null
 * when none applies.
 */
export function validUntilMillis(record: TokenRecord): number | null {
  const limits = [record.expiresAtMillis, record.graceEndsAtMillis, record.parentInactiveFromMillis].filter(
    (m): m is number => m !== null && Number.isFinite(m),
  );
  return limits.length === 0 ? null : Math.min(...limits);
}

/** An epoch-milliseconds instant as RFC 3339 UTC text, or null. */
export function isoOrNull(millis: number | null): string | null {
  return millis === null ? null : new Date(millis).toISOString();
}

/** The body of a refusal in the verify contract: what `POST /v1/verify` answers with `allowed: false`. */
export interface RefusalBody {
  readonly allowed: false;
  /** The HTTP status the protected API answers with: 401, 403, or 400 for `unknown_area`. */
  readonly status: number;
  /** A code of src/core/error-catalog.ts, e.g. `token_paused`. */
  readonly code: string;
  readonly message: string;
  /** The scope string that would have been needed (`scope_missing` only). */
  readonly required?: string;
  /** Whole seconds to wait (rate_limited, credits_exhausted with a refill, limits_unavailable); sent as Retry-After. */
  readonly retry_after_seconds?: number;
}
