/**
 * One suite of cases run against every framework's `requireScope` (Express, Fastify, Hono), in both
 * modes: in-process (the app shares latchkey's database) and remote (a listening latchkey's
 * /v1/verify). Each framework file gives a `start` that serves PROTECTED_ROUTES on a loopback port,
 * each handler recording the token it was given. The cases are the nginx test's: a read token can GET
 * but not DELETE, a domain-limited token is refused on another domain, a paused token is refused on
 * the next request, and no spelling of a path reaches a handler the token may not use.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type App } from "../../src/http/app.js";
import { closeRemoteCaches, type RequireScopeOptions } from "../../src/middleware/scope-guard.js";
import { rawRequest } from "../forward-auth/nginx-process.js";
import { rawSocketRequest } from "../helpers/raw-socket.js";
import { openTestLatchkey, PATH_TRICKS, PROTECTED_ROUTES, scopesCover, type ProtectedRoute, type TestLatchkey } from "../helpers/protected-api.js";

/** What a handler of the protected API saw. */
export interface Handled {
  readonly method: string;
  readonly area: string;
  readonly tokenId: string;
  readonly scopes: readonly string[];
}

/** The guard options of a mode, without `domain` (each framework reads the domain its own way). */
export type ModeOptions = Omit<RequireScopeOptions<never>, "domain" | "clientAddress">;

/** A framework under test. */
export interface FrameworkUnderTest {
  /** Serves PROTECTED_ROUTES with requireScope(route.area, {...options, domain}); handlers push to `handled` and answer `{token: req.latchkey}`. */
  start(options: ModeOptions, handled: Handled[]): Promise<{ readonly port: number; close(): Promise<void> }>;
}

/** The route's domain source, for each framework's `domain` function. */
export type DomainSource = NonNullable<ProtectedRoute["domain"]>;

