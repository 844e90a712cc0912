/** DELETE /v1/token/{id}: delete for good; 204, and 404 when repeated. */
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY } from "../request-actor.js";
import { PROPAGATION_HEADER } from "../../service/propagation.js";
import { propagationToWire } from "../propagation-wire.js";
import { TokenIdParams } from "../wire-format.js";

export function registerTokenDelete(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.delete(
    "/v1/token/:id",
    {
      schema: {
        operationId: "deleteToken", summary: "Delete an API token",
        tags: ["tokens"],
        security: BEARER_SECURITY,
        params: TokenIdParams,
        response: {
          204: {
            type: "null",
            description: "Deleted; the Latchkey-Propagation header carries the propagation (JSON, see the Propagation schema)",
            headers: { "latchkey-propagation": { type: "string", description: 'JSON, e.g. {"instances":2,"applied":2,"waited_ms":3,"lost":[]}' } },
          },
          404: { $ref: "Error#" },
          ...AUTH_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const propagation = await latchkey.tokens.delete(actor, request.params.id);
      return reply.code(204).header(PROPAGATION_HEADER, JSON.stringify(propagationToWire(propagation))).send(null);
    },
  );
}
