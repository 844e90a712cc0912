/** GET /v1/domains/{id}: one domain the token may use; any other id answers 404. Needs domains_read. */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY } from "../request-actor.js";
import { DomainIdParams, DomainSchema, domainToWire } from "../wire-format.js";

export function registerDomainShow(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.get(
    "/v1/domains/:id",
    {
      schema: {
        operationId: "showDomain", summary: "Show a domain",
        tags: ["domains"],
        security: BEARER_SECURITY,
        params: DomainIdParams,
        response: { 200: Type.Object({ data: DomainSchema }), 404: { $ref: "Error#" }, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      return { data: domainToWire(await latchkey.domains.show(actor, request.params.id)) };
    },
  );
}
