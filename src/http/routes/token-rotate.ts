/**
 * POST /v1/token/{id}/rotate: a new secret for the same token (issue 13; src/service/rotation-service.ts).
 * Body `{grace_seconds: 0..2592000}`; optional `Idempotency-Key` header. 200 `{data: {...token,
 * accessToken, previous_valid_until}, propagation: {instances, applied, waited_ms, lost}}`, with
 * `Idempotency-Replayed: true` when the answer replays an earlier rotation; answered once every live
 * instance has applied the rotation (issue 11). Needs tokens_full and the token within the caller's
 * view (a token: its own subtree, else 404) and ceiling.
 */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import { MAX_GRACE_SECONDS } from "../../service/rotation-service.js";
import { PropagationSchema, propagationToWire } from "../propagation-wire.js";
import { requireStepUp } from "../session-user.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY } from "../request-actor.js";
import { TokenIdParams, TokenSchema, tokenToWire } from "../wire-format.js";

export const RotateTokenBody = Type.Object(
  {
    grace_seconds: Type.Number({ description: `How long the replaced secret keeps working, seconds: 0 (refused at once) to ${MAX_GRACE_SECONDS} (30 days)` }),
  },
  { additionalProperties: false },
);

export function registerTokenRotate(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.post(
    "/v1/token/:id/rotate",
    {
      config: { latchkeyRotationRetry: true },
      schema: {
        operationId: "rotateToken",
        summary: "Rotate an API token's secret",
        description:
          "Returns a new secret for the same token (id, name, permissions, domains, expiry and conditions unchanged), shown this once. The replaced secret keeps working for grace_seconds, then is refused with token_rotated; rotating again ends that grace. With an Idempotency-Key header (16..255 characters), a retry within 10 minutes gets the same secret again; later, or with the key reused for another request, 409 idempotency_key_reused. Answered once every live instance has applied the rotation (propagation; a replay: every change so far). 404 for a token outside the caller's reach; 403 current_secret_required when called with a secret a rotation replaced, except a token's retry of its own rotation: its previous secret (in its grace) with the same Idempotency-Key, within the 10 minutes, gets the same secret again.",
        tags: ["tokens"],
        security: BEARER_SECURITY,
        params: TokenIdParams,
        headers: Type.Object({ "idempotency-key": Type.Optional(Type.String({ maxLength: 1000, description: "16 to 255 visible ASCII characters, e.g. a UUID" })) }),
        body: RotateTokenBody,
        response: {
          200: Type.Object({ data: Type.Intersect([TokenSchema, Type.Object({ accessToken: Type.String(), previous_valid_until: Type.String({ format: "date-time" }) })]), propagation: PropagationSchema }),
          404: { $ref: "Error#" },
          409: { $ref: "Error#" },
          ...AUTH_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const actor = await actorFor(latchkey, request, resolvers);
      // A rotation through a session needs a recent second factor (issue 16, step-up).
      if (actor.principal.kind === "user") await requireStepUp(latchkey, request, actor.principal.userId);
      const key = request.headers["idempotency-key"];
      const rotated = await latchkey.rotation.rotate(actor, request.params.id, { graceSeconds: request.body.grace_seconds, ...(typeof key === "string" ? { idempotencyKey: key } : {}) });
      reply.header("cache-control", "no-store");
      if (rotated.replayed) reply.header("idempotency-replayed", "true");
      return reply.send({ data: { ...tokenToWire(rotated.token), accessToken: rotated.secret, previous_valid_until: rotated.previousValidUntil }, propagation: propagationToWire(rotated.propagation) });
    },
  );
}
