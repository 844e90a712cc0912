/**
 * POST /v1/token/{id}/pause and POST /v1/token/{id}/resume (issue 10): pause or resume one token, or
 * with `{"cascade": true}` the token and its whole subtree in one transaction; and
 * GET /v1/token/{id}/family: who made a token and how many it made. Needs tokens_full; a token acts
 * only within its own subtree and domains (another token answers 404) and within its ceiling.
 */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY } from "../request-actor.js";
import { PropagationSchema, propagationToWire } from "../propagation-wire.js";
import { TokenIdParams, TokenSchema, tokenToWire } from "../wire-format.js";

export const CascadeBody = Type.Object(
  { cascade: Type.Optional(Type.Boolean({ default: false, description: "true: the token and every token below it, in one transaction" })) },
  { additionalProperties: false },
);

const CascadeAnswer = Type.Object({
  data: TokenSchema,
  changed: Type.Integer({ description: "Tokens whose state this request changed (the token itself included)" }),
  propagation: PropagationSchema,
});

export const TokenFamilySchema = Type.Object(
  {
    created_by: Type.String({ description: "`cli`, `user:<id>`, `token:<id>`, or `token` when the parent is outside your view" }),
    parent_id: Type.Union([Type.String(), Type.Null()], { description: "The token that made it, when you may see it; null for a root or one outside your view" }),
    children: Type.Integer({ description: "Tokens it made directly" }),
    descendants: Type.Integer({ description: "Tokens below it in all" }),
  },
  { $id: "TokenFamily" },
);

const ERRORS = { 404: { $ref: "Error#" }, ...AUTH_ERRORS } as const;

export function registerTokenCascade(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  for (const [action, operationId, summary] of [
    ["pause", "pauseToken", "Pause an API token, or with cascade its whole subtree"],
    ["resume", "resumeToken", "Resume an API token, or with cascade its whole subtree"],
  ] as const) {
    app.post(
      `/v1/token/:id/${action}`,
      {
        schema: {
          operationId,
          summary,
          description:
            action === "pause"
              ? "Without cascade, as PUT /v1/token/{id}/settings {status: pause}. With cascade, every token below it is paused too; they stay paused when this one alone is resumed."
              : "Without cascade, as PUT /v1/token/{id}/settings {status: unpause}. With cascade, every token below it is resumed too, those paused on their own included.",
          tags: ["tokens"],
          security: BEARER_SECURITY,
          params: TokenIdParams,
          body: CascadeBody,
          response: { 200: CascadeAnswer, ...ERRORS },
        },
        // No body at all means `{}` (no cascade), as for a bare POST from curl.
        preValidation: async (request) => {
          if (request.body === undefined || request.body === null) request.body = {};
        },
      },
      async (request) => {
        const actor = await actorFor(latchkey, request, resolvers);
        const { id } = request.params;
        if (request.body.cascade === true) {
          const result = action === "pause" ? await latchkey.cascade.pause(actor, id) : await latchkey.cascade.resume(actor, id);
          return { data: tokenToWire(result.token), changed: result.changed, propagation: propagationToWire(result.propagation) };
        }
        const before = await latchkey.tokens.show(actor, id);
        const token = await latchkey.tokens.update(actor, id, { status: action === "pause" ? "pause" : "unpause" });
        return { data: tokenToWire(token), changed: before.paused === token.paused ? 0 : 1, propagation: propagationToWire(token.propagation) };
      },
    );
  }
  app.get(
    "/v1/token/:id/family",
    {
      schema: {
        operationId: "showTokenFamily",
        summary: "Who made an API token, and how many tokens it made",
        tags: ["tokens"],
        security: BEARER_SECURITY,
        params: TokenIdParams,
        response: { 200: Type.Object({ data: TokenFamilySchema }), ...ERRORS },
      },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const family = await latchkey.cascade.family(actor, request.params.id);
      return { data: { created_by: family.createdBy, parent_id: family.parentId, children: family.children, descendants: family.descendants } };
    },
  );
}
