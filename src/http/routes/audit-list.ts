/** GET /v1/audit: the account's audit events, newest first, paginated. Needs tokens_full. */
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY, listPath } from "../request-actor.js";
import { AuditEventSchema, auditEventToWire, pageBody, pageSchema, PageQuerySchema } from "../wire-format.js";

export function registerAuditList(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.get(
    "/v1/audit",
    {
      schema: { summary: "List audit events", tags: ["audit"], security: BEARER_SECURITY, querystring: PageQuerySchema, response: { 200: pageSchema(AuditEventSchema), ...AUTH_ERRORS } },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const page = request.query.page ?? 1;
      const limit = request.query.limit ?? 25;
      const { events, total } = await latchkey.auditEvents(actor, { page, limit });
      return pageBody(events.map(auditEventToWire), listPath(request), page, limit, total);
    },
  );
}
