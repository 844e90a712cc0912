/**
 * GET /v1/session: who is signed in, with the session's CSRF token (the page keeps it in memory and
 * sends it as X-CSRF-Token). Without a live session it answers 200 `{"data": null}`, not 401: the
 * dashboard asks on every page load, and browsers log every failed request in the console, so a
 * stranger's visit would always start with an error. A cookie for a session that has ended is
 * cleared. Every other /v1 route still refuses a missing or ended session with 401 session_missing.
 */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import { ServiceError } from "../../service/service-error.js";
import type { ActiveSession } from "../../service/user-service.js";
import type { App } from "../app-instance.js";
import { clearSessionCookie, sessionOf } from "../session-cookie.js";
import { SessionSchema, sessionToWire } from "../wire-format.js";
import { SESSION_SECURITY_OPTIONAL } from "../request-actor.js";

export function registerSessionShow(app: App, latchkey: Latchkey): void {
  app.get(
    "/v1/session",
    {
      schema: {
        operationId: "showSession", security: SESSION_SECURITY_OPTIONAL, summary: "The signed-in dashboard user",
        description: "`data` is the session, or null when the request carries no live session cookie.",
        tags: ["session"],
        response: { 200: Type.Object({ data: Type.Union([SessionSchema, Type.Null()]) }) },
      },
    },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      let session: ActiveSession | null;
      try {
        session = await sessionOf(latchkey.users, request);
      } catch (error) {
        if (!(error instanceof ServiceError) || error.code !== "session_missing") throw error;
        clearSessionCookie(request, reply); // the cookie names a session that has ended
        session = null;
      }
      return { data: session === null ? null : sessionToWire(session, latchkey.catalogue) };
    },
  );
}
