/**
 * GET /v1/audit: the account's audit events, newest first, paginated. Needs tokens_full. Narrowed by
 * `action` (event kinds, comma-separated; `token.*` for a family), `token` (done by that token or
 * about it) and `user` (done by that person or about them); the list's links keep the filters. A
 * malformed filter is a 422 naming it.
 */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import { validationError } from "../../service/service-error.js";
import type { AuditFilter } from "../../service/audit-log.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { keysetPageBody, pageRequestOf } from "../page-cursor.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY, listPath } from "../request-actor.js";
import { AuditEventSchema, auditEventToWire, pageSchema, KeysetPageQuerySchema } from "../wire-format.js";

const AuditQuerySchema = Type.Object({
  ...KeysetPageQuerySchema.properties,
  action: Type.Optional(Type.String({ maxLength: 500, description: "Event kinds, comma-separated, e.g. `token.create,user.sign_in_failed`; `token.*` matches every token event" })),
  token: Type.Optional(Type.String({ maxLength: 100, description: "A token id: events done by that token or about it" })),
  user: Type.Optional(Type.String({ maxLength: 100, description: "A user id: events done by that person or about them" })),
});

const ACTION = /^[a-z][a-z_]*(\.[a-z][a-z_]*)*(\.\*)?$/;
const ID = /^[a-z]{1,16}_[0-9a-z]{1,64}$/;

/**
 * The filter of a query.
 *
 * @throws ServiceError validation_failed naming `action`, `token` or `user`.
 */
function filterOf(query: { action?: string; token?: string; user?: string }): AuditFilter {
  const errors: Record<string, string[]> = {};
  const actions = query.action === undefined ? undefined : query.action.split(",").map((a) => a.trim()).filter((a) => a !== "");
  if (actions !== undefined && (actions.length === 0 || actions.length > 20 || !actions.every((a) => ACTION.test(a)))) errors.action = ["Give up to 20 event kinds such as token.create, comma-separated (token.* for a family)."];
  if (query.token !== undefined && !(ID.test(query.token) && query.token.startsWith("tok_"))) errors.token = ["Give a token id such as tok_01h..."];
  if (query.user !== undefined && !(ID.test(query.user) && query.user.startsWith("usr_"))) errors.user = ["Give a user id such as usr_01h..."];
  if (Object.keys(errors).length > 0) throw validationError(errors);
  return { ...(actions === undefined ? {} : { actions }), ...(query.token === undefined ? {} : { tokenId: query.token }), ...(query.user === undefined ? {} : { userId: query.user }) };
}

/** The filter as a query string to append to the list's links (`&action=...`), or "". */
function filterQuery(query: { action?: string; token?: string; user?: string }): string {
  const params = new URLSearchParams();
  for (const key of ["action", "token", "user"] as const) if (query[key] !== undefined) params.set(key, query[key]);
  const text = params.toString();
  return text === "" ? "" : `&${text}`;
}

export function registerAuditList(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.get(
    "/v1/audit",
    {
      schema: {
        operationId: "listAudit", summary: "List audit events",
        description: "Newest first. A token sees events about what it may see, and events about people only with users_read. Filters: action, token, user.",
        tags: ["audit"],
        security: BEARER_SECURITY,
        querystring: AuditQuerySchema,
        response: { 200: pageSchema(AuditEventSchema), ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const pageRequest = pageRequestOf(request.query);
      const filter = filterOf(request.query);
      const result = await latchkey.auditEvents(actor, pageRequest, filter);
      const body = keysetPageBody(result.events.map(auditEventToWire), result.events.map((e) => e.id), listPath(request), pageRequest, result);
      const extra = filterQuery(request.query);
      if (extra === "") return body;
      const withFilter = (link: string | null): string | null => (link === null ? null : `${link}${extra}`);
      return { ...body, links: { first: `${body.links.first}${extra}`, last: `${body.links.last}${extra}`, prev: withFilter(body.links.prev), next: withFilter(body.links.next) } };
    },
  );
}
