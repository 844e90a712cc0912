/**
 * A signed-in person's two-factor sign-in (src/service/two-factor-service.ts):
 * - GET /v1/me/two-factor: `{enabled, pending, recovery_codes_left, required}`.
 * - POST /v1/me/two-factor: begins enrolment; the secret, its otpauth:// URI and a QR code of it,
 *   shown this once (409 two_factor_already_enabled; 503 secret_key_unavailable without a key to seal
 *   the secret with).
 * - POST /v1/me/two-factor/confirm `{code}`: turns it on; the 10 recovery codes, shown this once
 *   (422 naming `code`).
 * - POST /v1/me/two-factor/disable `{code}`: turns it off with a current code (401 two_factor_invalid).
 * - POST /v1/me/step-up `{code}`: proves the second factor again, for 5 minutes (before creating a
 *   Full access token or rotating one, which answer 403 two_factor_step_up_required otherwise).
 * A wrong code counts toward the sign-in lock-out and the client address's failure limit.
 */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import { ServiceError } from "../../service/service-error.js";
import type { App } from "../app-instance.js";
import { refuseGuess, SESSION_SECURITY } from "../request-actor.js";
import { sessionOnly, signedInOf } from "../session-user.js";

export const CodeBody = Type.Object({ code: Type.String({ maxLength: 64, description: "A 6-digit code from the authenticator app, or a recovery code" }) }, { additionalProperties: false });

/** 503: secret_key_unavailable (no key to seal with, or a sealed secret that does not open with this one). */
const ERRORS = { 401: { $ref: "Error#" }, 403: { $ref: "Error#" }, 409: { $ref: "Error#" }, 422: { $ref: "Error#" }, 429: { $ref: "Error#" }, 503: { $ref: "Error#" } } as const;

/** A wrong code also counts against the client address (as a wrong password does). */
function countWrongCode(request: Parameters<typeof refuseGuess>[0]) {
  return (error: unknown): Promise<never> => {
    if (error instanceof ServiceError && error.code === "two_factor_invalid") return refuseGuess(request, error);
    throw error;
  };
}

export function registerMeTwoFactor(app: App, latchkey: Latchkey): void {
  app.get(
    "/v1/me/two-factor",
    {
      ...sessionOnly(latchkey),
      schema: {
        operationId: "showTwoFactor", security: SESSION_SECURITY, summary: "Your two-factor sign-in",
        tags: ["session"],
        response: {
          200: Type.Object({ data: Type.Object({ enabled: Type.Boolean(), pending: Type.Boolean(), recovery_codes_left: Type.Integer(), required: Type.Boolean({ description: "The account policy requires it of you" }) }) }),
          ...ERRORS,
        },
      },
    },
    async (request, reply) => {
      const { session } = await signedInOf(latchkey, request);
      const status = await latchkey.twoFactor.status(session.user.id);
      reply.header("cache-control", "no-store");
      return { data: { enabled: status.enabled, pending: status.pending, recovery_codes_left: status.recoveryCodesLeft, required: session.twoFactor?.required === true } };
    },
  );
  app.post(
    "/v1/me/two-factor",
    {
      ...sessionOnly(latchkey),
      schema: {
        operationId: "beginTwoFactor", security: SESSION_SECURITY, summary: "Begin setting up two-factor sign-in",
        description:
          "The secret is shown in this answer only, and stored sealed under the deployment's secret key; confirm with a code to turn two-factor on. " +
          "503 secret_key_unavailable when the server has no key to seal it with (PostgreSQL without LATCHKEY_SECRET_KEY).",
        tags: ["session"],
        response: { 200: Type.Object({ data: Type.Object({ secret: Type.String(), otpauth_url: Type.String(), qr_code: Type.String({ description: "data:image/png;base64,..." }) }) }), ...ERRORS },
      },
    },
    async (request, reply) => {
      const { session } = await signedInOf(latchkey, request);
      const enrolment = await latchkey.twoFactor.beginEnrolment(session.user);
      reply.header("cache-control", "no-store");
      return { data: { secret: enrolment.secret, otpauth_url: enrolment.otpauthUrl, qr_code: enrolment.qrCode } };
    },
  );
  app.post(
    "/v1/me/two-factor/confirm",
    {
      ...sessionOnly(latchkey),
      schema: { operationId: "confirmTwoFactor", security: SESSION_SECURITY, summary: "Turn two-factor sign-in on with a code from the app", tags: ["session"], body: CodeBody, response: { 200: Type.Object({ data: Type.Object({ recovery_codes: Type.Array(Type.String()) }) }), ...ERRORS } },
    },
    async (request, reply) => {
      const { session } = await signedInOf(latchkey, request);
      const codes = await latchkey.twoFactor.confirmEnrolment(session.user, request.body.code, { ip: request.ip });
      reply.header("cache-control", "no-store");
      return { data: { recovery_codes: codes } };
    },
  );
  app.post(
    "/v1/me/two-factor/disable",
    { ...sessionOnly(latchkey), schema: { operationId: "disableTwoFactor", security: SESSION_SECURITY, summary: "Turn two-factor sign-in off (needs a current code)", tags: ["session"], body: CodeBody, response: { 204: { type: "null", description: "Off" }, ...ERRORS } } },
    async (request, reply) => {
      const { session } = await signedInOf(latchkey, request);
      await latchkey.twoFactor.disable(session.user, request.body.code, { ip: request.ip }).catch(countWrongCode(request));
      return reply.code(204).send(null);
    },
  );
  app.post(
    "/v1/me/step-up",
    { ...sessionOnly(latchkey), schema: { operationId: "stepUp", security: SESSION_SECURITY, summary: "Confirm your second factor for a sensitive action (valid 5 minutes)", tags: ["session"], body: CodeBody, response: { 204: { type: "null", description: "Confirmed" }, ...ERRORS } } },
    async (request, reply) => {
      const { session, secret } = await signedInOf(latchkey, request);
      await latchkey.twoFactor.stepUp(secret, session.user, request.body.code, { ip: request.ip }).catch(countWrongCode(request));
      return reply.code(204).send(null);
    },
  );
}
