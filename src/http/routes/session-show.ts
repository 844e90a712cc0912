/**
 * GET /v1/session: who is signed in, with the session's CSRF token (the page keeps it in memory and
 * sends it as X-CSRF-Token). 401 session_missing without a live session cookie.
 */
import { Type, type Static } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import { ServiceError } from "../../service/service-error.js";
import type { ActiveSession } from "../../service/user-service.js";
import type { App } from "../app.js";
import { sessionOf } from "../session-cookie.js";

export const SessionSchema = Type.Object(
  {
    user: Type.Object({ id: Type.String(), email: Type.String(), role: Type.String(), account_id: Type.String() }),
    csrf_token: Type.String({ description: "Send it back as X-CSRF-Token on every POST, PUT, PATCH and DELETE made with the cookie" }),
    expires_at: Type.String({ format: "date-time" }),
  },
);

/** A session's wire form (never its secret, which only the cookie carries). */
export function sessionToWire(session: ActiveSession): Static<typeof SessionSchema> {
  const { user } = session;
  return { user: { id: user.id, email: user.email, role: user.role, account_id: user.accountId }, csrf_token: session.csrfToken, expires_at: session.expiresAt };
}

export function registerSessionShow(app: App, latchkey: Latchkey): void {
  app.get(
    "/v1/session",
    { schema: { summary: "The signed-in dashboard user", tags: ["session"], response: { 200: Type.Object({ data: SessionSchema }), 401: { $ref: "Error#" } } } },
    async (request, reply) => {
      const session = await sessionOf(latchkey.users, request);
      if (session === null) throw new ServiceError("session_missing");
      reply.header("cache-control", "no-store");
      return { data: sessionToWire(session) };
    },
  );
}
