/**
 * /v1/forward-auth in-process, in nginx's convention: how the route map and the token decide. The
 * proxies' header conventions are in forward-auth-conventions.test.ts; nginx itself in nginx.test.ts.
 */
import { describe, expect, it } from "vitest";
import { SEED_CATALOGUE } from "../../src/core/catalogue.js";
import { parseRouteMap } from "../../src/core/route-map.js";
import { FORWARD_AUTH_HEADERS } from "../../src/http/routes/forward-auth.js";
import { PATH_TRICKS } from "../helpers/protected-api.js";
import { openForwardAuth } from "./forward-auth-harness.js";

describe("an allowed request", () => {
  it("answers 200 with the token's id, account, scopes and domains for the upstream", async () => {
    const h = await openForwardAuth();
    await h.addDomain("example.com");
    const token = await h.mint({ scopes: ["domains_read", "email_full"], domains: ["example.com"] });
    const response = await h.nginx("GET", "/api/domains", token.secret);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ allowed: true, status: 200, code: "ok", message: "Allowed." });
    expect(response.headers["x-latchkey-token-id"]).toBe(token.id);
    expect(response.headers["x-latchkey-account-id"]).toMatch(/^acc_/);
    expect(response.headers["x-latchkey-scopes"]).toBe("email_full,domains_read");
    expect(response.headers["x-latchkey-domains"]).toBe("example.com");
  });

  it("says all for a token of every domain", async () => {
    const h = await openForwardAuth();
    const token = await h.mint({ scopes: ["domains_read"] });
    expect((await h.nginx("GET", "/api/domains", token.secret)).headers["x-latchkey-domains"]).toBe("all");
  });

  it("lets a public route through without a token and without token headers", async () => {
    const h = await openForwardAuth();
    const response = await h.nginx("GET", "/health", null);
    expect(response.status).toBe(200);
    expect(response.headers["x-latchkey-token-id"]).toBeUndefined();
  });

  it("checks HEAD as a read", async () => {
    const h = await openForwardAuth(parseRouteMap([{ path: "/api/domains", area: "domains" }], SEED_CATALOGUE));
    const token = await h.mint({ scopes: ["domains_read"] });
    expect((await h.nginx("HEAD", "/api/domains", token.secret)).status).toBe(200);
  });
});

describe("a refused request", () => {
  it("answers 403 scope_missing with the scope needed for a DELETE by a read token", async () => {
    const h = await openForwardAuth();
    const token = await h.mint({ scopes: ["domains_read"] });
    const response = await h.nginx("DELETE", "/api/domains/example.com", token.secret);
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ allowed: false, status: 403, code: "scope_missing", message: expect.any(String), required: "domains_full" });
  });

  it("carries the code in X-Latchkey-Code for nginx's error page", async () => {
    const h = await openForwardAuth();
    const token = await h.mint({ scopes: ["domains_read"] });
    expect((await h.nginx("DELETE", "/api/domains/example.com", token.secret)).headers["x-latchkey-code"]).toBe("scope_missing");
  });

  it("answers 401 token_missing without a token", async () => {
    const h = await openForwardAuth();
    const response = await h.nginx("GET", "/api/domains", null);
    expect([response.status, response.body.code]).toEqual([401, "token_missing"]);
  });

  it("answers 401 token_malformed for a Basic header", async () => {
    const h = await openForwardAuth();
    const response = await h.send("GET", "/v1/forward-auth", { "x-original-method": "GET", "x-original-uri": "/api/domains", authorization: "Basic dXNlcjpwYXNz" });
    expect([response.status, response.body.code]).toEqual([401, "token_malformed"]);
  });

  it("answers 401 token_paused on the next check after a pause", async () => {
    const h = await openForwardAuth();
    const token = await h.mint({ scopes: ["domains_read"] });
    expect((await h.nginx("GET", "/api/domains", token.secret)).status).toBe(200);
    await h.pause(token.id);
    const response = await h.nginx("GET", "/api/domains", token.secret);
    expect([response.status, response.body.code]).toEqual([401, "token_paused"]);
  });

  it("answers 403 route_not_mapped for a path the map lacks", async () => {
    const h = await openForwardAuth();
    const token = await h.mint();
    const response = await h.nginx("GET", "/api/billing", token.secret);
    expect([response.status, response.body.code]).toEqual([403, "route_not_mapped"]);
  });

  it("answers 403 route_not_mapped for a method the route does not list", async () => {
    const h = await openForwardAuth();
    const token = await h.mint();
    expect((await h.nginx("PUT", "/api/domains", token.secret)).body.code).toBe("route_not_mapped");
  });

  it("answers 403 route_not_mapped for everything when no route map is configured", async () => {
    const h = await openForwardAuth(null);
    const token = await h.mint();
    expect((await h.nginx("GET", "/api/domains", token.secret)).body.code).toBe("route_not_mapped");
  });

  it("lets an unmapped path through unchecked when the map says unmatched: allow", async () => {
    const h = await openForwardAuth(parseRouteMap({ routes: [], unmatched: "allow" }, SEED_CATALOGUE));
    expect((await h.nginx("GET", "/anything", null)).status).toBe(200);
  });
});

