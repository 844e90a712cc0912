/**
 * `/v1/forward-auth` (any method) and `/v1/forward-auth/envoy/*`: the check a reverse proxy makes
 * before it passes a request to the protected API (docs/forward-auth.md). The proxy names the
 * original request (src/http/original-request.ts); its path is normalised (src/http/request-path.ts)
 * and matched against the route map (src/http/route-matcher.ts), which gives the area and the domain;
 * the token of the original Authorization header is then verified as `POST /v1/verify` would.
 *
 * Allowed: 200, with `X-Latchkey-Token-Id`, `X-Latchkey-Account-Id`, `X-Latchkey-Scopes` (scope
 * strings joined by commas), `X-Latchkey-Domains` (`all`, or the token's domain names joined by
 * commas) and `X-Latchkey-Secret` (`current`, or `previous` for a secret a rotation replaced) for
 * the proxy to pass on. The client's address comes from X-Forwarded-For of a trusted proxy only. Refused: the decision's status (401, or 403) with the verify
 * contract's body `{allowed: false, status, code, message, required?}`, and `X-Latchkey-Code`, which
 * nginx can copy into its own error page. A path the proxy names badly, or that no route maps, is
 * refused with 403 (not 400: nginx's auth_request turns any status but 2xx, 401 and 403 into a 500).
 * Over a token's rate window or credits: 429 with Retry-After (503 limits_unavailable when the shared
 * counters are unreachable); behind nginx map them back with error_page (docs/forward-auth.md).
 *
 * Hot path: no database read besides the verifier's own (usually a cache hit).
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { ERROR_CATALOG, isErrorCode, statusOf, type ErrorCode } from "../../core/error-catalog.js";
import type { DomainSource } from "../../core/route-map.js";
import type { Latchkey } from "../../service/latchkey.js";
import type { App } from "../app-instance.js";
import { authorizationHeaders, readBearerToken } from "../bearer-token.js";
import { lazyChildLoggerFactory } from "../lazy-child-logger.js";
import { ENVOY_PREFIX, headerValue, originalRequestOf } from "../original-request.js";
import { normaliseRequestTarget, readQueryParameter } from "../request-path.js";
import type { RouteMatch, RouteMatcher } from "../route-matcher.js";
import { verifiedTokenOf, type RefusalBody } from "../verified-token.js";

/**
 * Every header the endpoint sets for the proxy, lower-case. Each documented proxy configuration sets
 * or clears every one of them on the request it passes on, so that a client's own never reaches the
 * API (docs/forward-auth.md; test/forward-auth/nginx.test.ts, test/docs/forward-auth-configs.test.ts).
 */
export const FORWARD_AUTH_HEADERS = ["x-latchkey-token-id", "x-latchkey-account-id", "x-latchkey-scopes", "x-latchkey-domains", "x-latchkey-code", "x-latchkey-secret"] as const;

/** The path of the forward-auth endpoint for nginx and Traefik. */
export const FORWARD_AUTH_PATH = "/v1/forward-auth";

/** Registers the endpoint, in a scope of its own that reads no request body. */
export async function registerForwardAuth(app: App, latchkey: Latchkey, routes: RouteMatcher): Promise<void> {
  await app.register(async (scope) => {
    // The proxy's check request has no body worth reading (nginx and Traefik send none, Envoy only
    // when told to); never parse one, so that a forwarded Content-Type cannot turn a check into a 400.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer" }, (_request, _body, done) => done(null, undefined));
    const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const startedAt = performance.now();
      const sent = await check(latchkey, routes, request, reply);
      const code = reply.getHeader("x-latchkey-code");
      latchkey.observer.verification("forward_auth", typeof code === "string" && isErrorCode(code) ? code : "ok", (performance.now() - startedAt) / 1000);
      return sent;
    };
    const options = { method: scope.supportedMethods, exposeHeadRoute: false, schema: { hide: true }, childLoggerFactory: lazyChildLoggerFactory, handler };
    scope.route({ ...options, url: FORWARD_AUTH_PATH });
    scope.route({ ...options, url: `${ENVOY_PREFIX}/*` });
  });
}

