/**
 * The decision behind `requireScope` of every framework adapter (express-middleware.ts,
 * fastify-hook.ts, hono-middleware.ts): may the bearer token of this request do METHOD on AREA for
 * DOMAIN? Two ways to decide:
 *
 * - In-process (`options.latchkey`): the app shares latchkey's database and calls its verifier, so a
 *   pause, resume or delete is seen by the very next request (DESIGN.md).
 * - Remote (`options.url`): `POST {url}/v1/verify` on a running latchkey. Allowed decisions are
 *   cached only while subscribed to latchkey's change stream (GET /v1/changes, with `verifyKey` or
 *   `changesToken`; ./change-subscription.ts), which drops a token's decisions (and its descendants') when it is paused,
 *   resumed or deleted before latchkey answers the pause; each is kept at most `cacheTtlMillis`
 *   (default 1,000 ms, at most 2,000). Without a credential for the stream, or while it is down or
 *   silent, nothing is cached and every request asks latchkey. Refusals are never cached, and a token
 *   refused with a 401 drops every decision cached for it at once. Set `cacheTtlMillis: 0` to ask
 *   latchkey every time (and not subscribe). When latchkey cannot be reached, or answers anything but
 *   a decision, the request is refused with 503 `unavailable` (fail closed). A token with rate limits
 *   or credits is never cached (latchkey answers `cacheable: false`): each request is counted.
 *
 * The token is read from the Authorization header only (RFC 6750 section 2.1), as latchkey reads it;
 * a missing or malformed header is refused without asking anyone.
 *
 * This module imports no web framework and, for the remote mode, nothing that opens a database: the
 * `Latchkey` type is a type-only import.
 */
import { createHash } from "node:crypto";
import { ERROR_CATALOG, statusOf, type ErrorCode } from "../core/error-catalog.js";
import { levelForMethod } from "../core/permissions.js";
import { authorizationHeaders, readBearerToken } from "../http/bearer-token.js";

export { authorizationHeaders };
import { verifiedTokenOf, type RefusalBody, type VerifiedToken } from "../http/verified-token.js";
import type { Latchkey } from "../service/latchkey.js";
import { StreamedDecisionCache, type StreamCredential } from "./change-subscription.js";

export type { RefusalBody, VerifiedToken } from "../http/verified-token.js";

/**
 * The domain a request concerns: an id (`dom_...`) or a name, or null/undefined when it names none
 * (it is then judged on its area alone; limit what you return to `token.domains`). An array is the
 * several values a query parameter can have: one distinct value is that domain, more are refused
 * (`domain_not_allowed`), since the handler might read any of them.
 */
export type DomainOfRequest = string | readonly string[] | null | undefined;

/** Options of `requireScope`, the same for every framework; `Request` is the framework's request. */
export interface RequireScopeOptions<Request> {
  /** In-process: a Latchkey opened over latchkey's database. Give this or `url`, not both. */
  readonly latchkey?: Latchkey;
  /** Remote: base URL of a running latchkey, e.g. `http://127.0.0.1:8080`. */
  readonly url?: string;
  /** Remote: the shared key latchkey requires on /v1/verify (LATCHKEY_VERIFY_KEY), if any. */
  readonly verifyKey?: string;
  /** Remote: how long an allowed decision is reused while the change stream vouches for it, in milliseconds, 0..2000 (default 1000). */
  readonly cacheTtlMillis?: number;
  /**
   * Remote: an API token with `tokens_full` to subscribe to the change stream with when no
   * `verifyKey` is given; only decisions for that token and the tokens made under it are then cached
   * (its stream carries only the changes of the tokens in its reach).
   */
  readonly changesToken?: string;
  /** Remote: how long to wait for latchkey, in milliseconds (default 2000). */
  readonly timeoutMillis?: number;
  /**
   * The domain the request concerns (default: none). A request naming none is allowed to a
   * domain-scoped token for read methods only (GET, HEAD, OPTIONS); any other is refused with 403
   * `domain_required`.
   */
  readonly domain?: (request: Request) => DomainOfRequest | Promise<DomainOfRequest>;
  /**
   * The client's address, for tokens with an address list (default: the framework's own, Express
   * `req.ip` and Fastify `request.ip`, which follow their trust-proxy settings; Hono on Node: the
   * socket's address). Return null when unknown: a token with an address list is then refused.
   */
  readonly clientAddress?: (request: Request) => string | null | undefined;
}