describe("the domain of a request", () => {
  it.each([
    ["a path parameter", "GET", "/api/domains/other.org", {}],
    ["a header", "POST", "/api/email", { "x-domain": "other.org" }],
    ["a query parameter", "GET", "/api/analytics?domain=other.org", {}],
  ])("refuses another domain named by %s with domain_not_allowed", async (_source, method, uri, headers) => {
    const h = await openForwardAuth();
    await h.addDomain("example.com");
    await h.addDomain("other.org");
    const token = await h.mint({ scopes: ["domains_read", "email_full", "analytics_read"], domains: ["example.com"] });
    const response = await h.nginx(method, uri, token.secret, headers);
    expect([response.status, response.body.code]).toEqual([403, "domain_not_allowed"]);
  });

  it.each([
    ["a path parameter", "GET", "/api/domains/Example.COM.", {}],
    ["a header", "POST", "/api/email", { "x-domain": "example.com" }],
    ["a query parameter", "GET", "/api/analytics?domain=example.com", {}],
  ])("allows the token's domain named by %s", async (_source, method, uri, headers) => {
    const h = await openForwardAuth();
    await h.addDomain("example.com");
    const token = await h.mint({ scopes: ["domains_read", "email_full", "analytics_read"], domains: ["example.com"] });
    expect((await h.nginx(method, uri, token.secret, headers)).status).toBe(200);
  });

  it("refuses two different values of the domain's query parameter", async () => {
    const h = await openForwardAuth();
    await h.addDomain("example.com");
    const token = await h.mint({ scopes: ["analytics_read"], domains: ["example.com"] });
    const response = await h.nginx("GET", "/api/analytics?domain=example.com&domain=other.org", token.secret);
    expect(response.body.code).toBe("domain_not_allowed");
  });

  it.each([
    ["an array spelling", "/api/analytics?domain[]=other.org"],
    ["an object spelling", "/api/analytics?domain[a]=other.org"],
    ["another case beside the real one", "/api/analytics?domain=example.com&DOMAIN=other.org"],
    ["another case alone", "/api/analytics?Domain=other.org"],
    ["a semicolon separator", "/api/analytics?x=1;domain=other.org"],
    ["a leading space", "/api/analytics?%20domain=other.org"],
    ["a leading plus (a space)", "/api/analytics?domain=example.com&+domain=other.org"],
    ["a trailing space", "/api/analytics?domain%20=other.org"],
    ["a trailing plus (a space)", "/api/analytics?domain=example.com&domain+=other.org"],
    ["a no-break space", "/api/analytics?domain%C2%A0=other.org"],
    ["an encoded NUL at the end", "/api/analytics?domain%00=other.org"],
    ["an encoded NUL and more after it", "/api/analytics?domain%00x=other.org"],
    ["an encoded tab", "/api/analytics?domain%09=other.org"],
    ["an encoded line feed before it", "/api/analytics?%0Adomain=other.org"],
    ["an encoded DEL", "/api/analytics?domain%7F=other.org"],
    ["a C1 control character", "/api/analytics?domain%C2%85=other.org"],
    ["an empty duplicate after it", "/api/analytics?domain=example.com&domain="],
    ["an empty duplicate before it", "/api/analytics?domain=&domain=example.com"],
    ["an empty duplicate without =", "/api/analytics?domain=example.com&domain"],
  ])("refuses the domain's query parameter given with %s", async (_label, uri) => {
    const h = await openForwardAuth();
    await h.addDomain("example.com");
    const token = await h.mint({ scopes: ["analytics_read"], domains: ["example.com"] });
    const response = await h.nginx("GET", uri, token.secret);
    expect(response.body.code).toBe("domain_not_allowed");
  });

  it("judges a request naming no domain on its area alone", async () => {
    const h = await openForwardAuth();
    await h.addDomain("example.com");
    const token = await h.mint({ scopes: ["analytics_read"], domains: ["example.com"] });
    expect((await h.nginx("GET", "/api/analytics", token.secret)).status).toBe(200);
  });

  it("refuses a domain-limited token a change on a route naming no domain: 403 domain_required", async () => {
    const h = await openForwardAuth();
    await h.addDomain("example.com");
    const token = await h.mint({ scopes: ["tokens_full"], domains: ["example.com"] });
    const response = await h.nginx("DELETE", "/api/tokens/tok_1", token.secret);
    expect([response.status, response.body.code, response.headers["x-latchkey-code"]]).toEqual([403, "domain_required", "domain_required"]);
    expect((await h.nginx("GET", "/api/tokens", token.secret)).status).toBe(200);
    expect((await h.nginx("DELETE", "/api/tokens/tok_1", (await h.mint({ scopes: ["tokens_full"] })).secret)).status).toBe(200);
  });
});

describe.each(PATH_TRICKS)("a path spelled with $name", ({ method, path }) => {
  it("is refused for a token that may only read domains", async () => {
    const h = await openForwardAuth();
    const token = await h.mint({ scopes: ["domains_read"] });
    const response = await h.nginx(method, path, token.secret);
    expect(response.status).toBe(403);
    expect(["scope_missing", "route_not_mapped", "path_rejected"]).toContain(response.body.code);
  });
});

it("sets no X-Latchkey-* header beyond FORWARD_AUTH_HEADERS, which every documented proxy configuration clears", async () => {
  const h = await openForwardAuth();
  const token = await h.mint({ scopes: ["domains_read"] });
  const answers = [await h.nginx("GET", "/api/domains", token.secret), await h.nginx("DELETE", "/api/domains/example.com", token.secret), await h.nginx("GET", "/health", null)];
  const names = answers.flatMap((answer) => Object.keys(answer.headers).filter((name) => name.startsWith("x-latchkey-")));
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) expect(FORWARD_AUTH_HEADERS, name).toContain(name);
});

it("documents forward-auth in /openapi.json once, as the GET proxies send (issue 17), not as every method it accepts", async () => {
  const h = await openForwardAuth();
  const spec = (await h.send("GET", "/openapi.json", {})).body;
  expect(Object.keys(spec.paths).filter((p) => p.includes("forward-auth"))).toEqual(["/v1/forward-auth"]);
  expect(Object.keys(spec.paths["/v1/forward-auth"])).toEqual(["get"]);
  expect(spec.paths["/v1/forward-auth"].get.operationId).toBe("forwardAuth");
});
