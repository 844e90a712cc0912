/** GET /v1/token/{id}: one token. Needs tokens_full. Another account's id answers 404, as an unknown one. */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY } from "../request-actor.js";
import { TokenIdParams, TokenSchema, tokenToWire } from "../wire-format.js";

export function registerTokenShow(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.get(
    "/v1/token/:id",
    {
      schema: {
        operationId: "showToken", summary: "Show an API token",
        tags: ["tokens"],
        security: BEARER_SECURITY,
        params: TokenIdParams,
        response: { 200: Type.Object({ data: TokenSchema }), 404: { $ref: "Error#" }, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      return { data: tokenToWire(await latchkey.tokens.show(actor, request.params.id)) };
    },
  );
}
