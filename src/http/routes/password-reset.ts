/**
 * The "Forgot password?" path (src/service/password-recovery.ts), for people who are not signed in:
 * - POST /v1/password-reset `{email}`: 202, the same answer whether or not the address belongs to a
 *   user, and as fast: the look-up, the code and the mail happen after the answer. The link is mailed
 *   when SMTP and LATCHKEY_PUBLIC_URL are configured, on LATCHKEY_PUBLIC_URL, never on the request's
 *   Host header (otherwise the operator prints one with `latchkey user reset-password EMAIL`). Each request counts against the client
 *   address's failure limit, so the route cannot be used to flood a mailbox.
 * - POST /v1/password-reset/complete `{code, password}`: 204; the code works once, for one hour; 422
 *   naming `code` (unknown, used or expired) or `password`.
 */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import { ServiceError } from "../../service/service-error.js";
import type { App } from "../app-instance.js";
import { PUBLIC_SECURITY } from "../request-actor.js";

export const ResetRequestBody = Type.Object({ email: Type.String({ maxLength: 320, description: "The e-mail address you sign in with" }) }, { additionalProperties: false });

export const ResetCompleteBody = Type.Object(
  {
    code: Type.String({ maxLength: 200, description: "The code after #code= in the reset link" }),
    password: Type.String({ maxLength: 4096, description: "The new password: at least 12 characters" }),
  },
  { additionalProperties: false },
);

/** What POST /v1/password-reset always answers. */
export const RESET_REQUESTED = "If this address belongs to a person here and this server sends mail, a link to set a new password is on its way. It works once, for one hour.";

export function registerPasswordReset(app: App, latchkey: Latchkey): void {
  app.post(
    "/v1/password-reset",
    {
      schema: {
        operationId: "requestPasswordReset", security: PUBLIC_SECURITY, summary: "Ask for a password reset link",
        description:
          "Answers the same, and as fast, whether or not the address belongs to a user: the link is made and mailed after the answer. " +
          "Mailed only when SMTP and LATCHKEY_PUBLIC_URL are configured, with a link on LATCHKEY_PUBLIC_URL (never on the request's Host header).",
        tags: ["session"],
        body: ResetRequestBody,
        response: { 202: Type.Object({ data: Type.Object({ message: Type.String() }) }), 422: { $ref: "Error#" }, 429: { $ref: "Error#" } },
      },
    },
    async (request, reply) => {
      const count = await request.server.latchkeyFailures.recordFailure(request.ip);
      if (count.limited) throw new ServiceError("rate_limited", { retryAfterSeconds: count.retryAfterSeconds });
      const base = request.server.latchkeyPublicUrl === "" ? null : request.server.latchkeyPublicUrl;
      // Not awaited: the answer must not wait for the database or the SMTP server (a known address would take longer).
      latchkey.recovery.requestReset(request.body.email, base, { ip: request.ip }, (error) => request.log.warn({ err: { message: (error as Error).message } }, "password reset mail failed"));
      return reply.code(202).send({ data: { message: RESET_REQUESTED } });
    },
  );
  app.post(
    "/v1/password-reset/complete",
    {
      schema: {
        operationId: "completePasswordReset", security: PUBLIC_SECURITY, summary: "Set a new password with a reset link's code",
        tags: ["session"],
        body: ResetCompleteBody,
        response: { 204: { type: "null", description: "The password is set; sign in with it" }, 422: { $ref: "Error#" } },
      },
    },
    async (request, reply) => {
      await latchkey.recovery.completeReset(request.body.code, request.body.password, { ip: request.ip });
      return reply.code(204).send(null);
    },
  );
}
