/**
 * latchkey behind a real nginx: Debian's nginx (installed when missing) runs the configuration of
 * examples/nginx on a loopback port, in front of a recording upstream, with auth_request pointed at a
 * listening latchkey that has the protected API's route map. Each test makes its own tokens; the
 * upstream's record, filtered by token, shows what got through.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type App } from "../../src/http/app.js";
import { FORWARD_AUTH_HEADERS } from "../../src/http/routes/forward-auth.js";
import { areaOfReceived, openTestLatchkey, PATH_TRICKS, PROTECTED_ROUTE_MAP, scopesCover, type TestLatchkey } from "../helpers/protected-api.js";
import { startRecordingUpstream, type RecordingUpstream } from "../helpers/recording-upstream.js";
import { rawSocketRequest } from "../helpers/raw-socket.js";
import { rawRequest, startNginx, type NginxProcess } from "./nginx-process.js";

let test: TestLatchkey;
let app: App;
let upstream: RecordingUpstream;
let nginx: NginxProcess;

beforeAll(async () => {
  test = await openTestLatchkey();
  await test.addDomain("example.com");
  await test.addDomain("other.org");
  app = await buildApp(test.latchkey, { logger: false, routeMap: PROTECTED_ROUTE_MAP });
  await app.listen({ host: "127.0.0.1", port: 0 });
  upstream = await startRecordingUpstream();
  const address = app.server.address();
  nginx = await startNginx({ latchkey: typeof address === "object" && address !== null ? address.port : 0, upstream: upstream.port });
}, 300_000);

afterAll(async () => {
  await nginx?.stop();
  await upstream?.close();
  await app?.close();
  await test?.latchkey.close();
});

function through(method: string, path: string, secret: string | null, headers: Record<string, string> = {}) {
  return rawRequest(nginx.port, method, path, { ...(secret === null ? {} : { authorization: `Bearer ${secret}` }), ...headers });
}

function receivedBy(tokenId: string) {
  return upstream.received.filter((r) => r.tokenId === tokenId);
}

describe("a token with Domains read only", () => {
  it("can GET the domains through nginx, the upstream learning who it is", async () => {
    const token = await test.mint({ scopes: ["domains_read"] });
    const response = await through("GET", "/api/domains", token.secret);
    expect(response.status, nginx.errorLog()).toBe(200);
    const [received] = receivedBy(token.id);
    expect(received).toEqual({ method: "GET", url: "/api/domains", tokenId: token.id, scopes: "domains_read", domains: "all", latchkeyHeaders: expect.any(Object) });
    expect(received?.latchkeyHeaders).toEqual({ "x-latchkey-token-id": token.id, "x-latchkey-account-id": expect.stringMatching(/^acc_/), "x-latchkey-scopes": "domains_read", "x-latchkey-domains": "all", "x-latchkey-secret": "current" });
  });

  it("cannot DELETE a domain: 403 scope_missing, and the upstream never sees it", async () => {
    const token = await test.mint({ scopes: ["domains_read"] });
    const response = await through("DELETE", "/api/domains/example.com", token.secret);
    expect([response.status, JSON.parse(response.body).code]).toEqual([403, "scope_missing"]);
    expect(receivedBy(token.id)).toEqual([]);
  });
});

describe("a token limited to example.com", () => {
  it("reads its own domain", async () => {
    const token = await test.mint({ scopes: ["domains_read"], domains: ["example.com"] });
    expect((await through("GET", "/api/domains/example.com", token.secret)).status).toBe(200);
  });

  it("is refused on another domain with domain_not_allowed", async () => {
    const token = await test.mint({ scopes: ["domains_read"], domains: ["example.com"] });
    const response = await through("GET", "/api/domains/other.org", token.secret);
    expect([response.status, JSON.parse(response.body).code]).toEqual([403, "domain_not_allowed"]);
    expect(receivedBy(token.id)).toEqual([]);
  });

  it("is refused on another domain named by a header", async () => {
    const token = await test.mint({ scopes: ["email_full"], domains: ["example.com"] });
    const response = await through("POST", "/api/email", token.secret, { "x-domain": "other.org" });
    expect(JSON.parse(response.body).code).toBe("domain_not_allowed");
  });
});

it("refuses a paused token on the next request with 401 token_paused", async () => {
  const token = await test.mint({ scopes: ["domains_read"] });
  expect((await through("GET", "/api/domains", token.secret)).status).toBe(200);
  await test.pause(token.id);
  const response = await through("GET", "/api/domains", token.secret);
  expect([response.status, JSON.parse(response.body).code]).toEqual([401, "token_paused"]);
  expect(receivedBy(token.id)).toHaveLength(1);
});

it("refuses a request without a token with 401 token_missing", async () => {
  const response = await through("GET", "/api/domains", null);
  expect([response.status, JSON.parse(response.body).code]).toEqual([401, "token_missing"]);
});

it("lets the public health route through without a token", async () => {
  expect((await through("GET", "/health", null)).status).toBe(200);
});

describe("X-Latchkey-* headers a client sends itself (break test)", () => {
  const forged = Object.fromEntries(FORWARD_AUTH_HEADERS.map((name) => [name, "forged"]));

  it("never reach the upstream of a checked route: each is latchkey's own or absent", async () => {
    const token = await test.mint({ scopes: ["domains_read"] });
    const before = upstream.received.length;
    expect((await through("GET", "/api/domains", token.secret, forged)).status, nginx.errorLog()).toBe(200);
    const reached = upstream.received.slice(before).map((r) => r.latchkeyHeaders);
    expect(reached).toEqual([{ "x-latchkey-token-id": token.id, "x-latchkey-account-id": expect.stringMatching(/^acc_/), "x-latchkey-scopes": "domains_read", "x-latchkey-domains": "all", "x-latchkey-secret": "current" }]);
  });

  it("never reach the upstream of a public route, where latchkey sets none", async () => {
    const before = upstream.received.length;
    expect((await through("GET", "/health", null, forged)).status).toBe(200);
    expect(upstream.received.slice(before).map((r) => r.latchkeyHeaders)).toEqual([{}]);
  });
});

describe("two Authorization headers (break test: the first one used to win)", () => {
  it("are refused by forward-auth itself with 401 token_malformed, whichever comes first", async () => {
    const strong = await test.mint({ scopes: ["domains_full"] });
    const weak = await test.mint({ scopes: ["domains_read"] });
    const address = app.server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    for (const [label, first, second] of [["strong first", strong, weak], ["weak first", weak, strong]] as const) {
      const response = await rawSocketRequest(port, "GET", "/v1/forward-auth", [
        ["X-Original-Method", "DELETE"],
        ["X-Original-URI", "/api/domains/example.com"],
        ["Authorization", `Bearer ${first.secret}`],
        ["Authorization", `Bearer ${second.secret}`],
      ]);
      expect([response.status, JSON.parse(response.body).code], label).toEqual([401, "token_malformed"]);
    }
  });

  it("never reach the upstream through nginx", async () => {
    const strong = await test.mint({ scopes: ["domains_full"] });
    const weak = await test.mint({ scopes: ["domains_read"] });
    const before = upstream.received.length;
    const response = await rawSocketRequest(nginx.port, "DELETE", "/api/domains/example.com", [
      ["Authorization", `Bearer ${strong.secret}`],
      ["Authorization", `Bearer ${weak.secret}`],
    ]);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(upstream.received.slice(before)).toEqual([]);
  });
});

describe.each(PATH_TRICKS)("a path spelled with $name", ({ method, path }) => {
  it("never reaches a route the token may not use", async () => {
    const token = await test.mint({ scopes: ["domains_read"] });
    const before = upstream.received.length;
    const response = await through(method, path, token.secret);
    expect(response.status).toBeGreaterThanOrEqual(400);
    const reached = upstream.received.slice(before);
    // Nothing reached the upstream for a refused request; and whatever did (none expected) was
    // allowed for its normalised path.
    expect(reached).toEqual([]);
    for (const r of reached) expect(scopesCover(["domains_read"], r.method, areaOfReceived(r.method, r.url) ?? "unmapped")).toBe(true);
  });
});

describe.each([
  ["mixed case", "/API/Domains"],
  ["doubled slashes", "//api//domains"],
  ["an encoded letter", "/api/%64omains"],
  ["a dot segment", "/api/tokens/../domains"],
])("an allowed path spelled with %s", (_name, path) => {
  it("reaches the upstream in the normalised form latchkey checked", async () => {
    const token = await test.mint({ scopes: ["domains_read"] });
    expect((await through("GET", path, token.secret)).status).toBe(200);
    const [reached] = receivedBy(token.id);
    expect(areaOfReceived("GET", reached?.url ?? "")).toBe("domains");
  });
});

it("never let through, over the whole run, a request whose normalised path needs more than its token holds", () => {
  for (const r of upstream.received) {
    const area = areaOfReceived(r.method, r.url);
    expect(area, `${r.method} ${r.url}`).not.toBeNull();
    if (area !== "public") expect(scopesCover((r.scopes ?? "").split(","), r.method, area ?? ""), `${r.method} ${r.url}`).toBe(true);
  }
});

describe("a token over its limits (issue 14): auth_request's 500 mapped back by error_page", () => {
  it("gets 429 rate_limited with Retry-After once its window is full, and the upstream never sees it", async () => {
    const { token, secret } = await test.latchkey.tokens.create({ principal: await test.latchkey.operator("default"), ip: null }, { name: "limited", scopes: ["domains_read"], rateLimits: [{ name: "burst", limit: 2, window_seconds: 3600 }] });
    for (let i = 0; i < 2; i++) expect((await through("GET", "/api/domains", secret)).status, nginx.errorLog()).toBe(200);
    const response = await through("GET", "/api/domains", secret);
    expect(response.status).toBe(429);
    expect(JSON.parse(response.body)).toMatchObject({ allowed: false, status: 429, code: "rate_limited" });
    expect(Number(response.headers["retry-after"])).toBeGreaterThan(0);
    expect(receivedBy(token.id)).toHaveLength(2);
  });

  it("gets 429 credits_exhausted once its credits are spent", async () => {
    const { secret } = await test.latchkey.tokens.create({ principal: await test.latchkey.operator("default"), ip: null }, { name: "credits", scopes: ["domains_read"], credits: { remaining: 1 } });
    expect((await through("GET", "/api/domains", secret)).status).toBe(200);
    const response = await through("GET", "/api/domains", secret);
    expect([response.status, JSON.parse(response.body).code]).toEqual([429, "credits_exhausted"]);
  });
});
