/**
 * The wire types of latchkey's /v1 API as the typed client (src/client/latchkey-client.ts) speaks
 * them, in the API's own words; test/client/client-openapi.test.ts checks every field name of each
 * request and response against the server's /openapi.json. Re-exported by `latchkey/client`.
 */

/** A domain as a token refers to it. */
export interface DomainRef {
  readonly id: string;
  readonly name: string;
}

/** A token (DESIGN.md, "Token object"); the secret is never part of it. */
export interface Token {
  readonly id: string;
  readonly name: string;
  /** `unpause`: active; `pause`: paused. */
  readonly status: "unpause" | "pause";
  readonly scopes: readonly string[];
  readonly has_full: boolean;
  readonly domains: "all" | readonly DomainRef[];
  /** The domain when the token has exactly one, else null. */
  readonly domain: DomainRef | null;
  readonly preview: string;
  /** RFC 3339 UTC instants; null: never / not yet. */
  readonly expires_at: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  /** Last use of the token by either secret (after a rotation: the later of the new and the old secret's). */
  readonly last_used_at: string | null;
  /** Refused before this instant (`token_not_yet_valid`); null: from creation. */
  readonly not_before: string | null;
  /** Client addresses and CIDR ranges it may be used from (`ip_not_allowed` otherwise); null: any. */
  readonly allowed_ips: readonly string[] | null;
  /** The secret the last rotation replaced, while kept: refused from `valid_until` (`token_rotated`). */
  readonly previous_secret: { readonly preview: string; readonly valid_until: string; readonly last_used_at: string | null } | null;
  /** Present (true) on canary tokens only. */
  readonly canary?: true;
}

/** A token just rotated: its new secret (`accessToken`, shown this once) and when the old one stops working. */
export interface RotatedToken extends Token {
  readonly accessToken: string;
  readonly previous_valid_until: string;
}

/**
 * The answer of `tokens.rotate`: the rotated token, and how far the rotation had reached every live
 * instance when it was answered (a replay: every change so far, its rotation among them).
 */
export interface RotateResult {
  readonly data: RotatedToken;
  readonly propagation: Propagation;
}

/** Body of `tokens.rotate`. */
export interface RotateTokenInput {
  /** How long the replaced secret keeps working, seconds, 0..2592000 (30 days). */
  readonly grace_seconds: number;
}

/** The answer of `tokens.lookup`: which token a secret belongs to. */
export interface TokenLookup {
  readonly id: string;
  readonly name: string;
  /** `current`, or `previous` for the secret a rotation replaced. */
  readonly secret: "current" | "previous";
}

/** The account's token policy (`GET/PUT /v1/account/policy`). */
export interface AccountPolicy {
  /** New tokens must expire within this many days (1..3650); null: no limit. */
  readonly max_lifetime_days: number | null;
  readonly expiry_required: boolean;
  readonly allowed_ips_required: boolean;
  /** Owners and Admins must sign in with two-factor (issue 16). */
  readonly two_factor_required_for_admins: boolean;
  readonly updated_at: string | null;
  /** Tokens made before the policy that break it (first 100); they keep working. */
  readonly out_of_policy: readonly { readonly id: string; readonly name: string; readonly rules: readonly string[] }[];
  readonly out_of_policy_total: number;
}

/** Body of `account.setPolicy`. */
export interface AccountPolicyInput {
  readonly max_lifetime_days: number | null;
  readonly expiry_required: boolean;
  readonly allowed_ips_required: boolean;
  /** Absent: unchanged. */
  readonly two_factor_required_for_admins?: boolean;
}

/** A token just created: the only time its secret (`accessToken`) is shown. */
export interface CreatedToken extends Token {
  readonly accessToken: string;
}

