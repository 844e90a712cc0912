/**
 * DELETE /v1/session: sign out. Ends the cookie's session and clears the cookie; 204 also when there
 * was no session (signing out twice is not an error). With a live session it needs X-CSRF-Token, so
 * another site cannot sign a person out.
 */
import type { Latchkey } from "../../service/latchkey.js";
import type { App } from "../app-instance.js";
import { clearSessionCookie, readSessionCookie, requireCsrf } from "../session-cookie.js";
import { SESSION_SECURITY } from "../request-actor.js";

export function registerSessionDelete(app: App, latchkey: Latchkey): void {
  app.delete(
    "/v1/session",
    { schema: { operationId: "deleteSession", security: SESSION_SECURITY, summary: "Sign out of the dashboard", tags: ["session"], response: { 204: { type: "null", description: "Signed out" }, 403: { $ref: "Error#" } } } },
    async (request, reply) => {
      const secret = readSessionCookie(request);
      if (secret !== null) {
        const session = await latchkey.users.findSession(secret);
        if (session !== null) {
          requireCsrf(request, session);
          await latchkey.users.signOut(secret);
        }
      }
      clearSessionCookie(request, reply);
      return reply.code(204).send(null);
    },
  );
}
