/**
 * POST /v1/verify over HTTP: always 200 with the decision as data, a few representative cases (the
 * full matrix is tested in core), body validation, and the same decisions as in-process
 * `latchkey.verify()`.
 */
import { describe, expect, it } from "vitest";
import { cryptoRandom } from "../../src/core/random-source.js";
import { generateSecret } from "../../src/core/token-secret.js";
import { expectNoSecret, openApiHarness, type ApiHarness } from "../helpers/api-harness.js";

async function verify(h: ApiHarness, body: Record<string, unknown>) {
  return h.call("POST", "/v1/verify", { token: null, body });
}

describe("POST /v1/verify", () => {
  it("allows a token and describes it: 200 with allowed, status, code and token", async () => {
    const h = await openApiHarness();
    const domainId = await h.addDomain("example.com");
    const token = await h.mint({ name: "Reader", scopes: ["domains_read", "email_full"], domains: [domainId], expiresAt: "2099-12-31" });
    const res = await verify(h, { token: token.secret, method: "GET", area: "domains", domain: "example.com" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ allowed: true, status: 200, code: "ok" });
    expect(res.body.required).toBeUndefined();
    expect(res.body.token).toEqual({
      id: token.id,
      name: "Reader",
      account_id: (await h.latchkey.accounts.find("default")).id,
      scopes: ["email_full", "domains_read"],
      has_full: false,
      domains: [{ id: domainId, name: "example.com" }],
      expires_at: "2100-01-01T00:00:00.000Z",
      secret: "current",
      ancestor_ids: [h.root.id],
      valid_until: "2100-01-01T00:00:00.000Z",
    });
    expect(res.body.secret).toBe("current");
  });

  it('describes a Full access token with has_full and domains "all"', async () => {
    const h = await openApiHarness();
    const res = await verify(h, { token: h.root.secret, method: "DELETE", area: "webhooks" });
    expect(res.body).toMatchObject({ allowed: true, token: { id: h.root.id, has_full: true, domains: "all", expires_at: null } });
  });

  it("needs no Authorization header", async () => {
    const h = await openApiHarness();
    const res = await verify(h, { token: h.root.secret, method: "GET", area: "email" });
    expect(res.status).toBe(200);
    expect(res.body.allowed).toBe(true);
  });

  it("refuses a write with a read-only scope: scope_missing, status 403, required, no token", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["domains_read"] });
    const res = await verify(h, { token: token.secret, method: "POST", area: "domains" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ allowed: false, status: 403, code: "scope_missing", required: "domains_full" });
    expect(res.body.token).toBeUndefined();
  });

  it("asks for email_full even for a GET on email, which has no Read only", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["domains_read"] });
    const res = await verify(h, { token: token.secret, method: "GET", area: "email" });
    expect(res.body).toMatchObject({ allowed: false, code: "scope_missing", required: "email_full" });
  });

  it("allows a domain-limited token its own domain by name in any case", async () => {
    const h = await openApiHarness();
    const domainId = await h.addDomain("example.com");
    const token = await h.mint({ scopes: ["email_full"], domains: [domainId] });
    const res = await verify(h, { token: token.secret, method: "POST", area: "email", domain: "Example.COM." });
    expect(res.body).toMatchObject({ allowed: true, code: "ok" });
  });

  it("refuses a domain-limited token another domain: domain_not_allowed, status 403", async () => {
    const h = await openApiHarness();
    const mine = await h.addDomain("example.com");
    await h.addDomain("other.com");
    const token = await h.mint({ scopes: ["email_full"], domains: [mine] });
    const res = await verify(h, { token: token.secret, method: "POST", area: "email", domain: "other.com" });
    expect(res.body).toMatchObject({ allowed: false, status: 403, code: "domain_not_allowed" });
  });

  it("judges a read that names no domain on its area alone", async () => {
    const h = await openApiHarness();
    const mine = await h.addDomain("example.com");
    const token = await h.mint({ scopes: ["domains_read"], domains: [mine] });
    expect((await verify(h, { token: token.secret, method: "GET", area: "domains" })).body.code).toBe("ok");
    expect((await verify(h, { token: token.secret, method: "HEAD", area: "domains", domain: null })).body.code).toBe("ok");
  });

  it("refuses a domain-scoped token a change that names no domain: 403 domain_required", async () => {
    const h = await openApiHarness();
    const mine = await h.addDomain("example.com");
    const token = await h.mint({ scopes: ["email_full"], domains: [mine] });
    for (const domain of [undefined, null]) {
      expect((await verify(h, { token: token.secret, method: "POST", area: "email", ...(domain === undefined ? {} : { domain }) })).body).toMatchObject({
        allowed: false,
        status: 403,
        code: "domain_required",
      });
    }
    expect((await verify(h, { token: token.secret, method: "POST", area: "email", domain: "example.com" })).body.code).toBe("ok");
    expect((await verify(h, { token: h.root.secret, method: "POST", area: "email" })).body.code).toBe("ok");
  });

  it("answers unknown_area with status 400 for an area not in the catalogue", async () => {
    const h = await openApiHarness();
    const res = await verify(h, { token: h.root.secret, method: "GET", area: "whatsapp" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ allowed: false, status: 400, code: "unknown_area" });
  });

  it.each([
    ["an empty token", () => "", "token_missing"],
    ["a token with a bad checksum", (secret: string) => `${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`, "token_malformed"],
    ["a token never issued", () => generateSecret("lk_", cryptoRandom), "token_unknown"],
  ])("refuses %s with status 401", async (_what, make, code) => {
    const h = await openApiHarness();
    const presented = make(h.root.secret);
    const res = await verify(h, { token: presented, method: "GET", area: "email" });
    expect(res.body).toMatchObject({ allowed: false, status: 401, code });
    expect(res.body.token).toBeUndefined();
    if (presented !== "") expectNoSecret(res.text, presented);
  });

  it("never repeats the presented secret", async () => {
    const h = await openApiHarness();
    const allowed = await verify(h, { token: h.root.secret, method: "GET", area: "email" });
    const refused = await verify(h, { token: h.root.secret, method: "GET", area: "nope" });
    expectNoSecret(allowed.text, h.root.secret);
    expectNoSecret(refused.text, h.root.secret);
  });

  it.each([
    ["no method", { token: "lk_x", area: "email" }, "method"],
    ["no token", { method: "GET", area: "email" }, "token"],
    ["no area", { token: "lk_x", method: "GET" }, "area"],
    ["a method with a space", { token: "lk_x", method: "GET POST", area: "email" }, "method"],
    ["a numeric domain", { token: "lk_x", method: "GET", area: "email", domain: 5 }, "domain"],
    ["an unknown field", { token: "lk_x", method: "GET", area: "email", scope: "email_full" }, "scope"],
  ])("answers 422 naming the field for a body with %s", async (_what, body, field) => {
    const h = await openApiHarness();
    const res = await verify(h, body);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation_failed");
    expect(Object.keys(res.body.errors)).toContain(field);
  });

  it("answers 400 malformed_request to a body that is not JSON", async () => {
    const h = await openApiHarness();
    const res = await h.call("POST", "/v1/verify", { token: null, rawBody: "{token:", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("malformed_request");
  });
});