async function check(latchkey: Latchkey, routes: RouteMatcher, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const original = originalRequestOf(request.method, request.url, request.headers);
  if (original === null) return refuse(reply, "forward_headers_invalid");
  const target = normaliseRequestTarget(original.target);
  if (!target.ok) {
    request.log.info({ reason: target.reason }, "forward-auth: path rejected");
    return refuse(reply, "path_rejected");
  }
  const match = routes.match(original.method, target.path);
  if (match === null) return routes.unmatched === "allow" ? allow(reply) : refuse(reply, "route_not_mapped");
  const area = match.route.area;
  if (area === null) return allow(reply);
  const domain = domainOf(match, target.query, request);
  if (domain === "ambiguous") return refuse(reply, "domain_not_allowed");
  const presented = readBearerToken(authorizationHeaders(request.raw.rawHeaders));
  if (presented.kind === "malformed") return refuse(reply, "token_malformed");
  const ip = forwardedClientAddress(request);
  const answer = latchkey.verifySync({ token: presented.kind === "bearer" ? presented.token : null, method: original.method, area, domain, ip, clientIp: ip ?? request.ip });
  const decision = answer instanceof Promise ? await answer : answer;
  if (!decision.allowed) return refuse(reply, decision.code, decision.required, decision);
  const token = verifiedTokenOf(latchkey.catalogue, decision.record);
  reply.header("x-latchkey-token-id", token.id);
  reply.header("x-latchkey-account-id", token.account_id);
  reply.header("x-latchkey-scopes", token.scopes.join(","));
  reply.header("x-latchkey-domains", token.domains === "all" ? "all" : token.domains.map((d) => d.name).join(","));
  reply.header("x-latchkey-secret", token.secret);
  return allow(reply);
}

/**
 * The original client's address, for tokens with an address list (issue 13): the proxy's
 * X-Forwarded-For, read only when the check request comes from a LATCHKEY_TRUST_PROXY address
 * (Fastify's trustProxy: `request.ips` then holds the socket's address and those the trusted hops
 * name). Otherwise null, so a token with an address list is refused: the socket's address is the
 * proxy's, not the client's, and an untrusted header could name anyone. docs/forward-auth.md.
 */
function forwardedClientAddress(request: FastifyRequest): string | null {
  const hops = request.ips;
  return hops !== undefined && hops.length > 1 ? request.ip : null;
}

/**
 * The domain a matched request names: null when it names none, "ambiguous" when a query parameter
 * gives two different values or is spelled in a way another server may read as it (found by the
 * break test; src/http/request-path.ts, readQueryParameter).
 */
function domainOf(match: RouteMatch, query: string, request: FastifyRequest): string | null | "ambiguous" {
  const source: DomainSource | null = match.route.domain;
  if (source === null) return null;
  if ("param" in source) return match.params[source.param] || null;
  if ("header" in source) return headerValue(request.headers, source.header);
  const read = readQueryParameter(query, source.query);
  return read.kind === "value" ? read.value : read.kind === "none" ? null : "ambiguous";
}

function allow(reply: FastifyReply): FastifyReply {
  reply.header("cache-control", "no-store");
  return reply.code(200).send({ allowed: true, status: 200, code: "ok", message: "Allowed." });
}

function refuse(reply: FastifyReply, code: ErrorCode, required?: string, limit?: { readonly retryAfterSeconds?: number; readonly message?: string }): FastifyReply {
  const body: RefusalBody = { allowed: false, status: statusOf(code), code, message: limit?.message ?? ERROR_CATALOG[code].message, ...(required === undefined ? {} : { required }) };
  reply.header("cache-control", "no-store");
  reply.header("x-latchkey-code", code);
  // 429 rate_limited / credits_exhausted, 503 limits_unavailable (issue 14); nginx needs these mapped (docs/forward-auth.md).
  if (limit?.retryAfterSeconds !== undefined) reply.header("retry-after", String(limit.retryAfterSeconds));
  return reply.code(body.status).send(body);
}
