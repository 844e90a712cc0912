/** requireScope for Hono 4 on Node.js (@hono/node-server): the shared middleware cases (middleware-cases.ts). */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono, type Context } from "hono";
import { requireScope, type LatchkeyVariables } from "../../src/middleware/hono-middleware.js";
import { describeMiddleware, PROTECTED_ROUTES, type DomainSource, type Handled, type ModeOptions } from "./middleware-cases.js";

function domainOf(source: DomainSource | undefined): ((c: Context) => string | readonly string[] | undefined) | undefined {
  if (source === undefined) return undefined;
  if ("param" in source) return (c) => c.req.param(source.param);
  if ("header" in source) return (c) => c.req.header(source.header);
  return (c) => c.req.queries(source.query);
}

async function start(options: ModeOptions, handled: Handled[]) {
  const app = new Hono<{ Variables: LatchkeyVariables }>();
  for (const route of PROTECTED_ROUTES) {
    const domain = domainOf(route.domain);
    app.on(route.method, route.path, requireScope(route.area, { ...options, ...(domain ? { domain } : {}) }), (c) => {
      const token = c.get("latchkey");
      handled.push({ method: c.req.method, area: route.area, tokenId: token.id, scopes: token.scopes });
      return c.json({ token });
    });
  }
  const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once("listening", () => resolve())));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describeMiddleware({ start });
