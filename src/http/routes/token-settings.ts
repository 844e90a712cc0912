/** PUT /v1/token/{id}/settings: `{status: "pause" | "unpause"}` (MailerSend's settings path). */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY } from "../request-actor.js";
import { PropagationSchema, propagationToWire } from "../propagation-wire.js";
import { TokenIdParams, TokenSchema, TokenStatus, tokenToWire } from "../wire-format.js";

export function registerTokenSettings(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.put(
    "/v1/token/:id/settings",
    {
      schema: {
        operationId: "setTokenStatus", summary: "Pause or resume an API token",
        tags: ["tokens"],
        security: BEARER_SECURITY,
        params: TokenIdParams,
        body: Type.Object({ status: TokenStatus }, { additionalProperties: false }),
        response: { 200: Type.Object({ data: TokenSchema, propagation: PropagationSchema }), 404: { $ref: "Error#" }, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const token = await latchkey.tokens.update(actor, request.params.id, { status: request.body.status });
      return { data: tokenToWire(token), propagation: propagationToWire(token.propagation) };
    },
  );
}
