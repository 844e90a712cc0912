/**
 * Hostile input (issue #4), counted: every bad input gets a 4xx with a stable code (422 naming the
 * field), never a 5xx, and changes nothing. Names keep any other Unicode exactly as given.
 */
import { afterAll, describe, expect, it } from "vitest";
import { openApiHarness, type ApiHarness } from "../helpers/api-harness.js";

let tried = 0;
afterAll(() => {
  console.log(`hostile input: ${tried} bad inputs tried`);
});

async function tokenCount(api: ApiHarness): Promise<number> {
  return (await api.call("GET", "/v1/token")).body.meta.total as number;
}

/** Sends a create body and expects a 422 naming `field`, with nothing created. */
async function refusedCreate(body: unknown, field: string, raw?: string): Promise<void> {
  const api = await openApiHarness();
  const before = await tokenCount(api);
  const response = raw === undefined ? await api.call("POST", "/v1/token", { body }) : await api.call("POST", "/v1/token", { rawBody: raw, headers: { "content-type": "application/json" } });
  tried++;
  expect(response.status, response.text).toBe(422);
  expect(response.body.code).toBe("validation_failed");
  expect(Object.keys(response.body.errors)).toContain(field);
  expect(await tokenCount(api)).toBe(before);
}

describe("token names", () => {
  it.each([
    ["empty", ""],
    ["only spaces", "   "],
    ["51 characters", "x".repeat(51)],
    ["a NUL", "a\u0000b"],
    ["a newline", "a\nb"],
    ["a tab", "a\tb"],
    ["DEL", "a\u007fb"],
    ["a C1 control", "a\u0085b"],
    ["a line separator", "a\u2028b"],
    ["a paragraph separator", "a\u2029b"],
  ])("refuses a name with %s", async (_label, name) => {
    await refusedCreate({ name, has_full: true }, "name");
  });

  it.each([
    ["a lone high surrogate", '{"name": "a\\ud800b", "has_full": true}'],
    ["a lone low surrogate", '{"name": "\\udc00", "has_full": true}'],
    ["surrogates in the wrong order", '{"name": "\\udc00\\ud800", "has_full": true}'],
  ])("refuses a name with %s", async (_label, raw) => {
    await refusedCreate(undefined, "name", raw);
  });

  it.each([
    ["emoji", "🔑 deploy key 🚀"],
    ["right-to-left text", "مفتاح الإرسال"],
    ["combining marks, not normalised", "cafe\u0301"],
    ["CJK", "送信用トークン"],
    ["50 emoji (50 characters, 100 UTF-16 units)", "🔑".repeat(50)],
    ["zero-width joiner sequences", "👩‍💻 team"],
  ])("keeps a name with %s exactly as given", async (_label, name) => {
    const api = await openApiHarness();
    const created = await api.call("POST", "/v1/token", { body: { name: `  ${name}  `, has_full: true } });
    tried++;
    expect(created.status).toBe(201);
    expect(created.body.data.name).toBe(name);
    expect((await api.call("GET", `/v1/token/${created.body.data.id}`)).body.data.name).toBe(name);
  });
});

describe("scope strings", () => {
  it.each([
    "email_read",
    "tokens_read",
    "webhooks_read",
    "email",
    "email_verification",
    "emailverification_full",
    "email__full",
    "EMAIL_FULL",
    "Email_full",
    " email_full",
    "email_full ",
    "email_full\u0000",
    "email_full,domains_read",
    "email_*",
    "*",
    "all",
    "",
    "domains_none",
    "domains_write",
    "__proto__",
    "constructor",
    "toString",
  ])("refuses %j", async (scope) => {
    await refusedCreate({ name: "t", scopes: [scope] }, "scopes");
  });

  it("refuses an empty scope list", async () => {
    await refusedCreate({ name: "t", scopes: [] }, "scopes");
  });
});