/** The outcome for one request: the token, or the response to send (the verify contract's body). */
export type GuardResult =
  | { readonly allowed: true; readonly token: VerifiedToken }
  | { readonly allowed: false; readonly status: number; readonly body: RefusalBody };

/** Decides requests for one area. */
export interface ScopeGuard {
  /**
   * @param method the request's method (GET, HEAD, OPTIONS need read; any other full).
   * @param authorization the Authorization header as received: every value when the request repeats
   *   it (from `rawHeaders`, see authorizationHeaders), which is refused as token_malformed.
   * @param domain the domain the request concerns.
   * @param ip the client's address, or null/undefined when unknown.
   * @throws only what a remote call cannot turn into a refusal (never for a bad token).
   */
  check(method: string, authorization: string | readonly string[] | undefined, domain: DomainOfRequest, ip?: string | null): Promise<GuardResult>;
}

/** The longest an allowed decision may be reused remotely, in milliseconds. */
export const MAX_CACHE_TTL_MILLIS = 2000;

/**
 * Builds the guard of `requireScope(area, options)`.
 *
 * @param area an area key of latchkey's catalogue, e.g. `domains`.
 * @throws TypeError when neither or both of `latchkey` and `url` are given, when `cacheTtlMillis` is
 *   outside 0..2000, or (in-process) when the catalogue has no such area.
 */
export function createScopeGuard<Request>(area: string, options: RequireScopeOptions<Request>): ScopeGuard {
  if ((options.latchkey === undefined) === (options.url === undefined))
    throw new TypeError("requireScope: give either options.latchkey (in-process) or options.url (remote latchkey), not both");
  const decide = options.latchkey !== undefined ? inProcess(area, options.latchkey) : remote(area, options.url ?? "", options);
  return {
    async check(method, authorization, rawDomain, ip) {
      const presented = readBearerToken(authorization);
      if (presented.kind === "none") return refusal("token_missing");
      if (presented.kind === "malformed") return refusal("token_malformed");
      // Anything but a string or an array of strings (qs turns `?domain[a]=x` into an object) is refused.
      const given: unknown = rawDomain;
      if (given !== null && given !== undefined && typeof given !== "string" && !(Array.isArray(given) && given.every((d) => typeof d === "string")))
        return refusal("domain_not_allowed");
      const domains =
        rawDomain === null || rawDomain === undefined ? [] : [...new Set(typeof rawDomain === "string" ? [rawDomain] : rawDomain)].filter((d) => d !== "");
      if (domains.length > 1) return refusal("domain_not_allowed");
      return decide(presented.token, method, domains[0] ?? null, typeof ip === "string" && ip !== "" ? ip : null);
    },
  };
}

type Decide = (token: string, method: string, domain: string | null, ip: string | null) => Promise<GuardResult>;

function inProcess(area: string, latchkey: Latchkey): Decide {
  if (!latchkey.catalogue.byKey.has(area)) throw new TypeError(`requireScope: "${area}" is not an area of latchkey's catalogue`);
  return async (token, method, domain, ip) => {
    const startedAt = performance.now();
    const decision = await latchkey.verify({ token, method, area, domain, ip });
    latchkey.observer.verification("middleware", decision.allowed ? "ok" : decision.code, (performance.now() - startedAt) / 1000);
    if (decision.allowed) return { allowed: true, token: verifiedTokenOf(latchkey.catalogue, decision.record) };
    if (decision.retryAfterSeconds !== undefined || decision.message !== undefined) {
      const body: RefusalBody = {
        allowed: false,
        status: decision.status,
        code: decision.code,
        message: decision.message ?? ERROR_CATALOG[decision.code].message,
        ...(decision.retryAfterSeconds === undefined ? {} : { retry_after_seconds: decision.retryAfterSeconds }),
      };
      return { allowed: false, status: decision.status, body };
    }
    return refusal(decision.code, decision.required);
  };
}

