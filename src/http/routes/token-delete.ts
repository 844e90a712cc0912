/** DELETE /v1/token/{id}: delete for good; 204, and 404 when repeated. */
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY } from "../request-actor.js";
import { TokenIdParams } from "../wire-format.js";

export function registerTokenDelete(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.delete(
    "/v1/token/:id",
    {
      schema: {
        summary: "Delete an API token",
        tags: ["tokens"],
        security: BEARER_SECURITY,
        params: TokenIdParams,
        response: { 204: { type: "null", description: "Deleted" }, 404: { $ref: "Error#" }, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = await actorFor(latchkey, request, resolvers);
      await latchkey.tokens.delete(actor, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
