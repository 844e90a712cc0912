/**
 * POST /v1/token/lookup `{secret}`: "which token is this?" (issue 13). Needs tokens_full; answers the
 * id and name of a token within the caller's reach, and 404 for anything else (the same answer for a
 * token beyond it, another account's, deleted, never issued or malformed). The secret travels in the
 * body only (never a URL) and is redacted from logs (`*.secret`, src/http/app.ts).
 */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY } from "../request-actor.js";

export const LookupTokenBody = Type.Object({ secret: Type.String({ minLength: 1, maxLength: 4096, description: "The secret found, e.g. in a log" }) }, { additionalProperties: false });

export function registerTokenLookup(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.post(
    "/v1/token/lookup",
    {
      schema: {
        operationId: "lookupToken",
        summary: "Find which token a secret belongs to",
        description: "Answers the token's id and name, and whether the secret is its current one or the one its last rotation replaced. 404 for a secret of no token you may manage.",
        tags: ["tokens"],
        security: BEARER_SECURITY,
        body: LookupTokenBody,
        response: {
          200: Type.Object({ data: Type.Object({ id: Type.String(), name: Type.String(), secret: Type.Union([Type.Literal("current"), Type.Literal("previous")]) }) }),
          404: { $ref: "Error#" },
          ...AUTH_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const actor = await actorFor(latchkey, request, resolvers);
      reply.header("cache-control", "no-store");
      return { data: await latchkey.rotation.lookup(actor, request.body.secret) };
    },
  );
}
