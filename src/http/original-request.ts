/**
 * Which request a proxy asks latchkey about, read from the conventions of the three proxies:
 *
 * - nginx `auth_request`: a subrequest carrying the original request's headers, plus
 *   `X-Original-Method` and `X-Original-URI` set by the configuration (`$request_method`,
 *   `$request_uri`); nginx's documentation uses these names.
 * - Traefik ForwardAuth: `X-Forwarded-Method`, `X-Forwarded-Uri` (path and query as sent) and
 *   `X-Forwarded-Host`, set by Traefik itself.
 * - Envoy `ext_authz` (HTTP service): the check request has the original method, and its path is the
 *   configured `path_prefix` followed by the original path and query; here the prefix is
 *   `/v1/forward-auth/envoy`. The path is then the only source: the headers above are ignored.
 *
 * A client can send any of these headers itself, and a proxy passes on the ones it does not set. So
 * a header convention that is present must be complete, and when both are present they must name the
 * same request; anything else is refused (`forward_headers_invalid`), never guessed: a client of an
 * nginx that sets X-Original-* could otherwise steer the check with an X-Forwarded-Uri of its own.
 */
import type { IncomingHttpHeaders } from "node:http";

/** The path prefix of Envoy's check requests. */
export const ENVOY_PREFIX = "/v1/forward-auth/envoy";

/** The original request: its method (as sent, case kept) and its request target (path and query). */
export interface OriginalRequest {
  readonly method: string;
  readonly target: string;
}

// RFC 9110 section 5.6.2 `token`, the syntax of a method.
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/;

/**
 * Reads the original request from a forward-auth request.
 *
 * @param method the method of the request latchkey received.
 * @param url its raw request target (Fastify's `request.url`).
 * @param headers its headers (Node.js lower-cases the names; repeated ones are arrays or joined).
 * @returns the original request, or null when the proxy's headers do not name exactly one.
 */
export function originalRequestOf(method: string, url: string, headers: IncomingHttpHeaders): OriginalRequest | null {
  if (url.startsWith(`${ENVOY_PREFIX}/`)) return { method, target: url.slice(ENVOY_PREFIX.length) };
  const nginx = convention(headers["x-original-method"], headers["x-original-uri"]);
  const traefik = convention(headers["x-forwarded-method"], headers["x-forwarded-uri"]);
  if (nginx === "invalid" || traefik === "invalid") return null;
  if (nginx !== null && traefik !== null) {
    return nginx.method === traefik.method && nginx.target === traefik.target ? nginx : null;
  }
  return nginx ?? traefik;
}

function convention(method: string | string[] | undefined, uri: string | string[] | undefined): OriginalRequest | null | "invalid" {
  if (method === undefined && uri === undefined) return null;
  if (typeof method !== "string" || typeof uri !== "string" || !METHOD.test(method) || uri === "") return "invalid";
  return { method, target: uri };
}

/**
 * The one value of a header of the original request, or null when absent or empty. Node.js joins a
 * repeated header with ", " (so `a.com, b.com` names no single domain and matches none).
 */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  const text = Array.isArray(value) ? value.join(", ") : value;
  return text === undefined || text.trim() === "" ? null : text.trim();
}
