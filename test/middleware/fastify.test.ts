/** requireScope for Fastify 5, as a preHandler: the shared middleware cases (middleware-cases.ts). */
import Fastify, { type FastifyRequest } from "fastify";
import { requireScope } from "../../src/middleware/fastify-hook.js";
import { describeMiddleware, PROTECTED_ROUTES, queryValues, type DomainSource, type Handled, type ModeOptions } from "./middleware-cases.js";

function domainOf(source: DomainSource | undefined): ((request: FastifyRequest) => string | readonly string[] | undefined) | undefined {
  if (source === undefined) return undefined;
  if ("param" in source) return (request) => (request.params as Record<string, string | undefined>)[source.param];
  if ("header" in source) return (request) => queryValues(request.headers[source.header]);
  return (request) => queryValues((request.query as Record<string, unknown>)[source.query]);
}

async function start(options: ModeOptions, handled: Handled[]) {
  const app = Fastify();
  for (const route of PROTECTED_ROUTES) {
    const domain = domainOf(route.domain);
    app.route({
      method: route.method,
      url: route.path,
      preHandler: requireScope(route.area, { ...options, ...(domain ? { domain } : {}) }),
      handler: async (request) => {
        const token = request.latchkey;
        if (token !== undefined) handled.push({ method: request.method, area: route.area, tokenId: token.id, scopes: token.scopes });
        return { token };
      },
    });
  }
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  return { port: typeof address === "object" && address !== null ? address.port : 0, close: () => app.close() };
}

describeMiddleware({ start });
