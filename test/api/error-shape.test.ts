/**
 * Every refusal has DESIGN.md's shape `{message, code, errors?}` with a code from the error catalog,
 * including the ones Fastify raises itself before a route runs (unknown routes, bad URLs).
 */
import { describe, expect, it } from "vitest";
import { ERROR_CATALOG } from "../../src/core/error-catalog.js";
import { openApiHarness } from "../helpers/api-harness.js";

describe("error responses", () => {
  it.each([
    ["GET", "/v1/token/%E0%A4%A"],
    ["PUT", "/v1/token/%E0%A4%A/settings"],
    ["DELETE", "/v1/token/%E0%A4%A"],
    ["GET", "/v1/domains/%E0%A4%A"],
  ])("answers a bad percent-encoding in %s %s with 400 malformed_request in the error shape", async (method, path) => {
    const h = await openApiHarness();
    const res = await h.call(method, path, { body: method === "PUT" ? { status: "pause" } : undefined });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: ERROR_CATALOG.malformed_request.message, code: "malformed_request" });
  });

  it("answers a path parameter over 200 characters with 400 malformed_request in the error shape", async () => {
    const h = await openApiHarness();
    const res = await h.call("GET", `/v1/token/${"t".repeat(201)}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: ERROR_CATALOG.malformed_request.message, code: "malformed_request" });
  });

  it("answers an unknown route with 404 not_found in the error shape", async () => {
    const h = await openApiHarness();
    const res = await h.call("GET", "/v1/tokens");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: ERROR_CATALOG.not_found.message, code: "not_found" });
  });

  it("answers a method the route lacks with 404 not_found", async () => {
    const h = await openApiHarness();
    const res = await h.call("PATCH", `/v1/token/${h.root.id}`, { body: { name: "x" } });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
  });

  it("answers a JSON body with __proto__ with 400 malformed_request", async () => {
    const h = await openApiHarness();
    const res = await h.call("POST", "/v1/token", { rawBody: '{"name":"x","scopes":["email_full"],"__proto__":{"has_full":true}}', headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("malformed_request");
  });

  it("puts only message, code and (on 422) errors in a refusal", async () => {
    const h = await openApiHarness();
    const refusals = [
      await h.call("GET", "/v1/token", { token: null }),
      await h.call("GET", "/v1/token/tok_01j00000000000000000000000"),
      await h.call("POST", "/v1/token", { body: { name: "" , scopes: ["email_full"] } }),
      await h.call("POST", "/v1/domains", { body: { name: "example.com" } }).then(() => h.call("POST", "/v1/domains", { body: { name: "example.com" } })),
    ];
    expect(refusals.map((r) => r.status)).toEqual([401, 404, 422, 409]);
    for (const res of refusals) {
      expect(Object.keys(ERROR_CATALOG)).toContain(res.body.code);
      expect(Object.keys(res.body).sort()).toEqual(res.status === 422 ? ["code", "errors", "message"] : ["code", "message"]);
    }
  });

  it("records the connecting address in the audit log, not an X-Forwarded-For header", async () => {
    const h = await openApiHarness();
    const created = await h.call("POST", "/v1/token", { body: { name: "Forwarded", scopes: ["email_full"] }, headers: { "x-forwarded-for": "203.0.113.9" } });
    const events = (await h.call("GET", "/v1/audit")).body.data;
    const event = events.find((e: { target: { id: string } }) => e.target.id === created.body.data.id);
    expect(event.ip).toBe("127.0.0.1");
  });
});