/** Runs the cases. */
export function describeMiddleware(framework: FrameworkUnderTest): void {
  let test: TestLatchkey;
  let latchkeyApp: App;
  let latchkeyUrl = "";
  let verifyCalls = 0;
  const verifyKey = "middleware-cases-verify-key";

  beforeAll(async () => {
    test = await openTestLatchkey();
    await test.addDomain("example.com");
    await test.addDomain("other.org");
    latchkeyApp = await buildApp(test.latchkey, {
      logger: false,
      verifyKey,
      plugins: [
        async (app) => {
          app.addHook("onRequest", async (request) => {
            if (request.url === "/v1/verify") verifyCalls++;
          });
        },
      ],
    });
    await latchkeyApp.listen({ host: "127.0.0.1", port: 0 });
    const address = latchkeyApp.server.address();
    latchkeyUrl = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
  });

  afterAll(async () => {
    closeRemoteCaches();
    await latchkeyApp?.close();
    await test?.latchkey.close();
  });

  describe.each(["in-process", "remote"] as const)("deciding %s", (mode) => {
    const handled: Handled[] = [];
    let server: { readonly port: number; close(): Promise<void> };
    beforeAll(async () => {
      server = await framework.start(mode === "in-process" ? { latchkey: test.latchkey } : { url: latchkeyUrl, verifyKey, cacheTtlMillis: 0 }, handled);
    });
    afterAll(async () => server?.close());

    const send = (method: string, path: string, secret: string | null, headers: Record<string, string> = {}) =>
      rawRequest(server.port, method, path, { ...(secret === null ? {} : { authorization: `Bearer ${secret}` }), ...headers }).then((r) => ({ status: r.status, body: jsonOrUndefined(r.body) }));
    const handledBy = (tokenId: string) => handled.filter((h) => h.tokenId === tokenId);

    it("lets a read token GET, and puts the verified token on the request", async () => {
      const token = await test.mint({ scopes: ["domains_read"] });
      const response = await send("GET", "/api/domains", token.secret);
      expect(response.status).toBe(200);
      expect(response.body.token).toMatchObject({ id: token.id, scopes: ["domains_read"], domains: "all" });
    });

    it("refuses a DELETE by a read token with 403 scope_missing, in the verify contract's body", async () => {
      const token = await test.mint({ scopes: ["domains_read"] });
      const response = await send("DELETE", "/api/domains/example.com", token.secret);
      expect([response.status, response.body]).toEqual([403, { allowed: false, status: 403, code: "scope_missing", message: expect.any(String), required: "domains_full" }]);
      expect(handledBy(token.id)).toEqual([]);
    });

    it("lets a domain-limited token use its domain", async () => {
      const token = await test.mint({ scopes: ["domains_read"], domains: ["example.com"] });
      expect((await send("GET", "/api/domains/example.com", token.secret)).status).toBe(200);
    });

    it.each([
      ["a path parameter", "GET", "/api/domains/other.org", {}],
      ["a header", "POST", "/api/email", { "x-domain": "other.org" }],
      ["a query parameter", "GET", "/api/analytics?domain=other.org", {}],
      ["two values of a query parameter", "GET", "/api/analytics?domain=example.com&domain=other.org", {}],
    ])("refuses a domain-limited token on another domain named by %s", async (_source, method, path, headers) => {
      const token = await test.mint({ scopes: ["domains_read", "email_full", "analytics_read"], domains: ["example.com"] });
      const response = await send(method, path, token.secret, headers);
      expect([response.status, response.body.code]).toEqual([403, "domain_not_allowed"]);
    });

    it("refuses a domain-limited token a change on a route naming no domain with 403 domain_required", async () => {
      const token = await test.mint({ scopes: ["tokens_full"], domains: ["example.com"] });
      const response = await send("DELETE", "/api/tokens/tok_1", token.secret);
      expect([response.status, response.body.code]).toEqual([403, "domain_required"]);
      expect((await send("GET", "/api/tokens", token.secret)).status).toBe(200);
    });

    it("refuses a paused token on the next request with 401 token_paused", async () => {
      const token = await test.mint({ scopes: ["domains_read"] });
      expect((await send("GET", "/api/domains", token.secret)).status).toBe(200);
      await test.pause(token.id);
      const response = await send("GET", "/api/domains", token.secret);
      expect([response.status, response.body.code]).toEqual([401, "token_paused"]);
    });

    it.each([
      [null, {}, "token_missing"],
      [null, { authorization: "Basic dXNlcjpwYXNz" }, "token_malformed"],
      ["lk_1notarealtoken", {}, "token_malformed"],
    ])("refuses a request with token %s and headers %j with 401 %s", async (secret, headers, code) => {
      const response = await send("GET", "/api/domains", secret, headers);
      expect([response.status, response.body.code]).toEqual([401, code]);
    });

    it("refuses two Authorization headers with 401 token_malformed, whichever comes first (break test)", async () => {
      const strong = await test.mint({ scopes: ["domains_full"] });
      const weak = await test.mint({ scopes: ["domains_read"] });
      for (const [label, first, second] of [["strong first", strong, weak], ["weak first", weak, strong]] as const) {
        const response = await rawSocketRequest(server.port, "DELETE", "/api/domains/example.com", [
          ["Authorization", `Bearer ${first.secret}`],
          ["Authorization", `Bearer ${second.secret}`],
        ]);
        expect([response.status, jsonOrUndefined(response.body)?.code], label).toEqual([401, "token_malformed"]);
      }
      expect([...handledBy(strong.id), ...handledBy(weak.id)]).toEqual([]);
    });

    describe.each(PATH_TRICKS)("a path spelled with $name", ({ method, path }) => {
      it("never reaches a handler the token may not use", async () => {
        const token = await test.mint({ scopes: ["domains_read"] });
        await send(method, path, token.secret);
        for (const h of handledBy(token.id)) expect(scopesCover(h.scopes, h.method, h.area), `${h.method} ${h.area}`).toBe(true);
        expect(handledBy(token.id).filter((h) => h.area !== "domains")).toEqual([]);
      });
    });

    it("never ran, over the whole run, a handler whose area the token lacked", () => {
      for (const h of handled) expect(scopesCover(h.scopes, h.method, h.area), `${h.method} ${h.area}`).toBe(true);
    });
  });

  describe("deciding remotely with the default cache (on with the change stream)", () => {
    const handled: Handled[] = [];
    let server: { readonly port: number; close(): Promise<void> };
    beforeAll(async () => {
      server = await framework.start({ url: latchkeyUrl, verifyKey, cacheTtlMillis: 1000 }, handled);
    });
    afterAll(async () => server?.close());
    const get = (path: string, secret: string, method = "GET") => rawRequest(server.port, method, path, { authorization: `Bearer ${secret}` });

    it("reuses an allowed decision without asking latchkey once subscribed to the change stream", async () => {
      const token = await test.mint({ scopes: ["domains_read"] });
      const deadline = Date.now() + 3_000;
      for (;;) {
        await get("/api/domains", token.secret);
        const calls = verifyCalls;
        expect((await get("/api/domains", token.secret)).status).toBe(200);
        if (verifyCalls === calls) break;
        if (Date.now() > deadline) throw new Error("never answered from the cache");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });

    it("sees a pause on the very next request: the stream dropped the cached decision before the pause was answered", async () => {
      const token = await test.mint({ scopes: ["domains_read"] });
      await get("/api/domains", token.secret);
      await get("/api/domains", token.secret);
      await test.pause(token.id);
      expect((await get("/api/domains", token.secret)).status).toBe(401);
    });

    it("drops a token's cached decisions when latchkey refuses it with a 401", async () => {
      const token = await test.mint({ scopes: ["domains_read"] });
      await get("/api/domains", token.secret);
      await test.pause(token.id);
      expect((await get("/api/domains/example.com", token.secret)).status).toBe(401);
      expect((await get("/api/domains", token.secret)).status).toBe(401);
    });

    it("never caches a refusal", async () => {
      const token = await test.mint({ scopes: ["domains_read"] });
      await test.pause(token.id);
      expect((await get("/api/domains", token.secret)).status).toBe(401);
      await test.latchkey.tokens.update({ principal: await test.latchkey.operator("default"), ip: null }, token.id, { status: "unpause" });
      expect((await get("/api/domains", token.secret)).status).toBe(200);
    });
  });

  it("answers 503 unavailable when the remote latchkey cannot be reached", async () => {
    const server = await framework.start({ url: "http://127.0.0.1:9", verifyKey, cacheTtlMillis: 0, timeoutMillis: 1000 }, []);
    try {
      const token = await test.mint({ scopes: ["domains_read"] });
      const response = await rawRequest(server.port, "GET", "/api/domains", { authorization: `Bearer ${token.secret}` });
      expect([response.status, JSON.parse(response.body).code]).toEqual([503, "unavailable"]);
    } finally {
      await server.close();
    }
  });
}

/** The JSON of a body, or undefined for a framework's own non-JSON answer (a 404 page). */
function jsonOrUndefined(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Reads a domain value the way each framework hands out query parameters (string or array). */
export function queryValues(value: unknown): string | readonly string[] | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return undefined;
}

export { PROTECTED_ROUTES };
