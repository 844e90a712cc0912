/** GET /v1/domains: the domains the token may use (all of the account's for an all-domains token). Needs domains_read. */
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY, listPath } from "../request-actor.js";
import { DomainSchema, domainToWire, pageBody, pageSchema, PageQuerySchema } from "../wire-format.js";

export function registerDomainList(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.get(
    "/v1/domains",
    {
      schema: {
        operationId: "listDomains", summary: "List domains",
        tags: ["domains"],
        security: BEARER_SECURITY,
        querystring: PageQuerySchema,
        response: { 200: pageSchema(DomainSchema), ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const page = request.query.page ?? 1;
      const limit = request.query.limit ?? 25;
      const domains = await latchkey.domains.list(actor);
      const slice = domains.slice((page - 1) * limit, page * limit).map(domainToWire);
      return pageBody(slice, listPath(request), page, limit, domains.length);
    },
  );
}
