/**
 * POST /v1/session: sign in with `{email, password}`. 200 with the session (and its CSRF token) and
 * the httpOnly session cookie; for a user enrolled in two-factor, 202 `{data: {challenge, expires_at}}`
 * instead, and the session opens with POST /v1/session/two-factor; 401 invalid_credentials; 429 rate_limited with Retry-After while the
 * user is locked out (src/service/user-service.ts), or while the client address is past its limit of
 * failed attempts (src/service/failure-limiter.ts).
 */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import { ServiceError } from "../../service/service-error.js";
import type { App } from "../app-instance.js";
import { PUBLIC_SECURITY, refuseGuess } from "../request-actor.js";
import { setSessionCookie } from "../session-cookie.js";
import { SessionSchema, sessionToWire } from "../wire-format.js";

export const SignInBody = Type.Object(
  {
    email: Type.String({ maxLength: 320, description: "The user's e-mail address" }),
    password: Type.String({ maxLength: 4096, description: "The user's password" }),
  },
  { additionalProperties: false },
);

export function registerSessionCreate(app: App, latchkey: Latchkey): void {
  app.post(
    "/v1/session",
    {
      schema: {
        operationId: "createSession", security: PUBLIC_SECURITY, summary: "Sign in to the dashboard",
        tags: ["session"],
        body: SignInBody,
        response: {
          200: Type.Object({ data: SessionSchema }),
          202: Type.Object({ data: Type.Object({ two_factor_required: Type.Literal(true), challenge: Type.String({ description: "Send it with the code to POST /v1/session/two-factor" }), expires_at: Type.String({ format: "date-time" }) }) }),
          401: { $ref: "Error#" }, 422: { $ref: "Error#" }, 429: { $ref: "Error#" } },
      },
    },
    async (request, reply) => {
      const opened = await latchkey.users.signIn(request.body.email, request.body.password, { ip: request.ip }).catch((error: unknown) => {
        // Wrong passwords also count against the client address, across all e-mail addresses tried.
        if (error instanceof ServiceError && error.code === "invalid_credentials") return refuseGuess(request, error);
        throw error;
      });
      reply.header("cache-control", "no-store");
      if ("challenge" in opened) return reply.code(202).send({ data: { two_factor_required: true as const, challenge: opened.challenge, expires_at: opened.expiresAt } });
      setSessionCookie(request, reply, opened.secret);
      const session = await latchkey.users.findSession(opened.secret);
      return { data: sessionToWire(session ?? opened, latchkey.catalogue) };
    },
  );
}