describe("in-process latchkey.verify()", () => {
  /** [case, scopes of the token (null: Full access), domains, method, area, domain asked, pause it]. */
  const CASES: [string, string[] | null, "limited" | "all", string, string, string | null, boolean][] = [
    ["read allowed", ["domains_read"], "all", "GET", "domains", null, false],
    ["write refused to read-only", ["domains_read"], "all", "PUT", "domains", null, false],
    ["HEAD as read", ["analytics_read"], "all", "HEAD", "analytics", null, false],
    ["lower-case method", ["analytics_read"], "all", "delete", "analytics", null, false],
    ["extension method needs full", ["sms_read"], "all", "PURGE", "sms", null, false],
    ["Full access", null, "all", "DELETE", "users", null, false],
    ["own domain by name", ["email_full"], "limited", "POST", "email", "mine.example", false],
    ["other domain", ["email_full"], "limited", "POST", "email", "other.example", false],
    ["unknown domain for all-domains token", ["email_full"], "all", "POST", "email", "nowhere.example", false],
    ["unknown area", ["email_full"], "all", "GET", "fax", null, false],
    ["paused", ["email_full"], "all", "POST", "email", null, true],
  ];

  it.each(CASES)("gives the same decision as POST /v1/verify: %s", async (_case, scopes, domains, method, area, domain, pause) => {
    const h = await openApiHarness();
    const mine = await h.addDomain("mine.example");
    await h.addDomain("other.example");
    const token = await h.mint({ ...(scopes === null ? {} : { scopes }), ...(domains === "limited" ? { domains: [mine] } : {}) });
    if (pause) await h.call("PUT", `/v1/token/${token.id}/settings`, { body: { status: "pause" } });
    const http = await verify(h, { token: token.secret, method, area, domain });
    const local = await h.latchkey.verify({ token: token.secret, method, area, domain });
    expect({ allowed: http.body.allowed, status: http.body.status, code: http.body.code, required: http.body.required }).toEqual({
      allowed: local.allowed,
      status: local.status,
      code: local.code,
      required: local.allowed ? undefined : local.required,
    });
    if (local.allowed) expect(http.body.token.id).toBe(local.record.id);
  });

  it.each([
    ["missing", null],
    ["malformed", "lk_nope"],
    ["unknown", generateSecret("lk_", cryptoRandom)],
  ])("gives the same decision as POST /v1/verify for a %s token", async (_what, presented) => {
    const h = await openApiHarness();
    const http = await verify(h, { token: presented ?? "", method: "GET", area: "email" });
    const local = await h.latchkey.verify({ token: presented, method: "GET", area: "email" });
    expect([http.body.allowed, http.body.status, http.body.code]).toEqual([local.allowed, local.status, local.code]);
  });
});
