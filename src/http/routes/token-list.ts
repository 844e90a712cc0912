/** GET /v1/token: the account's tokens, newest first, paginated. Needs tokens_full. */
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY, listPath } from "../request-actor.js";
import { pageBody, pageSchema, PageQuerySchema, TokenSchema, tokenToWire } from "../wire-format.js";

export function registerTokenList(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.get(
    "/v1/token",
    {
      schema: {
        summary: "List API tokens",
        tags: ["tokens"],
        security: BEARER_SECURITY,
        querystring: PageQuerySchema,
        response: { 200: pageSchema(TokenSchema), ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const page = request.query.page ?? 1;
      const limit = request.query.limit ?? 25;
      const { tokens, total } = await latchkey.tokens.list(actor, { page, limit });
      return pageBody(tokens.map(tokenToWire), listPath(request), page, limit, total);
    },
  );
}
