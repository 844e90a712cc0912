/** GET /v1/token: the account's tokens, newest first, paginated. Needs tokens_full. */
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { keysetPageBody, pageRequestOf } from "../page-cursor.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY, listPath } from "../request-actor.js";
import { pageSchema, KeysetPageQuerySchema, TokenSchema, tokenToWire } from "../wire-format.js";

export function registerTokenList(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.get(
    "/v1/token",
    {
      schema: {
        summary: "List API tokens",
        description: "Newest first. A token sees its own subtree within its domains; follow links.next (a cursor) to never skip or repeat a token while tokens change.",
        tags: ["tokens"],
        security: BEARER_SECURITY,
        querystring: KeysetPageQuerySchema,
        response: { 200: pageSchema(TokenSchema), ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const pageRequest = pageRequestOf(request.query);
      const result = await latchkey.tokens.list(actor, pageRequest);
      return keysetPageBody(result.tokens.map(tokenToWire), result.tokens.map((t) => t.id), listPath(request), pageRequest, result);
    },
  );
}
