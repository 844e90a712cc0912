/** GET /v1/scopes: the catalogue of areas, levels and scope strings. Any valid token (or session). */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY } from "../request-actor.js";

const AreaSchema = Type.Object({
  area: Type.String(),
  label: Type.String(),
  description: Type.String(),
  levels: Type.Array(Type.Union([Type.Literal("none"), Type.Literal("read"), Type.Literal("full")])),
  scopes: Type.Array(Type.String()),
});

export function registerScopeList(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.get(
    "/v1/scopes",
    {
      schema: { operationId: "listScopes", summary: "List the scope catalogue", tags: ["scopes"], security: BEARER_SECURITY, response: { 200: Type.Object({ data: Type.Array(AreaSchema) }), ...AUTH_ERRORS } },
    },
    async (request) => {
      await actorFor(latchkey, request, resolvers);
      return {
        data: latchkey.catalogue.areas.map((a) => ({
          area: a.key,
          label: a.label,
          description: a.description,
          levels: [...a.levels],
          scopes: a.levels.filter((l) => l !== "none").map((l) => `${a.key}_${l}`),
        })),
      };
    },
  );
}
