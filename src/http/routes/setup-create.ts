/**
 * POST /v1/setup: `{code, email, password}` creates the owner of the `default` account with the
 * one-time code `latchkey serve` printed, and signs them in (200, like POST /v1/session). 403
 * setup_closed when a user exists, no code was issued or the code is wrong; 422 for a bad e-mail or
 * password (the code stays valid for another try).
 */
import { Type } from "typebox";
import { DEFAULT_ACCOUNT } from "../../service/account-service.js";
import type { Latchkey } from "../../service/latchkey.js";
import type { App } from "../app-instance.js";
import { setSessionCookie } from "../session-cookie.js";
import { SessionSchema, sessionToWire } from "../wire-format.js";
import { PUBLIC_SECURITY } from "../request-actor.js";

export const SetupBody = Type.Object(
  {
    code: Type.String({ maxLength: 200, description: "The code from the set-up link latchkey serve printed" }),
    email: Type.String({ maxLength: 320 }),
    password: Type.String({ maxLength: 4096, description: "At least 12 characters" }),
  },
  { additionalProperties: false },
);

export function registerSetupCreate(app: App, latchkey: Latchkey): void {
  app.post(
    "/v1/setup",
    {
      schema: {
        operationId: "completeSetup", security: PUBLIC_SECURITY, summary: "Create the first user (the owner)",
        tags: ["session"],
        body: SetupBody,
        response: { 200: Type.Object({ data: SessionSchema }), 403: { $ref: "Error#" }, 409: { $ref: "Error#" }, 422: { $ref: "Error#" } },
      },
    },
    async (request, reply) => {
      const account = await latchkey.accounts.find(DEFAULT_ACCOUNT);
      const { code, email, password } = request.body;
      const opened = await latchkey.users.completeSetup(code, { accountId: account.id, email, password }, { ip: request.ip });
      setSessionCookie(request, reply, opened.secret);
      reply.header("cache-control", "no-store");
      return { data: sessionToWire(opened, latchkey.catalogue) };
    },
  );
}