/** Body of `tokens.create`: `scopes` (Custom access) or `has_full: true`; `domain_id` or `domains`. */
export interface CreateTokenInput {
  /** 1..50 characters after trimming. */
  readonly name: string;
  readonly scopes?: readonly string[];
  readonly has_full?: boolean;
  readonly domain_id?: string;
  /** `"all"` (default) or domain ids. */
  readonly domains?: "all" | readonly string[];
  /** RFC 3339 with offset, or `YYYY-MM-DD` (through the end of that UTC day). */
  readonly expires_at?: string;
  /** RFC 3339 date-time with offset: refused before it. Immutable. */
  readonly not_before?: string;
  /** IPv4/IPv6 addresses and CIDR ranges (no host bits, no zone). Immutable. */
  readonly allowed_ips?: readonly string[];
  /** Named fixed windows (issue 14). */
  readonly rate_limits?: readonly RateWindow[] | null;
  /** Uses left, refilled daily or monthly. */
  readonly credits?: Credits | null;
  /** A canary token: grants nothing, every use reported as `canary.used` (docs/webhooks.md). */
  readonly canary?: boolean;
}

/** One rate window: at most `limit` verifications per `window_seconds` (windows aligned to the epoch). */
export interface RateWindow {
  readonly name: string;
  readonly limit: number;
  readonly window_seconds: number;
}

/** Credits: `remaining`, set to `refill.amount` at the start of each UTC day or month. */
export interface Credits {
  readonly remaining: number;
  readonly refill?: { readonly amount: number; readonly interval: "daily" | "monthly" } | null;
}

/** A token's limits as `tokens.limits` answers them (credits left as counted now). */
export interface TokenLimits {
  readonly rate_limits: readonly RateWindow[];
  readonly credits: { readonly remaining: number; readonly refill: { readonly amount: number; readonly interval: "daily" | "monthly" } | null } | null;
}

/** Which usage: `[from, to)` (RFC 3339 or YYYY-MM-DD; default the last 7 days), by hour or day. */
export interface UsageQuery {
  readonly from?: string;
  readonly to?: string;
  readonly granularity?: "hour" | "day";
}

/** Verifications over time by outcome code (`ok`, `scope_missing`, `rate_limited`, ...). */
export interface UsageReport {
  readonly from: string;
  readonly to: string;
  readonly granularity: string;
  readonly series: readonly { readonly start: string; readonly counts: Readonly<Record<string, number>> }[];
  readonly totals: Readonly<Record<string, number>>;
  readonly areas: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Busiest first. */
  readonly tokens: readonly { readonly token_id: string; readonly name: string | null; readonly total: number; readonly refused: number }[];
}

/** A token's usage, with its last use. */
export interface TokenUsageReport extends UsageReport {
  readonly last_use: { readonly used_at: string; readonly ip: string | null; readonly area: string; readonly method: string } | null;
}

