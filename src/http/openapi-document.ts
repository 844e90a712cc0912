/**
 * The options of @fastify/swagger for GET /openapi.json: the document's info (with the package's
 * version and license), its servers, the security schemes the routes name, and component names taken
 * from the schemas' `$id`. `npm run lint:openapi` holds the document to Redocly's recommended rules
 * (redocly.yaml, docs/operations.md).
 */
import type { SwaggerOptions } from "@fastify/swagger";
import type { OpenAPIV3 } from "openapi-types";
import { packageVersion } from "../service/package-version.js";

const header = (name: string, description: string) => ({ name, in: "header", required: false, schema: { type: "string" as const }, description });

/** The refusal body of forward-auth (the verify contract's decision), for each refused status. */
const REFUSED = { description: "Refused: `{allowed: false, status, code, message, required?}`, with X-Latchkey-Code", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };

/**
 * GET /v1/forward-auth, written by hand: the route takes every method and is hidden from the generated
 * document (src/http/routes/forward-auth.ts; docs/forward-auth.md). GET is the method proxies use.
 */
const FORWARD_AUTH_PATH_ITEM: OpenAPIV3.PathItemObject = {
  get: {
    operationId: "forwardAuth",
    summary: "Check a proxied request (nginx auth_request, Traefik forwardAuth)",
    description:
      "Any method is accepted. The original request comes from X-Original-Method/X-Original-URI (nginx) or X-Forwarded-Method/X-Forwarded-Uri (Traefik), its token from Authorization; the path is matched against the route map. Allowed: 200 with X-Latchkey-Token-Id, X-Latchkey-Account-Id, X-Latchkey-Scopes, X-Latchkey-Domains, X-Latchkey-Secret. Envoy's ext_authz uses /v1/forward-auth/envoy/{path}.",
    tags: ["verify"],
    security: [{ bearerAuth: [] }, {}],
    parameters: [
      header("X-Original-Method", "nginx: the original request's method"),
      header("X-Original-URI", "nginx: the original request's path and query"),
      header("X-Forwarded-Method", "Traefik: the original request's method"),
      header("X-Forwarded-Uri", "Traefik: the original request's path and query"),
    ],
    responses: {
      200: { description: "Allowed; the X-Latchkey-* headers describe the token" },
      401: REFUSED,
      403: REFUSED,
      429: REFUSED,
      503: REFUSED,
    },
  },
};

/**
 * The swagger plugin's options.
 *
 * @param publicUrl LATCHKEY_PUBLIC_URL (no trailing slash), or "" when none is set: the document's
 *   server is then `/`, the address it was fetched from.
 */
export function openApiOptions(publicUrl: string): SwaggerOptions {
  return {
    // Components named after the schemas' $id (Token, Domain, Error, ...), not def-0, def-1.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === "string" ? json.$id : `def-${i}`) },
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "latchkey",
        version: packageVersion(),
        description: "API tokens with MailerSend's permission model: the token API, domains, audit log and the verify endpoint.",
        license: { name: "MIT", identifier: "MIT" },
      },
      paths: { "/v1/forward-auth": FORWARD_AUTH_PATH_ITEM },
      servers: [{ url: publicUrl === "" ? "/" : publicUrl, description: publicUrl === "" ? "The latchkey instance serving this document" : "LATCHKEY_PUBLIC_URL" }],
      components: {
        securitySchemes: {
          bearerAuth: { type: "http", scheme: "bearer", description: "An API token (lk_…), or an operator token" },
          sessionCookie: { type: "apiKey", in: "cookie", name: "latchkey_session", description: "The dashboard's session; writes also need X-CSRF-Token" },
          verifyKey: { type: "apiKey", in: "header", name: "X-Latchkey-Verify-Key", description: "LATCHKEY_VERIFY_KEY, when set" },
        },
      },
    },
  };
}
