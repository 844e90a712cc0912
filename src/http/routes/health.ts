/**
 * GET /healthz (the process answers) and GET /readyz: 200 `{status, change_feed}` when the database
 * answers and the change feed is `local` (SQLite) or `live` (PostgreSQL: heard within half a second
 * and caught up); 503 `unavailable` otherwise, the feed's state in the log line (`catching_up`,
 * `down`: the instance then reads the database on every verification, so it is correct but slower).
 */
import type { Latchkey } from "../../service/latchkey.js";
import type { App } from "../app-instance.js";
import { sendError } from "../error-handler.js";
import { PUBLIC_SECURITY } from "../request-actor.js";

export function registerHealth(app: App, latchkey: Latchkey): void {
  app.get("/healthz", { schema: { operationId: "checkLiveness", security: PUBLIC_SECURITY, summary: "Liveness", tags: ["health"] }, logLevel: "warn" }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { operationId: "checkReadiness", security: PUBLIC_SECURITY, summary: "Readiness: the database answers and (PostgreSQL) the change feed is live", tags: ["health"] }, logLevel: "warn" }, async (request, reply) => {
    try {
      await latchkey.checkReady();
      // The change feed: local (SQLite), or live (PostgreSQL, caught up; otherwise 503 above).
      return { status: "ok", change_feed: latchkey.changeFeedState };
    } catch (error) {
      request.log.warn({ err: error }, "not ready");
      return sendError(reply, "unavailable");
    }
  });
}
