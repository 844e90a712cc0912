/**
 * POST /v1/leaks: leaked-token reports in GitHub's secret-scanning partner format, authenticated by
 * their ECDSA signature over the raw body (src/service/leak-intake.ts); no bearer token.
 * The body is read as bytes in this route's own scope, so the signature is checked over exactly what
 * was sent.
 */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import { ServiceError } from "../../service/service-error.js";
import type { App } from "../app-instance.js";
import { PUBLIC_SECURITY, refuseGuess } from "../request-actor.js";

const VerdictSchema = Type.Object({
  token_hash: Type.String({ description: "SHA-256 hex of the reported string" }),
  token_type: Type.String(),
  label: Type.Union([Type.Literal("true_positive"), Type.Literal("false_positive")]),
});

export async function registerLeakReport(app: App, latchkey: Latchkey): Promise<void> {
  await app.register(async (scope) => {
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser("application/json", { parseAs: "buffer", bodyLimit: 1024 * 1024 }, (_request, body, done) => done(null, body));
    scope.post(
      "/v1/leaks",
      {
        schema: {
          operationId: "reportLeakedTokens",
          security: PUBLIC_SECURITY, summary: "Report leaked tokens (GitHub secret scanning)",
          description:
            "Body: GitHub's partner payload, a JSON array of {token, type, url, source}, signed in the Github-Public-Key-Identifier and Github-Public-Key-Signature headers. Each latchkey token found is paused at once. Answer: GitHub's feedback format.",
          tags: ["leaks"],
          headers: Type.Object({
            "github-public-key-identifier": Type.Optional(Type.String({ maxLength: 200 })),
            "github-public-key-signature": Type.Optional(Type.String({ maxLength: 1000 })),
          }),
          response: { 200: Type.Array(VerdictSchema), 401: { $ref: "Error#" }, 413: { $ref: "Error#" }, 415: { $ref: "Error#" }, 422: { $ref: "Error#" } },
        },
      },
      async (request) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const keyId = request.headers["github-public-key-identifier"];
        const signature = request.headers["github-public-key-signature"];
        try {
          return await latchkey.leaks.report(raw, typeof keyId === "string" ? keyId : undefined, typeof signature === "string" ? signature : undefined, request.ip);
        } catch (error) {
          // A wrong signature is a failed authentication: counted against the address like the others.
          if (error instanceof ServiceError && error.code === "leak_signature_invalid") return refuseGuess(request, error);
          throw error;
        }
      },
    );
  });
}
