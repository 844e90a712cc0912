/**
 * A typed client for latchkey's /v1 API (`import { createLatchkeyClient } from "latchkey/client"`),
 * over the global `fetch` (Node.js 18+, browsers, Deno, Bun, workers). No dependency.
 *
 *     const latchkey = createLatchkeyClient({ baseUrl: "http://127.0.0.1:8080", token: process.env.LATCHKEY_TOKEN });
 *     const { data } = await latchkey.tokens.create({ name: "CI", scopes: ["email_full"], domain_id: "dom_..." });
 *     await latchkey.tokens.pause(data.id);
 *
 * Types: written in src/client/client-types.ts in the API's own words and checked against the server's /openapi.json by
 * test/client/client-openapi.test.ts (every operation's method and path exists there, and every
 * field name of each request and response matches), so a change on either side fails the build
 * rather than a caller. Errors: any answer but 2xx throws {@link LatchkeyApiError} with the error
 * body's `code` (docs/errors.md); `verify` answers 200 with a refusal as data, as the API does.
 */

import type {
  Token,
  RotateResult,
  RotateTokenInput,
  TokenLookup,
  AccountPolicy,
  AccountPolicyInput,
  CreatedToken,
  CreateTokenInput,
  RateWindow,
  Credits,
  TokenLimits,
  UsageQuery,
  UsageReport,
  TokenUsageReport,
  Webhook,
  CreatedWebhook,
  CreateWebhookInput,
  UpdateWebhookInput,
  WebhookDelivery,
  UpdateTokenInput,
  Domain,
  Area,
  AuditEvent,
  Page,
  PageQuery,
  CascadeResult,
  TokenFamily,
  VerifyInput,
  VerifyResult,
} from "./client-types.js";

export type * from "./client-types.js";

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
    rotate(id: string, input: RotateTokenInput, options?: { readonly idempotencyKey?: string }): Promise<RotateResult>;
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
