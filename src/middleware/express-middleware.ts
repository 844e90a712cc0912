/**
 * `requireScope` for Express (4 or 5): `import { requireScope } from "latchkey/middleware/express"`.
 *
 *     app.delete("/api/domains/:domain", requireScope("domains", { url: "http://127.0.0.1:8080", domain: (req) => req.params.domain }), handler);
 *
 * Allowed: `req.latchkey` holds the verified token and the next handler runs. Refused: the verify
 * contract's body `{allowed: false, status, code, message, required?}` with its status (401, 403, or
 * 503 when a remote latchkey cannot be reached). How the decision is made, and the remote cache's
 * trade-off, are in ./scope-guard.ts. Express is a type-only import: latchkey does not depend on it.
 */
import type { Request, RequestHandler } from "express";
import { authorizationHeaders, createScopeGuard, type RequireScopeOptions, type VerifiedToken } from "./scope-guard.js";

export type { RequireScopeOptions, VerifiedToken } from "./scope-guard.js";
export { closeRemoteCaches } from "./scope-guard.js";

declare global {
  // Express's documented way to type what middleware adds to a request.
  namespace Express {
    interface Request {
      /** The token latchkey verified for this request (set by `requireScope`). */
      latchkey?: VerifiedToken;
    }
  }
}

/**
 * Middleware that lets a request through only when its bearer token may use `area` with the
 * request's method (GET, HEAD, OPTIONS: read; others: full) for the domain `options.domain` names.
 *
 * @param area an area key of latchkey's catalogue, e.g. `domains`.
 * @param options `latchkey` (in-process) or `url` (remote), and `domain(req)`.
 * @throws TypeError at set-up for options that cannot work (see createScopeGuard).
 */
export function requireScope(area: string, options: RequireScopeOptions<Request>): RequestHandler {
  const guard = createScopeGuard(area, options);
  return (req, res, next) => {
    Promise.resolve(options.domain?.(req))
      .then((domain) => guard.check(req.method, authorizationHeaders(req.rawHeaders), domain, options.clientAddress === undefined ? req.ip : options.clientAddress(req)))
      .then((result) => {
        if (!result.allowed) {
          if (result.body.retry_after_seconds !== undefined) res.setHeader("retry-after", String(result.body.retry_after_seconds));
          res.status(result.status).json(result.body);
          return;
        }
        req.latchkey = result.token;
        next();
      })
      .catch(next);
  };
}
