/**
 * `requireScope` for Fastify (4 or 5), as a route's `preHandler`:
 * `import { requireScope } from "latchkey/middleware/fastify"`.
 *
 *     app.delete("/api/domains/:domain", { preHandler: requireScope("domains", { latchkey, domain: (request) => (request.params as { domain: string }).domain }) }, handler);
 *
 * Allowed: `request.latchkey` holds the verified token and the handler runs. Refused: the verify
 * contract's body `{allowed: false, status, code, message, required?}` with its status (401, 403, or
 * 503 when a remote latchkey cannot be reached). How the decision is made, and the remote cache's
 * trade-off, are in ./scope-guard.ts. Fastify is a type-only import here.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { authorizationHeaders, createScopeGuard, type RequireScopeOptions, type VerifiedToken } from "./scope-guard.js";

export type { RequireScopeOptions, VerifiedToken } from "./scope-guard.js";
export { closeRemoteCaches } from "./scope-guard.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The token latchkey verified for this request (set by `requireScope`). */
    latchkey?: VerifiedToken;
  }
}

/**
 * A preHandler hook that lets a request through only when its bearer token may use `area` with the
 * request's method (GET, HEAD, OPTIONS: read; others: full) for the domain `options.domain` names.
 *
 * @param area an area key of latchkey's catalogue, e.g. `domains`.
 * @param options `latchkey` (in-process) or `url` (remote), and `domain(request)`.
 * @throws TypeError at set-up for options that cannot work (see createScopeGuard).
 */
export function requireScope(area: string, options: RequireScopeOptions<FastifyRequest>): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const guard = createScopeGuard(area, options);
  return async (request, reply) => {
    const result = await guard.check(request.method, authorizationHeaders(request.raw.rawHeaders), await options.domain?.(request), options.clientAddress === undefined ? request.ip : options.clientAddress(request));
    if (!result.allowed) {
      if (result.body.retry_after_seconds !== undefined) reply.header("retry-after", String(result.body.retry_after_seconds));
      await reply.code(result.status).send(result.body);
      return;
    }
    request.latchkey = result.token;
  };
}
