/**
 * The Authorization header on the management API: `Bearer <secret>` only (RFC 6750 section 2.1),
 * the scheme case-insensitive, surrounding spaces tolerated; a token anywhere else is not read. No
 * response ever repeats a presented secret.
 */
import { describe, expect, it } from "vitest";
import { cryptoRandom } from "../../src/core/random-source.js";
import { generateSecret } from "../../src/core/token-secret.js";
import { expectNoSecret, openApiHarness } from "../helpers/api-harness.js";
import { rawSocketRequest } from "../helpers/raw-socket.js";

/** The secret with its last checksum character changed: right shape, wrong checksum. */
function withBadChecksum(secret: string): string {
  const last = secret.slice(-1);
  return secret.slice(0, -1) + (last === "A" ? "B" : "A");
}

describe("the Authorization header", () => {
  it("answers 401 token_missing when there is none", async () => {
    const h = await openApiHarness();
    const res = await h.call("GET", "/v1/token", { token: null });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("token_missing");
  });

  it("answers 401 token_missing when it is empty", async () => {
    const h = await openApiHarness();
    const res = await h.call("GET", "/v1/token", { token: null, headers: { authorization: "" } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("token_missing");
  });

  it.each([
    ["another scheme", () => "Basic x"],
    ["the scheme alone", () => "Bearer"],
    ["the scheme and a space", () => "Bearer "],
    ["two tokens", () => "Bearer a b"],
    ["the scheme twice", (secret: string) => `Bearer Bearer ${secret}`],
    ["Basic with the secret", (secret: string) => `Basic ${secret}`],
    ["the secret without a scheme", (secret: string) => secret],
    ["the secret and a second word", (secret: string) => `Bearer ${secret} extra`],
    ["a comma-joined secret", (secret: string) => `Bearer ${secret},${secret}`],
  ])("answers 401 token_malformed to %s, without repeating the secret", async (_what, header) => {
    const h = await openApiHarness();
    const res = await h.call("GET", "/v1/token", { token: null, headers: { authorization: header(h.root.secret) } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("token_malformed");
    expectNoSecret(res.text, h.root.secret);
  });

  it.each([
    ["lower-case scheme and extra spaces", (secret: string) => `bearer  ${secret}  `],
    ["upper-case scheme", (secret: string) => `BEARER ${secret}`],
    ["a tab after the scheme", (secret: string) => `Bearer\t${secret}`],
  ])("accepts %s", async (_what, header) => {
    const h = await openApiHarness();
    const res = await h.call("GET", "/v1/token", { token: null, headers: { authorization: header(h.root.secret) } });
    expect(res.status).toBe(200);
    expectNoSecret(res.text, h.root.secret);
  });

  it("answers 401 token_malformed to a secret with a wrong checksum", async () => {
    const h = await openApiHarness();
    const forged = withBadChecksum(h.root.secret);
    const res = await h.call("GET", "/v1/token", { token: forged });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("token_malformed");
    expectNoSecret(res.text, forged);
  });

  it.each([
    ["a foreign prefix", (secret: string) => `gh_${secret.slice(3)}`],
    ["a missing character", (secret: string) => secret.slice(0, -1)],
    ["an extra character", (secret: string) => `${secret}a`],
    ["a character outside base62", (secret: string) => `${secret.slice(0, 10)}-${secret.slice(11)}`],
    ["a very long string", (secret: string) => secret.repeat(50)],
  ])("answers 401 token_malformed to a secret with %s", async (_what, mangle) => {
    const h = await openApiHarness();
    const res = await h.call("GET", "/v1/token", { token: mangle(h.root.secret) });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("token_malformed");
  });

  it("answers 401 token_unknown to a well-formed secret that was never issued", async () => {
    const h = await openApiHarness();
    const stranger = generateSecret("lk_", cryptoRandom);
    const res = await h.call("GET", "/v1/token", { token: stranger });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("token_unknown");
    expectNoSecret(res.text, stranger);
  });

  it.each(["token", "api_token", "access_token"])("ignores a secret in the query string as ?%s=", async (param) => {
    const h = await openApiHarness();
    const res = await h.call("GET", `/v1/token?${param}=${h.root.secret}`, { token: null });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("token_missing");
    expectNoSecret(res.text, h.root.secret);
  });

  it.each([
    ["GET", "/v1/token/tok_01j00000000000000000000000", undefined],
    ["PUT", "/v1/token/tok_01j00000000000000000000000", { name: "x" }],
    ["PUT", "/v1/token/tok_01j00000000000000000000000/settings", { status: "pause" }],
    ["DELETE", "/v1/token/tok_01j00000000000000000000000", undefined],
    ["POST", "/v1/token", { name: "x", has_full: true }],
    ["GET", "/v1/domains", undefined],
    ["POST", "/v1/domains", { name: "example.com" }],
    ["GET", "/v1/domains/dom_01j00000000000000000000000", undefined],
    ["DELETE", "/v1/domains/dom_01j00000000000000000000000", undefined],
    ["GET", "/v1/scopes", undefined],
    ["GET", "/v1/audit", undefined],
  ])("requires a token on %s %s (401 token_missing)", async (method, path, body) => {
    const h = await openApiHarness();
    const res = await h.call(method, path, { token: null, body });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("token_missing");
  });
});

describe("two Authorization headers (break test: the first one used to win)", () => {
  it("answer 401 token_malformed on every route, whichever comes first, and change nothing", async () => {
    const h = await openApiHarness();
    const weak = await h.mint({ scopes: ["domains_read"] });
    const victim = await h.mint({ name: "victim" });
    await h.app.listen({ host: "127.0.0.1", port: 0 });
    const address = h.app.server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    const pairs: ReadonlyArray<readonly [string, string, string]> = [
      ["root then weak", `Bearer ${h.root.secret}`, `Bearer ${weak.secret}`],
      ["weak then root", `Bearer ${weak.secret}`, `Bearer ${h.root.secret}`],
      ["root twice", `Bearer ${h.root.secret}`, `Bearer ${h.root.secret}`],
      ["root then empty", `Bearer ${h.root.secret}`, ""],
      ["root then Basic", `Bearer ${h.root.secret}`, "Basic dXNlcjpwYXNz"],
      ["different case of the name", `Bearer ${h.root.secret}`, `Bearer ${weak.secret}`],
    ];
    const routes: ReadonlyArray<readonly [string, string]> = [
      ["GET", "/v1/token"],
      ["GET", `/v1/token/${victim.id}`],
      ["PUT", `/v1/token/${victim.id}/settings`],
      ["DELETE", `/v1/token/${victim.id}`],
      ["GET", "/v1/domains"],
      ["GET", "/v1/scopes"],
      ["GET", "/v1/audit"],
    ];
    // Every pair on one route, and one pair on every route (under the failed-guess limit of 30 a minute).
    const [firstPair, firstRoute] = [pairs[0] as (typeof pairs)[number], routes[0] as (typeof routes)[number]];
    const cases = [...pairs.map((pair) => [pair, firstRoute] as const), ...routes.slice(1).map((route) => [firstPair, route] as const)];
    for (const [[label, first, second], [method, url]] of cases) {
      const secondName = label.startsWith("different case") ? "AUTHORIZATION" : "Authorization";
      const body = method === "PUT" ? '{"status":"pause"}' : "";
      const headers: Array<[string, string]> = [["Authorization", first], [secondName, second]];
      if (body !== "") headers.push(["Content-Type", "application/json"], ["Content-Length", String(body.length)]);
      const response = await rawSocketRequest(port, method, url, headers, body);
      const code = response.body === "" ? "" : JSON.parse(response.body).code;
      expect([response.status, code], `${label}: ${method} ${url}`).toEqual([401, "token_malformed"]);
    }
    const after = await h.call("GET", `/v1/token/${victim.id}`);
    expect([after.status, after.body.data.status]).toEqual([200, "unpause"]);
  });
});
