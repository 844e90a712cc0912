/** GET /healthz (the process answers) and GET /readyz (the database answers; 503 otherwise). */
import type { Latchkey } from "../../service/latchkey.js";
import type { App } from "../app-instance.js";
import { sendError } from "../error-handler.js";

export function registerHealth(app: App, latchkey: Latchkey): void {
  app.get("/healthz", { schema: { summary: "Liveness", tags: ["health"] }, logLevel: "warn" }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { summary: "Readiness: the database answers", tags: ["health"] }, logLevel: "warn" }, async (request, reply) => {
    try {
      await latchkey.checkReady();
      return { status: "ok" };
    } catch (error) {
      request.log.warn({ err: error }, "not ready");
      return sendError(reply, "unavailable");
    }
  });
}