/** A webhook endpoint (docs/webhooks.md); its signing secret is never part of it. */
export interface Webhook {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  /** Event types delivered, e.g. `token.paused`. */
  readonly events: readonly string[];
  readonly enabled: boolean;
  /** `failing`: latchkey disabled it after three days of failed deliveries. */
  readonly disabled_reason: "failing" | null;
  readonly failing_since: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

/** An endpoint just created: the only time its Standard Webhooks signing secret is shown. */
export interface CreatedWebhook extends Webhook {
  /** `whsec_...`: give it to `new Webhook(secret).verify(...)` of the standardwebhooks package. */
  readonly signing_secret: string;
}

/** Body of `webhooks.create`. */
export interface CreateWebhookInput {
  readonly name: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly enabled?: boolean;
}

/** Body of `webhooks.update`: any of the fields. */
export type UpdateWebhookInput = Partial<CreateWebhookInput>;

/** One delivery of an endpoint's log. */
export interface WebhookDelivery {
  readonly id: string;
  /** Also the `webhook-id` header. */
  readonly event_id: string;
  readonly event_type: string;
  readonly status: "pending" | "succeeded" | "failed";
  readonly attempts: number;
  readonly next_attempt_at: string | null;
  readonly last_attempt_at: string | null;
  readonly response_status: number | null;
  readonly duration_ms: number | null;
  /** The first bytes of the last answer, or why there was none. */
  readonly response: string | null;
  readonly created_at: string;
  readonly delivered_at: string | null;
}

/** Body of `tokens.update`: rename and/or pause or resume. */
export interface UpdateTokenInput {
  readonly name?: string;
  readonly status?: "pause" | "unpause";
}

export interface Domain {
  readonly id: string;
  readonly name: string;
  readonly created_at: string;
}

/** One area of the scope catalogue. */
export interface Area {
  readonly area: string;
  readonly label: string;
  readonly description: string;
  readonly levels: readonly ("none" | "read" | "full")[];
  readonly scopes: readonly string[];
}

export interface AuditEvent {
  readonly id: string;
  readonly action: string;
  readonly actor: { readonly type: string; readonly id: string | null };
  readonly target: { readonly type: string; readonly id: string };
  readonly ip: string | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly created_at: string;
}

/** A page of a list (MailerSend's and Laravel's shape). */
export interface Page<T> {
  readonly data: readonly T[];
  readonly links: { readonly first: string; readonly last: string; readonly prev: string | null; readonly next: string | null };
  readonly meta: {
    readonly current_page: number;
    readonly from: number | null;
    readonly last_page: number;
    readonly path: string;
    readonly per_page: number;
    readonly to: number | null;
    readonly total: number;
  };
}

/**
 * Which page: `page` from 1, `limit` 10..100 (default 25), or `cursor` (from a page's `links.next` or
 * `links.prev`: never skips or repeats a row while the list changes; not with `page`).
 */
export interface PageQuery {
  readonly page?: number;
  readonly limit?: number;
  readonly cursor?: string;
}

/** The answer of a pause or resume: the token, and how many tokens changed state (a cascade: its subtree). */
export interface CascadeResult {
  readonly data: Token;
  readonly changed: number;
  /** How far the change had reached every live instance when it was answered. */
  readonly propagation: Propagation;
}

/**
 * What a pause, resume, rename, delete or rotate answer says of its propagation (acknowledged revocation,
 * docs/deploy.md): live instances, those that had applied the change, the wait in milliseconds, and
 * the names of any that had not within LATCHKEY_REVOCATION_TIMEOUT_MS.
 */
export interface Propagation {
  readonly instances: number;
  readonly applied: number;
  readonly waited_ms: number;
  readonly lost: readonly string[];
}

/** Who made a token and how many it made (`GET /v1/token/{id}/family`). */
export interface TokenFamily {
  /** `cli`, `user:<id>`, `token:<id>`, or `token` when the parent is outside the caller's view. */
  readonly created_by: string;
  readonly parent_id: string | null;
  readonly children: number;
  readonly descendants: number;
}

/** Body of `verify`: may `token` do `method` on `area` for `domain`? */
export interface VerifyInput {
  readonly token: string;
  readonly method: string;
  readonly area: string;
  /** Domain id or name, or null/absent when the request names none. */
  readonly domain?: string | null;
  /** Credits the request spends (1..1,000,000; default 1). */
  readonly cost?: number;
  /** The client's address: a token with `allowed_ips` is refused without it; kept as the token's last use. */
  readonly ip?: string | null;
}

/** The token of an allowed verification. */
export interface VerifiedToken {
  readonly id: string;
  readonly name: string;
  readonly account_id: string;
  readonly scopes: readonly string[];
  readonly has_full: boolean;
  readonly domains: "all" | readonly DomainRef[];
  readonly expires_at: string | null;
  /** Which secret was presented: `current`, or `previous` (replaced by a rotation, still in its grace). */
  readonly secret: "current" | "previous";
  /** The tokens it descends from, nearest first; empty for a root. A change to any of them concerns it too. */
  readonly ancestor_ids: readonly string[];
  /** RFC 3339: from this instant the allow no longer holds by the clock alone (expiry, an ancestor's expiry, grace end), or null. */
  readonly valid_until: string | null;
}

/** The decision; `status` is what your API should answer (200, 401, 403, 400, 429, 503). */
export interface VerifyResult {
  readonly allowed: boolean;
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** The scope that would have been needed (`scope_missing`). */
  readonly required?: string;
  /** Seconds to wait (`rate_limited`, `credits_exhausted` with a refill, `limits_unavailable`). */
  readonly retry_after_seconds?: number;
  /** The full window (`rate_limited` by a token's window). */
  readonly window?: string;
  /** Allowed answers: false when the token has limits (do not reuse the answer). */
  readonly cacheable?: boolean;
  /** Present when allowed. */
  /** Allowed answers: which secret was presented. */
  readonly secret?: "current" | "previous";
  readonly token?: VerifiedToken;
}
