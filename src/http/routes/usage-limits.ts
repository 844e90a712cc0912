/**
 * GET and PUT /v1/token/{id}/limits: a token's rate windows and credits (issue 14). Limits are not
 * permissions: a manager (tokens_full, within the ceiling) may change them at any time, while
 * PUT /v1/token/{id} keeps MailerSend's behaviour for MailerSend's own fields (name, status) and
 * refuses the rest. The schema describes the shapes; src/core/rate-limits.ts checks the values, so
 * each problem names its field (`rate_limits[0].window_seconds`).
 */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY } from "../request-actor.js";
import { TokenIdParams } from "../wire-format.js";

/** `rate_limits`: named fixed windows. */
export const RateLimitsSchema = Type.Union(
  [
    Type.Array(
      Type.Object({
        name: Type.String({ maxLength: 64, description: "1 to 32 of a-z 0-9 _ -; named in a rate_limited answer" }),
        limit: Type.Number({ description: "Verifications allowed per window, 1..1,000,000,000" }),
        window_seconds: Type.Number({ description: "Window length in whole seconds, 1..31,536,000; windows are aligned to the epoch" }),
      }),
      { maxItems: 50 },
    ),
    Type.Null(),
  ],
  { description: "Named windows, e.g. [{\"name\": \"burst\", \"limit\": 100, \"window_seconds\": 1}]; [] or null: none" },
);

/** `credits`: uses left, refilled daily or monthly. */
export const CreditsSchema = Type.Union(
  [
    Type.Object({
      remaining: Type.Number({ description: "Credits left, 0..1,000,000,000; a verification spends its cost (default 1)" }),
      refill: Type.Optional(
        Type.Union([
          Type.Object({
            amount: Type.Number({ description: "Credits at the start of each period (set, not added), 1..1,000,000,000" }),
            interval: Type.String({ maxLength: 32, description: "daily (UTC day) or monthly (UTC calendar month)" }),
          }),
          Type.Null(),
        ]),
      ),
    }),
    Type.Null(),
  ],
  { description: "Credits, or null for none" },
);

export const LimitsSchema = Type.Object(
  {
    rate_limits: Type.Array(Type.Object({ name: Type.String(), limit: Type.Integer(), window_seconds: Type.Integer() })),
    credits: Type.Union([
      Type.Object({
        remaining: Type.Integer(),
        refill: Type.Union([Type.Object({ amount: Type.Integer(), interval: Type.Union([Type.Literal("daily"), Type.Literal("monthly")]) }), Type.Null()]),
      }),
      Type.Null(),
    ]),
  },
  { $id: "TokenLimits" },
);

const LimitsBody = Type.Object({ rate_limits: Type.Optional(RateLimitsSchema), credits: Type.Optional(CreditsSchema) }, { additionalProperties: false });

export function registerUsageLimits(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.addSchema(LimitsSchema);
  app.get(
    "/v1/token/:id/limits",
    {
      schema: {
        operationId: "getTokenLimits",
        summary: "Show a token's rate limits and credits",
        description: "Credits show what is left as counted now, batches not yet written included.",
        tags: ["usage"],
        security: BEARER_SECURITY,
        params: TokenIdParams,
        response: { 200: Type.Object({ data: Type.Ref("TokenLimits") }), 404: { $ref: "Error#" }, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      return { data: await latchkey.usage.limits(actor, request.params.id) };
    },
  );
  app.put(
    "/v1/token/:id/limits",
    {
      schema: {
        operationId: "setTokenLimits",
        summary: "Replace a token's rate limits and credits",
        description:
          "Both fields replace what was there; an absent field means none. Counters start afresh. 422 names each bad field and changes nothing; 403 ceiling_exceeded when the limits are looser than the acting token's or the token's parent's.",
        tags: ["usage"],
        security: BEARER_SECURITY,
        params: TokenIdParams,
        body: LimitsBody,
        response: { 200: Type.Object({ data: Type.Ref("TokenLimits") }), 404: { $ref: "Error#" }, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      return { data: await latchkey.usage.setLimits(actor, request.params.id, request.body.rate_limits ?? null, request.body.credits ?? null) };
    },
  );
}
