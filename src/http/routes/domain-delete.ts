/** DELETE /v1/domains/{id}: remove; 204. Needs domains_full and all domains; 409 while tokens use it. */
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY } from "../request-actor.js";
import { DomainIdParams } from "../wire-format.js";

export function registerDomainDelete(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.delete(
    "/v1/domains/:id",
    {
      schema: {
        operationId: "deleteDomain", summary: "Remove a domain",
        tags: ["domains"],
        security: BEARER_SECURITY,
        params: DomainIdParams,
        response: { 204: { type: "null", description: "Removed" }, 404: { $ref: "Error#" }, 409: { $ref: "Error#" }, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = await actorFor(latchkey, request, resolvers);
      await latchkey.domains.remove(actor, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
