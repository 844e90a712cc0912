/**
 * Who is calling: the API token in the Authorization header, or else (for the dashboard) a principal
 * from one of the app's resolvers. Failures are ServiceErrors with the 401 codes of DESIGN.md.
 */
import type { FastifyRequest } from "fastify";
import type { Latchkey } from "../service/latchkey.js";
import type { ActorContext } from "../service/principal.js";
import { ServiceError } from "../service/service-error.js";
import type { PrincipalResolver } from "./app-instance.js";
import { authorizationHeaders, readBearerToken } from "./bearer-token.js";

/**
 * Authenticates a request.
 *
 * @throws ServiceError token_missing, token_malformed, token_unknown, token_paused, token_expired,
 *   or a resolver's own refusal (session_missing, csrf_failed).
 */
export async function actorFor(latchkey: Latchkey, request: FastifyRequest, resolvers: readonly PrincipalResolver[]): Promise<ActorContext> {
  if (request.latchkeyActor !== undefined) return request.latchkeyActor;
  const presented = readBearerToken(authorizationHeaders(request.raw.rawHeaders));
  if (presented.kind === "malformed") return refuseGuess(request, new ServiceError("token_malformed"));
  if (presented.kind === "bearer") {
    try {
      const retry = rotationRetryOf(request);
      const use = { area: areaOfRoute(latchkey, request), method: request.method, ip: request.ip, ...(retry === null ? {} : { rotationRetry: retry }) };
      return { principal: await latchkey.authenticate(presented.token, use), ip: request.ip };
    } catch (error) {
      if (error instanceof ServiceError && (error.code === "token_malformed" || error.code === "token_unknown")) return refuseGuess(request, error);
      throw error;
    }
  }
  for (const resolve of resolvers) {
    const principal = await resolve(request);
    if (principal !== null) return { principal, ip: request.ip };
  }
  throw new ServiceError("token_missing");
}

/**
 * The token a request retries the rotation of, on the rotate route with an Idempotency-Key header
 * (route config `latchkeyRotationRetry`): its previous secret may authenticate then, for the replay
 * only (break test B2-6). Null on every other request.
 */
function rotationRetryOf(request: FastifyRequest): { tokenId: string } | null {
  if (request.routeOptions.config?.latchkeyRotationRetry !== true) return null;
  const id = (request.params as { id?: unknown } | undefined)?.id;
  return typeof id === "string" && typeof request.headers["idempotency-key"] === "string" ? { tokenId: id } : null;
}

/**
 * Counts a failed authentication against the client address and throws: the refusal itself, or
 * `rate_limited` (with Retry-After) once the address is past its limit.
 */
export async function refuseGuess(request: FastifyRequest, refusal: ServiceError): Promise<never> {
  const count = await request.server.latchkeyFailures.recordFailure(request.ip);
  if (count.limited) {
    request.server.latchkeyObserver.rateLimitRefusal("failed_attempts", "rate_limited");
    throw new ServiceError("rate_limited", { retryAfterSeconds: count.retryAfterSeconds });
  }
  throw refusal;
}

/**
 * The area a management route belongs to, for usage counts: `/v1/<name>` when the catalogue has an
 * area `<name>` or `<name>s` (`/v1/domains` -> domains, `/v1/token` -> tokens), else `tokens`.
 */
function areaOfRoute(latchkey: Latchkey, request: FastifyRequest): string {
  const segment = (request.routeOptions.url ?? "").split("/")[2] ?? "";
  if (latchkey.catalogue.byKey.has(segment)) return segment;
  if (latchkey.catalogue.byKey.has(`${segment}s`)) return `${segment}s`;
  return "tokens";
}

/**
 * The URL of a list (the `path` of a page's meta, the base of its links): LATCHKEY_PUBLIC_URL and the
 * route's path, or the route's path alone when none is configured. Never the request's Host header,
 * which a client chooses (issue 10: a forged Host would otherwise point links elsewhere).
 */
export function listPath(request: FastifyRequest): string {
  return `${request.server.latchkeyPublicUrl}${request.routeOptions.url ?? ""}`;
}

/** OpenAPI security requirement for routes that take a token. */
export const BEARER_SECURITY = [{ bearerAuth: [] }];

/**
 * Whether a route is a management route: its OpenAPI `security` is {@link BEARER_SECURITY} (every
 * alternative names `bearerAuth`). Those are authenticated before their input is validated (app.ts) and
 * counted by `latchkey_management_requests_total`. Public routes (`security: []`), the dashboard's
 * session routes and the verify key's routes check their own credentials.
 */
export function isManagementRoute(schema: { security?: readonly Readonly<Record<string, readonly string[]>>[] } | undefined): boolean {
  const security = schema?.security;
  return security !== undefined && security.length > 0 && security.every((requirement) => "bearerAuth" in requirement);
}

/** An OpenAPI security requirement list: each entry one way in (scheme names to scopes); `{}` is "none". */
type SecurityRequirements = { [scheme: string]: string[] }[];

/** OpenAPI security of a public route: none (sign-in, set-up, password reset, probes; their own checks are in the description). */
export const PUBLIC_SECURITY: SecurityRequirements = [];

/** OpenAPI security of the dashboard's own routes: the session cookie (src/http/session-cookie.ts). */
export const SESSION_SECURITY = [{ sessionCookie: [] }];

/** The session cookie when there is one: GET /v1/session answers `data: null` without it. */
export const SESSION_SECURITY_OPTIONAL: SecurityRequirements = [{ sessionCookie: [] }, {}];

/** POST /v1/verify: `X-Latchkey-Verify-Key` when LATCHKEY_VERIFY_KEY is set, otherwise none. */
export const VERIFY_KEY_SECURITY_OPTIONAL: SecurityRequirements = [{ verifyKey: [] }, {}];

/** GET /v1/changes: the verify key (every account) or a Bearer token with tokens_full (its account). */
export const CHANGES_SECURITY: SecurityRequirements = [{ verifyKey: [] }, { bearerAuth: [] }];

/** Responses every authenticated route may give. */
export const AUTH_ERRORS = {
  401: { $ref: "Error#" },
  403: { $ref: "Error#" },
  422: { $ref: "Error#" },
  /** A token over its rate limits or credits (issue 14), or too many failed attempts. */
  429: { $ref: "Error#" },
} as const;
