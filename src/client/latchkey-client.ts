/**
 * A typed client for latchkey's /v1 API (`import { createLatchkeyClient } from "latchkey/client"`),
 * over the global `fetch` (Node.js 18+, browsers, Deno, Bun, workers). No dependency.
 *
 *     const latchkey = createLatchkeyClient({ baseUrl: "http://127.0.0.1:8080", token: process.env.LATCHKEY_TOKEN });
 *     const { data } = await latchkey.tokens.create({ name: "CI", scopes: ["email_full"], domain_id: "dom_..." });
 *     await latchkey.tokens.pause(data.id);
 *
 * Types: written here in the API's own words and checked against the server's /openapi.json by
 * test/client/client-openapi.test.ts (every operation's method and path exists there, and every
 * field name of each request and response matches), so a change on either side fails the build
 * rather than a caller. Errors: any answer but 2xx throws {@link LatchkeyApiError} with the error
 * body's `code` (docs/errors.md); `verify` answers 200 with a refusal as data, as the API does.
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
  /** Last use of the current secret (after a rotation: of the new one). */
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
 * What a pause, resume, rename or delete answer says of its propagation (acknowledged revocation,
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

/** An answer other than 2xx: its status and the error body of docs/errors.md. */
export class LatchkeyApiError extends Error {
  constructor(
    readonly status: number,
    /** A code of docs/errors.md, e.g. `token_paused`; `unavailable` when the body was not latchkey's. */
    readonly code: string,
    message: string,
    readonly details: {
      readonly errors?: Readonly<Record<string, readonly string[]>>;
      readonly required?: string;
      readonly lacking?: readonly string[];
      /** From Retry-After, on 429. */
      readonly retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
    this.name = "LatchkeyApiError";
  }
}

/** Every operation of the client: its method and its path as /openapi.json names it. */
export const OPERATIONS = {
  listTokens: { method: "GET", path: "/v1/token" },
  showToken: { method: "GET", path: "/v1/token/{id}" },
  createToken: { method: "POST", path: "/v1/token" },
  updateToken: { method: "PUT", path: "/v1/token/{id}" },
  setTokenStatus: { method: "PUT", path: "/v1/token/{id}/settings" },
  deleteToken: { method: "DELETE", path: "/v1/token/{id}" },
  pauseToken: { method: "POST", path: "/v1/token/{id}/pause" },
  resumeToken: { method: "POST", path: "/v1/token/{id}/resume" },
  showTokenFamily: { method: "GET", path: "/v1/token/{id}/family" },
  listDomains: { method: "GET", path: "/v1/domains" },
  showDomain: { method: "GET", path: "/v1/domains/{id}" },
  createDomain: { method: "POST", path: "/v1/domains" },
  deleteDomain: { method: "DELETE", path: "/v1/domains/{id}" },
  listScopes: { method: "GET", path: "/v1/scopes" },
  listAudit: { method: "GET", path: "/v1/audit" },
  verify: { method: "POST", path: "/v1/verify" },
  getTokenLimits: { method: "GET", path: "/v1/token/{id}/limits" },
  setTokenLimits: { method: "PUT", path: "/v1/token/{id}/limits" },
  getTokenUsage: { method: "GET", path: "/v1/token/{id}/usage" },
  getAccountUsage: { method: "GET", path: "/v1/usage" },
  rotateToken: { method: "POST", path: "/v1/token/{id}/rotate" },
  lookupToken: { method: "POST", path: "/v1/token/lookup" },
  getAccountPolicy: { method: "GET", path: "/v1/account/policy" },
  setAccountPolicy: { method: "PUT", path: "/v1/account/policy" },
  listWebhooks: { method: "GET", path: "/v1/webhooks" },
  showWebhook: { method: "GET", path: "/v1/webhooks/{id}" },
  createWebhook: { method: "POST", path: "/v1/webhooks" },
  updateWebhook: { method: "PUT", path: "/v1/webhooks/{id}" },
  deleteWebhook: { method: "DELETE", path: "/v1/webhooks/{id}" },
  listWebhookDeliveries: { method: "GET", path: "/v1/webhooks/{id}/deliveries" },
  redeliverWebhookDelivery: { method: "POST", path: "/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver" },
} as const;

/** The name of an operation. */
export type OperationName = keyof typeof OPERATIONS;

/** How to reach latchkey. */
export interface LatchkeyClientOptions {
  /** Base URL of latchkey, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** The API token for the management routes (sent as `Authorization: Bearer`). */
  readonly token?: string;
  /** The shared key of `verify` when latchkey requires one (LATCHKEY_VERIFY_KEY). */
  readonly verifyKey?: string;
  /** How long to wait for an answer, in milliseconds (default 10,000). */
  readonly timeoutMillis?: number;
}

/** The client: one method per operation, grouped as the API is. */
export interface LatchkeyClient {
  readonly tokens: {
    list(query?: PageQuery): Promise<Page<Token>>;
    show(id: string): Promise<{ data: Token }>;
    create(input: CreateTokenInput): Promise<{ data: CreatedToken }>;
    update(id: string, input: UpdateTokenInput): Promise<{ data: Token }>;
    rename(id: string, name: string): Promise<{ data: Token }>;
    pause(id: string): Promise<{ data: Token }>;
    unpause(id: string): Promise<{ data: Token }>;
    /** Deletes for good; a second delete throws `not_found`. */
    delete(id: string): Promise<void>;
    /** Pauses a token; with `cascade: true` every token below it too, in one transaction. */
    pauseTree(id: string, options?: { readonly cascade?: boolean }): Promise<CascadeResult>;
    /** Resumes a token; with `cascade: true` every token below it too, in one transaction. */
    resumeTree(id: string, options?: { readonly cascade?: boolean }): Promise<CascadeResult>;
    /** Who made a token and how many tokens it made. */
    family(id: string): Promise<{ data: TokenFamily }>;
    /** A token's rate windows and credits. */
    limits(id: string): Promise<{ data: TokenLimits }>;
    /** Replaces a token's rate windows and credits (absent: none). */
    setLimits(id: string, limits: { rate_limits?: readonly RateWindow[] | null; credits?: Credits | null }): Promise<{ data: TokenLimits }>;
    /** A token's verifications over time by outcome. */
    usage(id: string, query?: UsageQuery): Promise<{ data: TokenUsageReport }>;
    /**
     * A new secret for the same token; the old one works for `grace_seconds`. Give `idempotencyKey`
     * (e.g. a UUID) to retry safely: a retry within 10 minutes gets the same secret.
     */
    rotate(id: string, input: RotateTokenInput, options?: { readonly idempotencyKey?: string }): Promise<{ data: RotatedToken }>;
    /** Which token a secret belongs to (throws `not_found` for one you may not manage). */
    lookup(secret: string): Promise<{ data: TokenLookup }>;
  };
  readonly account: {
    policy(): Promise<{ data: AccountPolicy }>;
    setPolicy(input: AccountPolicyInput): Promise<{ data: AccountPolicy }>;
  };
  readonly usage: { account(query?: UsageQuery): Promise<{ data: UsageReport }> };
  readonly domains: {
    list(query?: PageQuery): Promise<Page<Domain>>;
    show(id: string): Promise<{ data: Domain }>;
    create(name: string): Promise<{ data: Domain }>;
    delete(id: string): Promise<void>;
  };
  readonly scopes: { list(): Promise<{ data: Area[] }> };
  readonly audit: { list(query?: PageQuery): Promise<Page<AuditEvent>> };
  verify(input: VerifyInput): Promise<VerifyResult>;
  /** Webhook endpoints (needs webhooks_full for all domains). */
  readonly webhooks: {
    list(query?: PageQuery): Promise<Page<Webhook>>;
    show(id: string): Promise<{ data: Webhook }>;
    create(input: CreateWebhookInput): Promise<{ data: CreatedWebhook }>;
    update(id: string, input: UpdateWebhookInput): Promise<{ data: Webhook }>;
    delete(id: string): Promise<void>;
    deliveries(id: string, query?: PageQuery): Promise<Page<WebhookDelivery>>;
    /** Queues the delivery's event again (same webhook-id). */
    redeliver(id: string, deliveryId: string): Promise<{ data: WebhookDelivery }>;
  };
}

/** Makes a client. */
export function createLatchkeyClient(options: LatchkeyClientOptions): LatchkeyClient {
  const call = async <T>(operation: OperationName, request: { id?: string; deliveryId?: string; query?: PageQuery | UsageQuery; body?: unknown; idempotencyKey?: string } = {}): Promise<T> => {
    const { method, path } = OPERATIONS[operation];
    const url = new URL(path.replace("{id}", encodeURIComponent(request.id ?? "")).replace("{deliveryId}", encodeURIComponent(request.deliveryId ?? "")), options.baseUrl);
    for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { accept: "application/json" };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (operation === "verify" && options.verifyKey !== undefined) headers["x-latchkey-verify-key"] = options.verifyKey;
    if (request.body !== undefined) headers["content-type"] = "application/json";
    if (request.idempotencyKey !== undefined) headers["idempotency-key"] = request.idempotencyKey;
    const response = await fetch(url, {
      method,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: AbortSignal.timeout(options.timeoutMillis ?? 10_000),
    });
    const text = await response.text();
    const body: unknown = text === "" ? undefined : parseJson(text);
    if (!response.ok) throw apiError(response, body);
    return body as T;
  };
  const setStatus = (id: string, status: "pause" | "unpause") => call<{ data: Token }>("setTokenStatus", { id, body: { status } });
  return {
    tokens: {
      list: (query) => call("listTokens", query === undefined ? {} : { query }),
      show: (id) => call("showToken", { id }),
      create: (input) => call("createToken", { body: input }),
      update: (id, input) => call("updateToken", { id, body: input }),
      rename: (id, name) => call("updateToken", { id, body: { name } }),
      pause: (id) => setStatus(id, "pause"),
      unpause: (id) => setStatus(id, "unpause"),
      delete: (id) => call("deleteToken", { id }),
      pauseTree: (id, options = {}) => call("pauseToken", { id, body: { cascade: options.cascade === true } }),
      resumeTree: (id, options = {}) => call("resumeToken", { id, body: { cascade: options.cascade === true } }),
      family: (id) => call("showTokenFamily", { id }),
      limits: (id) => call("getTokenLimits", { id }),
      setLimits: (id, limits) => call("setTokenLimits", { id, body: limits }),
      usage: (id, query) => call("getTokenUsage", { id, ...(query === undefined ? {} : { query }) }),
      rotate: (id, input, rotateOptions) => call("rotateToken", { id, body: input, ...(rotateOptions?.idempotencyKey === undefined ? {} : { idempotencyKey: rotateOptions.idempotencyKey }) }),
      lookup: (secret) => call("lookupToken", { body: { secret } }),
    },
    account: {
      policy: () => call("getAccountPolicy"),
      setPolicy: (input) => call("setAccountPolicy", { body: input }),
    },
    usage: { account: (query) => call("getAccountUsage", query === undefined ? {} : { query }) },
    domains: {
      list: (query) => call("listDomains", query === undefined ? {} : { query }),
      show: (id) => call("showDomain", { id }),
      create: (name) => call("createDomain", { body: { name } }),
      delete: (id) => call("deleteDomain", { id }),
    },
    scopes: { list: () => call("listScopes") },
    audit: { list: (query) => call("listAudit", query === undefined ? {} : { query }) },
    verify: (input) => call("verify", { body: input }),
    webhooks: {
      list: (query) => call("listWebhooks", query === undefined ? {} : { query }),
      show: (id) => call("showWebhook", { id }),
      create: (input) => call("createWebhook", { body: input }),
      update: (id, input) => call("updateWebhook", { id, body: input }),
      delete: (id) => call("deleteWebhook", { id }),
      deliveries: (id, query) => call("listWebhookDeliveries", query === undefined ? { id } : { id, query }),
      redeliver: (id, deliveryId) => call("redeliverWebhookDelivery", { id, deliveryId }),
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function apiError(response: Response, body: unknown): LatchkeyApiError {
  const error = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const retryAfter = Number(response.headers.get("retry-after"));
  return new LatchkeyApiError(
    response.status,
    typeof error.code === "string" ? error.code : "unavailable",
    typeof error.message === "string" ? error.message : `latchkey answered ${response.status}`,
    {
      ...(typeof error.errors === "object" && error.errors !== null ? { errors: error.errors as Record<string, string[]> } : {}),
      ...(typeof error.required === "string" ? { required: error.required } : {}),
      ...(Array.isArray(error.lacking) ? { lacking: error.lacking as string[] } : {}),
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
    },
  );
}
