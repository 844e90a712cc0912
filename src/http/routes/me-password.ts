/**
 * POST /v1/me/password: a signed-in person changes their password with `{current_password,
 * new_password}`; 204, and every other session of theirs ends (this one stays). 422 naming
 * `current_password` (wrong; counted toward the sign-in lock-out) or `new_password` (too short or
 * long, or unchanged); 429 while locked out. src/service/password-recovery.ts.
 */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import type { App } from "../app-instance.js";
import { sessionOnly, signedInOf } from "../session-user.js";
import { SESSION_SECURITY } from "../request-actor.js";

export const ChangePasswordBody = Type.Object(
  {
    current_password: Type.String({ maxLength: 4096, description: "The password used to sign in now" }),
    new_password: Type.String({ maxLength: 4096, description: "At least 12 characters" }),
  },
  { additionalProperties: false },
);

export function registerMePassword(app: App, latchkey: Latchkey): void {
  app.post(
    "/v1/me/password",
    {
      ...sessionOnly(latchkey),
      schema: {
        operationId: "changePassword", security: SESSION_SECURITY, summary: "Change your password (ends your other sessions)",
        tags: ["session"],
        body: ChangePasswordBody,
        response: { 204: { type: "null", description: "Changed" }, 401: { $ref: "Error#" }, 403: { $ref: "Error#" }, 422: { $ref: "Error#" }, 429: { $ref: "Error#" } },
      },
    },
    async (request, reply) => {
      const { session, secret } = await signedInOf(latchkey, request);
      await latchkey.recovery.changePassword(session.user, secret, request.body.current_password, request.body.new_password, { ip: request.ip });
      return reply.code(204).send(null);
    },
  );
}
