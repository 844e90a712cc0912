/**
 * GET /openapi.json and GET /docs: the API's description. The document is checked against the rules
 * of OpenAPI 3.1 a client generator relies on (required fields, path parameters, resolvable $refs,
 * schemas valid in its JSON Schema 2020-12 dialect) and must list every /v1 route of DESIGN.md.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { openApiHarness } from "../helpers/api-harness.js";

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** DESIGN.md's HTTP API table, as OpenAPI paths and methods. */
const DESIGN_ROUTES: [string, string][] = [
  ["get", "/v1/token"],
  ["post", "/v1/token"],
  ["get", "/v1/token/{id}"],
  ["put", "/v1/token/{id}"],
  ["delete", "/v1/token/{id}"],
  ["put", "/v1/token/{id}/settings"],
  ["get", "/v1/domains"],
  ["post", "/v1/domains"],
  ["get", "/v1/domains/{id}"],
  ["delete", "/v1/domains/{id}"],
  ["get", "/v1/scopes"],
  ["get", "/v1/audit"],
  ["post", "/v1/verify"],
];

type Json = Record<string, any>;

async function openApiDocument(): Promise<Json> {
  const h = await openApiHarness();
  const res = await h.call("GET", "/openapi.json", { token: null });
  expect(res.status).toBe(200);
  return res.body;
}

/** Every operation of the document as [method, path, operation]. */
function operations(doc: Json): [string, string, Json][] {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    Object.entries(item as Json)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]): [string, string, Json] => [method, path, op as Json]),
  );
}

/** Every value under a key named `key`, anywhere in the document, with its JSON pointer. */
function collect(node: unknown, key: string, pointer = ""): [string, unknown][] {
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([k, v]) => {
    const here = `${pointer}/${k.replaceAll("~", "~0").replaceAll("/", "~1")}`;
    return [...(k === key ? ([[here, v]] as [string, unknown][]) : []), ...collect(v, key, here)];
  });
}

function resolvePointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce<unknown>((node, part) => (node !== null && typeof node === "object" ? (node as Json)[part] : undefined), doc);
}

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document with info and paths, served without a token", async () => {
    const doc = await openApiDocument();
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info.title).toBe("string");
    expect(typeof doc.info.version).toBe("string");
    expect(typeof doc.paths).toBe("object");
  });

  it.each(DESIGN_ROUTES)("lists %s %s", async (method, path) => {
    const doc = await openApiDocument();
    expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
  });

  it("gives every operation responses, each with a description", async () => {
    const doc = await openApiDocument();
    for (const [method, path, op] of operations(doc)) {
      const responses = Object.entries(op.responses ?? {});
      expect(responses.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const [status, response] of responses) {
        expect(status, `${method} ${path}`).toMatch(/^([1-5](\d\d|XX)|default)$/);
        expect(typeof (response as Json).description, `${method} ${path} ${status}`).toBe("string");
      }
    }
  });

  it("declares every path template parameter as a required path parameter", async () => {
    const doc = await openApiDocument();
    for (const [method, path, op] of operations(doc)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = ((op.parameters ?? []) as Json[]).filter((p) => p.in === "path");
      expect(declared.map((p) => p.name).sort(), `${method} ${path}`).toEqual(names.sort());
      for (const parameter of declared) expect(parameter.required, `${method} ${path} ${parameter.name}`).toBe(true);
    }
  });

  it("resolves every $ref inside the document", async () => {
    const doc = await openApiDocument();
    const refs = collect(doc, "$ref");
    expect(refs.length).toBeGreaterThan(0);
    for (const [pointer, ref] of refs) expect(resolvePointer(doc, String(ref)), `${pointer}: ${String(ref)}`).toBeDefined();
  });

  it("uses schemas that are valid JSON Schema 2020-12, OpenAPI 3.1's dialect", async () => {
    const doc = await openApiDocument();
    const ajv = new Ajv2020({ strict: false });
    const schemas = [...collect(doc.paths, "schema"), ...Object.entries(doc.components?.schemas ?? {})];
    expect(schemas.length).toBeGreaterThan(10);
    for (const [where, schema] of schemas) {
      const valid = ajv.validateSchema(schema as Json);
      expect(valid, `${where}: ${ajv.errorsText()}`).toBe(true);
    }
  });

  it("declares the bearer scheme that the token routes require, and the verify key (optional) on /v1/verify", async () => {
    const doc = await openApiDocument();
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.securitySchemes.verifyKey).toMatchObject({ type: "apiKey", in: "header", name: "X-Latchkey-Verify-Key" });
    for (const [method, path] of DESIGN_ROUTES.filter(([, p]) => p !== "/v1/verify")) {
      expect(doc.paths[path][method].security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
    }
    expect(doc.paths["/v1/verify"].post.security).toEqual([{ verifyKey: [] }, {}]);
  });

  it("names every operation uniquely and states its security (public ones with security: [])", async () => {
    const doc = await openApiDocument();
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(50);
    for (const [method, path, op] of ops) {
      expect(op.operationId, `${method} ${path}: operationId`).toMatch(/^[a-z][A-Za-z]+$/);
      expect(Array.isArray(op.security), `${method} ${path}: security`).toBe(true);
    }
    expect(new Set(ops.map(([, , op]) => op.operationId)).size).toBe(ops.length);
    const publicOps = ops.filter(([, , op]) => op.security.length === 0).map(([method, path]) => `${method} ${path}`);
    expect(publicOps).toEqual(expect.arrayContaining(["get /healthz", "post /v1/session", "post /v1/setup", "post /v1/invites/accept", "post /v1/password-reset"]));
    expect(doc.paths["/v1/forward-auth"].get).toMatchObject({ operationId: "forwardAuth", tags: ["verify"] });
    expect(doc.info.license).toEqual({ name: "MIT", identifier: "MIT" });
    expect(doc.servers).toEqual([{ url: "/", description: expect.any(String) }]);
  });

  it("describes the token object's fields in the create response", async () => {
    const doc = await openApiDocument();
    const text = JSON.stringify(doc.paths["/v1/token"].post.responses["201"]) + JSON.stringify(doc.components.schemas);
    for (const field of ["accessToken", "has_full", "expires_at", "last_used_at", "preview", "domain"]) expect(text).toContain(`"${field}"`);
  });
});

describe("GET /docs", () => {
  it("answers an HTML page without a token", async () => {
    const h = await openApiHarness();
    const res = await h.call("GET", "/docs", { token: null });
    expect(res.status).toBe(200);
    expect(String(res.headers["content-type"])).toMatch(/^text\/html/);
    expect(res.text).toMatch(/<html/i);
    expect(res.text).toContain("swagger-ui");
  });
});
