/** GET /v1/audit: the account's audit events, newest first, paginated. Needs tokens_full. */
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { keysetPageBody, pageRequestOf } from "../page-cursor.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY, listPath } from "../request-actor.js";
import { AuditEventSchema, auditEventToWire, pageSchema, KeysetPageQuerySchema } from "../wire-format.js";

export function registerAuditList(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.get(
    "/v1/audit",
    {
      schema: { summary: "List audit events", description: "Newest first. A token sees events about what it may see, and events about people only with users_read.", tags: ["audit"], security: BEARER_SECURITY, querystring: KeysetPageQuerySchema, response: { 200: pageSchema(AuditEventSchema), ...AUTH_ERRORS } },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const pageRequest = pageRequestOf(request.query);
      const result = await latchkey.auditEvents(actor, pageRequest);
      return keysetPageBody(result.events.map(auditEventToWire), result.events.map((e) => e.id), listPath(request), pageRequest, result);
    },
  );
}
