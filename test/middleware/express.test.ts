/** requireScope for Express 5: the shared middleware cases (middleware-cases.ts). */
import type { AddressInfo } from "node:net";
import express, { type Request } from "express";
import { requireScope } from "../../src/middleware/express-middleware.js";
import { describeMiddleware, PROTECTED_ROUTES, queryValues, type DomainSource, type Handled, type ModeOptions } from "./middleware-cases.js";

function domainOf(source: DomainSource | undefined): ((req: Request) => string | readonly string[] | undefined) | undefined {
  if (source === undefined) return undefined;
  if ("param" in source) return (req) => req.params[source.param] as string | undefined;
  if ("header" in source) return (req) => req.get(source.header);
  return (req) => queryValues(req.query[source.query]);
}

async function start(options: ModeOptions, handled: Handled[]) {
  const app = express();
  for (const route of PROTECTED_ROUTES) {
    const domain = domainOf(route.domain);
    const guard = requireScope(route.area, { ...options, ...(domain ? { domain } : {}) });
    app[route.method === "GET" ? "get" : route.method === "POST" ? "post" : "delete"](route.path, guard, (req, res) => {
      const token = req.latchkey;
      if (token !== undefined) handled.push({ method: req.method, area: route.area, tokenId: token.id, scopes: token.scopes });
      res.json({ token });
    });
  }
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describeMiddleware({ start });
