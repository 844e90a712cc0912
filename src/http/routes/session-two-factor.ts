/**
 * POST /v1/session/two-factor `{challenge, code}`: the second step of signing in for a user enrolled
 * in two-factor (POST /v1/session answered 202 with the challenge). 200 with the session and its
 * cookie, as POST /v1/session; 401 two_factor_invalid (wrong, or a code already used: counted toward
 * the lock-out and the client address's failure limit) or two_factor_challenge_expired (start again
 * with the password); 422 naming `code`; 429 while locked out; 503 secret_key_unavailable when the
 * stored TOTP secret does not open with the configured key (a recovery code still works).
 */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import { ServiceError } from "../../service/service-error.js";
import type { App } from "../app-instance.js";
import { PUBLIC_SECURITY, refuseGuess } from "../request-actor.js";
import { setSessionCookie } from "../session-cookie.js";
import { SessionSchema, sessionToWire } from "../wire-format.js";

export const SecondStepBody = Type.Object(
  {
    challenge: Type.String({ maxLength: 200, description: "From the 202 answer of POST /v1/session" }),
    code: Type.String({ maxLength: 64, description: "A 6-digit code from the authenticator app, or a recovery code" }),
  },
  { additionalProperties: false },
);

export function registerSessionTwoFactor(app: App, latchkey: Latchkey): void {
  app.post(
    "/v1/session/two-factor",
    {
      schema: {
        operationId: "completeTwoFactorSignIn", security: PUBLIC_SECURITY, summary: "Sign in: the second step (two-factor code)",
        tags: ["session"],
        body: SecondStepBody,
        response: { 200: Type.Object({ data: SessionSchema }), 401: { $ref: "Error#" }, 422: { $ref: "Error#" }, 429: { $ref: "Error#" }, 503: { $ref: "Error#" } },
      },
    },
    async (request, reply) => {
      const opened = await latchkey.twoFactor.completeSignIn(request.body.challenge, request.body.code, { ip: request.ip }).catch((error: unknown) => {
        if (error instanceof ServiceError && (error.code === "two_factor_invalid" || error.code === "two_factor_challenge_expired")) return refuseGuess(request, error);
        throw error;
      });
      setSessionCookie(request, reply, opened.secret);
      reply.header("cache-control", "no-store");
      const session = await latchkey.users.findSession(opened.secret);
      return { data: sessionToWire(session ?? opened) };
    },
  );
}
