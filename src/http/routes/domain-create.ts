/** POST /v1/domains: add `{name}`; 201. Needs domains_full and a token for all domains. */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY } from "../request-actor.js";
import { DomainSchema, domainToWire } from "../wire-format.js";

export function registerDomainCreate(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.post(
    "/v1/domains",
    {
      schema: {
        operationId: "createDomain", summary: "Add a domain",
        tags: ["domains"],
        security: BEARER_SECURITY,
        body: Type.Object({ name: Type.String({ maxLength: 300, description: "DNS name, e.g. example.com" }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ data: DomainSchema }), 409: { $ref: "Error#" }, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = await actorFor(latchkey, request, resolvers);
      return reply.code(201).send({ data: domainToWire(await latchkey.domains.add(actor, request.body.name)) });
    },
  );
}