describe("wrong JSON types and fields", () => {
  it.each([
    [{ name: 5, has_full: true }, "name"],
    [{ name: null, has_full: true }, "name"],
    [{ name: ["a"], has_full: true }, "name"],
    [{ name: "t", has_full: "true" }, "has_full"],
    [{ name: "t", has_full: 1 }, "has_full"],
    [{ name: "t", scopes: "email_full" }, "scopes"],
    [{ name: "t", scopes: [1] }, "scopes"],
    [{ name: "t", has_full: true, domains: "some" }, "domains"],
    [{ name: "t", has_full: true, domains: {} }, "domains"],
    [{ name: "t", has_full: true, domain_id: 7 }, "domain_id"],
    [{ name: "t", has_full: true, expires_at: 1893456000 }, "expires_at"],
    [{ name: "t", has_full: true, expires_at: "tomorrow" }, "expires_at"],
    [{ name: "t", has_full: true, expires_at: "2099-02-30" }, "expires_at"],
    [{ name: "t", has_full: true, expires_at: "2099-01-01T00:00:00" }, "expires_at"],
    [{ name: "t", has_full: true, expires_at: "2001-01-01" }, "expires_at"],
    [{ name: "t", has_full: true, account_id: "acc_other" }, "account_id"],
    [{ name: "t", has_full: true, user_id: "usr_other" }, "user_id"],
    [{ name: "t", has_full: true, status: "pause" }, "status"],
    [{ name: "t", has_full: true, __proto__x: 1 }, "__proto__x"],
  ])("refuses %j naming the field", async (body, field) => {
    await refusedCreate(body, field);
  });

  it("ignores a __proto__ key rather than letting it reach an object's prototype", async () => {
    const api = await openApiHarness();
    const response = await api.call("POST", "/v1/token", { rawBody: '{"name": "t", "has_full": true, "__proto__": {"has_full": false, "admin": true}}', headers: { "content-type": "application/json" } });
    tried++;
    expect([201, 400, 422]).toContain(response.status);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe("malformed requests", () => {
  it.each([
    ['{"name": "t",', "truncated JSON"],
    ["{name: 't'}", "JavaScript, not JSON"],
    ["", "an empty body"],
    ["\u0000", "a NUL byte"],
    ['{"name": "t"}{"name": "u"}', "two documents"],
  ])("answers %j (%s) with 400 malformed_request", async (raw) => {
    const api = await openApiHarness();
    const response = await api.call("POST", "/v1/token", { rawBody: raw, headers: { "content-type": "application/json" } });
    tried++;
    expect(response.status).toBe(400);
    expect(response.body.code).toBe("malformed_request");
  });

  it("answers a body over 64 KiB with 413 payload_too_large", async () => {
    const api = await openApiHarness();
    const response = await api.call("POST", "/v1/token", { body: { name: "t", has_full: true, pad: "x".repeat(64 * 1024) } });
    tried++;
    expect(response.status).toBe(413);
    expect(response.body.code).toBe("payload_too_large");
  });

  it.each(["text/plain", "application/x-www-form-urlencoded", "application/xml"])("answers a %s body with 415", async (type) => {
    const api = await openApiHarness();
    const response = await api.call("POST", "/v1/token", { rawBody: "name=t", headers: { "content-type": type } });
    tried++;
    expect(response.status).toBe(415);
    expect(response.body.code).toBe("unsupported_media_type");
  });
});

describe("domains asked of /v1/verify", () => {
  it.each([
    ["evilexample.com", "domain_not_allowed"],
    ["a.example.com", "domain_not_allowed"],
    ["example.com.evil.org", "domain_not_allowed"],
    ["xample.com", "domain_not_allowed"],
    ["example.co", "domain_not_allowed"],
    ["example.com..", "domain_not_allowed"],
    [" example.com", "domain_not_allowed"],
    ["*.example.com", "domain_not_allowed"],
    ["EXAMPLE.COM", "ok"],
    ["example.com.", "ok"],
    ["Example.Com.", "ok"],
  ])("judges %j as %s for a token limited to example.com", async (domain, code) => {
    const api = await openApiHarness();
    const id = await api.addDomain("example.com");
    await api.addDomain("evilexample.com");
    await api.addDomain("a.example.com");
    const token = await api.mint({ scopes: ["email_full"], domains: [id] });
    const response = await api.call("POST", "/v1/verify", { token: null, body: { token: token.secret, method: "POST", area: "email", domain } });
    tried++;
    expect(response.body.code).toBe(code);
  });
});
