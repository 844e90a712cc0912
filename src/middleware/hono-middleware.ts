/**
 * `requireScope` for Hono (4): `import { requireScope } from "latchkey/middleware/hono"`.
 *
 *     app.delete("/api/domains/:domain", requireScope("domains", { url: "http://127.0.0.1:8080", domain: (c) => c.req.param("domain") }), handler);
 *
 * Allowed: `c.get("latchkey")` holds the verified token and the next handler runs. Refused: the
 * verify contract's body `{allowed: false, status, code, message, required?}` with its status (401,
 * 403, or 503 when a remote latchkey cannot be reached). How the decision is made, and the remote
 * cache's trade-off, are in ./scope-guard.ts. Hono is a type-only import: latchkey does not depend on
 * it, and the refusal is a plain web `Response`.
 */
import type { Context, MiddlewareHandler } from "hono";
import { createScopeGuard, type RequireScopeOptions, type VerifiedToken } from "./scope-guard.js";

export type { RequireScopeOptions, VerifiedToken } from "./scope-guard.js";
export { closeRemoteCaches } from "./scope-guard.js";

/** The variables `requireScope` sets, for `new Hono<{ Variables: LatchkeyVariables }>()`. */
export type LatchkeyVariables = { latchkey: VerifiedToken };

/**
 * Middleware that lets a request through only when its bearer token may use `area` with the
 * request's method (GET, HEAD, OPTIONS: read; others: full) for the domain `options.domain` names.
 *
 * @param area an area key of latchkey's catalogue, e.g. `domains`.
 * @param options `latchkey` (in-process) or `url` (remote), and `domain(c)`.
 * @throws TypeError at set-up for options that cannot work (see createScopeGuard).
 */
export function requireScope(area: string, options: RequireScopeOptions<Context>): MiddlewareHandler<{ Variables: LatchkeyVariables }> {
  const guard = createScopeGuard(area, options);
  return async (c, next) => {
    const result = await guard.check(c.req.method, c.req.header("authorization"), await options.domain?.(c), options.clientAddress === undefined ? nodeSocketAddress(c) : options.clientAddress(c));
    if (!result.allowed) {
      const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
      if (result.body.retry_after_seconds !== undefined) headers["retry-after"] = String(result.body.retry_after_seconds);
      return new Response(JSON.stringify(result.body), { status: result.status, headers });
    }
    c.set("latchkey", result.token);
    await next();
    return undefined;
  };
}

/**
 * The socket's address under @hono/node-server (what its `getConnInfo` reads: `c.env.incoming`), or
 * null on other runtimes: give `clientAddress` there.
 */
function nodeSocketAddress(c: Context): string | null {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? null;
}
