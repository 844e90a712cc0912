/**
 * /v1/forward-auth in-process: how each proxy names the original request (nginx's X-Original-*,
 * Traefik's X-Forwarded-*, Envoy's path prefix), and the refusal of headers that do not name exactly
 * one request.
 */
import { describe, expect, it } from "vitest";
import { SEED_CATALOGUE } from "../../src/core/catalogue.js";
import { parseRouteMap } from "../../src/core/route-map.js";
import { openForwardAuth } from "./forward-auth-harness.js";

describe("Traefik ForwardAuth", () => {
  it("allows a GET named by X-Forwarded-Method and X-Forwarded-Uri", async () => {
    const h = await openForwardAuth();
    const token = await h.mint({ scopes: ["domains_read"] });
    const response = await h.send("GET", "/v1/forward-auth", {
      "x-forwarded-method": "GET",
      "x-forwarded-uri": "/api/domains?page=2",
      "x-forwarded-host": "api.example.com",
      "x-forwarded-proto": "https",
      authorization: `Bearer ${token.secret}`,
    });
    expect([response.status, response.headers["x-latchkey-token-id"]]).toEqual([200, token.id]);
  });

  it("refuses a DELETE by a read token with scope_missing", async () => {
    const h = await openForwardAuth();
    const token = await h.mint({ scopes: ["domains_read"] });
    const response = await h.send("GET", "/v1/forward-auth", { "x-forwarded-method": "DELETE", "x-forwarded-uri": "/api/domains/example.com", authorization: `Bearer ${token.secret}` });
    expect([response.status, response.body.code]).toEqual([403, "scope_missing"]);
  });

  it("reads the domain from X-Forwarded-Host when the route map says so", async () => {
    const h = await openForwardAuth(parseRouteMap([{ path: "/api/domains", area: "domains", domain: { header: "x-forwarded-host" } }], SEED_CATALOGUE));
    await h.addDomain("example.com");
    const token = await h.mint({ scopes: ["domains_read"], domains: ["example.com"] });
    const headers = { "x-forwarded-method": "GET", "x-forwarded-uri": "/api/domains", authorization: `Bearer ${token.secret}` };
    const refused = await h.send("GET", "/v1/forward-auth", { ...headers, "x-forwarded-host": "other.org" });
    expect(refused.body.code).toBe("domain_not_allowed");
  });
});

describe("Envoy ext_authz", () => {
  it("takes the method of the check request and the path after the prefix", async () => {
    const h = await openForwardAuth();
    const token = await h.mint({ scopes: ["domains_read"] });
    const response = await h.send("GET", "/v1/forward-auth/envoy/api/domains", { authorization: `Bearer ${token.secret}` });
    expect([response.status, response.headers["x-latchkey-token-id"]]).toEqual([200, token.id]);
  });

  it("refuses a DELETE check request by a read token with scope_missing", async () => {
    const h = await openForwardAuth();
    const token = await h.mint({ scopes: ["domains_read"] });
    const response = await h.send("DELETE", "/v1/forward-auth/envoy/api/domains/example.com", { authorization: `Bearer ${token.secret}` });
    expect([response.status, response.body.code]).toEqual([403, "scope_missing"]);
  });

  it("reads the domain from the query of the original path", async () => {
    const h = await openForwardAuth();
    await h.addDomain("example.com");
    const token = await h.mint({ scopes: ["analytics_read"], domains: ["example.com"] });
    const response = await h.send("GET", "/v1/forward-auth/envoy/api/analytics?domain=other.org", { authorization: `Bearer ${token.secret}` });
    expect(response.body.code).toBe("domain_not_allowed");
  });

  it("ignores X-Original-* headers, the path being the only source", async () => {
    const h = await openForwardAuth();
    const token = await h.mint({ scopes: ["domains_read"] });
    const response = await h.send("GET", "/v1/forward-auth/envoy/api/tokens", { "x-original-method": "GET", "x-original-uri": "/api/domains", authorization: `Bearer ${token.secret}` });
    expect(response.body.code).toBe("scope_missing");
  });

  it("refuses an encoded slash in the original path with path_rejected", async () => {
    const h = await openForwardAuth();
    const token = await h.mint({ scopes: ["domains_read"] });
    const response = await h.send("GET", "/v1/forward-auth/envoy/api/domains/..%2Ftokens", { authorization: `Bearer ${token.secret}` });
    expect([response.status, response.body.code]).toEqual([403, "path_rejected"]);
  });

  it("does not parse a body the check request announces as JSON", async () => {
    const h = await openForwardAuth();
    await h.addDomain("example.com");
    const token = await h.mint({ scopes: ["email_full"] });
    const response = await h.send("POST", "/v1/forward-auth/envoy/api/email", { authorization: `Bearer ${token.secret}`, "content-type": "application/json", "x-domain": "example.com" }, "{not json");
    expect(response.status).toBe(200);
  });
});

describe("headers that do not name exactly one request", () => {
  it.each([
    ["no convention at all", {}],
    ["a method without a URI", { "x-original-method": "GET" }],
    ["a URI without a method", { "x-forwarded-uri": "/api/domains" }],
    ["a method that is not a token", { "x-original-method": "GET /x", "x-original-uri": "/api/domains" }],
    ["two conventions that disagree on the path", { "x-original-method": "GET", "x-original-uri": "/api/domains", "x-forwarded-method": "GET", "x-forwarded-uri": "/api/tokens" }],
    ["two conventions that disagree on the method", { "x-original-method": "GET", "x-original-uri": "/api/domains", "x-forwarded-method": "DELETE", "x-forwarded-uri": "/api/domains" }],
  ])("are refused with forward_headers_invalid: %s", async (_name, headers) => {
    const h = await openForwardAuth();
    const token = await h.mint();
    const response = await h.send("GET", "/v1/forward-auth", { ...headers, authorization: `Bearer ${token.secret}` });
    expect([response.status, response.body.code]).toEqual([403, "forward_headers_invalid"]);
  });

  it("accepts two conventions that agree", async () => {
    const h = await openForwardAuth();
    const token = await h.mint({ scopes: ["domains_read"] });
    const same = { "x-original-method": "GET", "x-original-uri": "/api/domains", "x-forwarded-method": "GET", "x-forwarded-uri": "/api/domains" };
    expect((await h.send("GET", "/v1/forward-auth", { ...same, authorization: `Bearer ${token.secret}` })).status).toBe(200);
  });

  it("matches a lower-case method to no route, methods being case-sensitive", async () => {
    const h = await openForwardAuth();
    const token = await h.mint();
    expect((await h.nginx("get", "/api/domains", token.secret)).body.code).toBe("route_not_mapped");
  });
});

describe("the check request itself", () => {
  it.each(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])("is answered for method %s", async (method) => {
    const h = await openForwardAuth();
    const token = await h.mint({ scopes: ["domains_read"] });
    const response = await h.app.inject({ method: method as "GET", url: "/v1/forward-auth", headers: { "x-original-method": "GET", "x-original-uri": "/api/domains", authorization: `Bearer ${token.secret}` } });
    expect(response.statusCode).toBe(200);
  });
});