/** The answer of POST /v1/verify (src/http/routes/verify.ts). */
interface VerifyAnswer {
  readonly allowed: boolean;
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly required?: string;
  readonly retry_after_seconds?: number;
  /** False when the token has rate limits or credits: every request must be counted, so none is reused. */
  readonly cacheable?: boolean;
  readonly token?: VerifiedToken;
}

function remote(
  area: string,
  url: string,
  options: Pick<RequireScopeOptions<never>, "cacheTtlMillis" | "timeoutMillis" | "verifyKey" | "changesToken">,
): Decide {
  const ttl = options.cacheTtlMillis ?? 1000;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_CACHE_TTL_MILLIS)
    throw new TypeError(`requireScope: cacheTtlMillis must be a whole number 0..${MAX_CACHE_TTL_MILLIS}`);
  const endpoint = new URL("/v1/verify", url).toString();
  const timeoutMillis = options.timeoutMillis ?? 2000;
  const credential: StreamCredential | null =
    options.verifyKey !== undefined ? { verifyKey: options.verifyKey } : options.changesToken !== undefined ? { token: options.changesToken } : null;
  const cache = ttl === 0 || credential === null ? null : sharedCache(url, ttl, credential);
  return async (token, method, domain, ip) => {
    const tokenKey = createHash("sha256").update(token).digest("base64url");
    const questionKey = `${area} ${levelForMethod(method)} ${domain ?? ""} ${ip ?? ""}`;
    const cached = cache?.get(tokenKey, questionKey);
    if (cached !== undefined) return { allowed: true, token: cached };
    const generation = cache?.generation ?? 0;
    let answer: VerifyAnswer;
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", ...(options.verifyKey === undefined ? {} : { "x-latchkey-verify-key": options.verifyKey }) },
        body: JSON.stringify({ token, method, area, domain, ip }),
        signal: AbortSignal.timeout(timeoutMillis),
      });
      const body = (await response.json()) as VerifyAnswer & { code?: string };
      if (response.status === 429) return refusal("rate_limited");
      if (response.status !== 200 || typeof body.allowed !== "boolean") return refusal("unavailable");
      answer = body;
    } catch {
      return refusal("unavailable");
    }
    if (answer.allowed) {
      if (answer.token === undefined) return refusal("unavailable");
      // A token with limits is never reused: every request must be counted (issue 14).
      if (answer.cacheable !== false) cache?.set(tokenKey, questionKey, answer.token, generation);
      return { allowed: true, token: answer.token };
    }
    if (answer.status === 401) cache?.delete(tokenKey);
    const body: RefusalBody = {
      allowed: false,
      status: answer.status,
      code: answer.code,
      message: answer.message,
      ...(answer.required === undefined ? {} : { required: answer.required }),
      ...(typeof answer.retry_after_seconds === "number" ? { retry_after_seconds: answer.retry_after_seconds } : {}),
    };
    return { allowed: false, status: answer.status, body };
  };
}

/**
 * Secret hash -> allowed decisions by (area, level, domain), one cache (and one change stream
 * subscription) per latchkey URL, TTL and credential, shared by every guard of the process: one entry
 * per token, so a 401 seen by any guard drops all of that token's decisions, and they all expire
 * `ttl` after the first was stored.
 */
const caches = new Map<string, StreamedDecisionCache>();

function sharedCache(url: string, ttl: number, credential: StreamCredential): StreamedDecisionCache {
  const key = `${ttl} ${new URL(url).origin} ${createHash("sha256").update(JSON.stringify(credential)).digest("base64url")}`;
  let cache = caches.get(key);
  if (cache === undefined) {
    cache = new StreamedDecisionCache(url, credential, ttl);
    caches.set(key, cache);
  }
  return cache;
}

/**
 * Closes every change stream subscription of this process and drops what was cached (on shutdown:
 * an open subscription keeps the process running). Guards made before keep working, uncached.
 */
export function closeRemoteCaches(): void {
  for (const cache of caches.values()) cache.close();
  caches.clear();
}

function refusal(code: ErrorCode, required?: string): GuardResult {
  const status = statusOf(code);
  return {
    allowed: false,
    status,
    body: { allowed: false, status, code, message: ERROR_CATALOG[code].message, ...(required === undefined ? {} : { required }) },
  };
}
