/** GET /v1/setup: `{data: {open}}`, whether the first user can still be created with a set-up code. */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import type { App } from "../app-instance.js";
import { PUBLIC_SECURITY } from "../request-actor.js";

export function registerSetupShow(app: App, latchkey: Latchkey): void {
  app.get(
    "/v1/setup",
    { schema: { operationId: "showSetup", security: PUBLIC_SECURITY, summary: "Whether first-start set-up is open", tags: ["session"], response: { 200: Type.Object({ data: Type.Object({ open: Type.Boolean() }) }) } } },
    async () => ({ data: { open: await latchkey.users.isSetupOpen() } }),
  );
}
