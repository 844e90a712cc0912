/**
 * GET /v1/token: the account's tokens, newest first, paginated. Needs tokens_full. With `sort=last_used_at`
 * (oldest use first, never used first) or `sort=-last_used_at`, and/or `unused_days=N` (only tokens not
 * used for N days, never used included), ordered by last use instead (issue 14; src/service/usage-service.ts).
 */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { keysetPageBody, pageRequestOf } from "../page-cursor.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY, listPath } from "../request-actor.js";
import { validationError } from "../../service/service-error.js";
import { pageBody, pageSchema, KeysetPageQuerySchema, TokenSchema, tokenToWire } from "../wire-format.js";

export function registerTokenList(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.get(
    "/v1/token",
    {
      schema: {
        operationId: "listTokens", summary: "List API tokens",
        description: "Newest first. A token sees its own subtree within its domains; follow links.next (a cursor) to never skip or repeat a token while tokens change.",
        tags: ["tokens"],
        security: BEARER_SECURITY,
        querystring: Type.Intersect([
          KeysetPageQuerySchema,
          Type.Object({
            sort: Type.Optional(Type.Union([Type.Literal("last_used_at"), Type.Literal("-last_used_at")], { description: "Order by last use: oldest first (never used first), or newest first (with page, not cursor)" })),
            unused_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: "Only tokens not used for this many days (never used included; with page, not cursor)" })),
          }),
        ]),
        response: { 200: pageSchema(TokenSchema), ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const { sort, unused_days } = request.query;
      if (sort !== undefined || unused_days !== undefined) {
        if (request.query.cursor !== undefined) throw validationError({ cursor: ["Ordered by last use, the list pages by page number: give page, not cursor."] });
        const page = request.query.page ?? 1;
        const limit = request.query.limit ?? 25;
        const { tokens, total } = await latchkey.usage.listByLastUse(actor, { page, limit }, { order: sort === "-last_used_at" ? "last_used_desc" : "last_used_asc", ...(unused_days === undefined ? {} : { unusedDays: unused_days }) });
        return pageBody(tokens.map(tokenToWire), listPath(request), page, limit, total);
      }
      const pageRequest = pageRequestOf(request.query);
      const result = await latchkey.tokens.list(actor, pageRequest);
      return keysetPageBody(result.tokens.map(tokenToWire), result.tokens.map((t) => t.id), listPath(request), pageRequest, result);
    },
  );
}
