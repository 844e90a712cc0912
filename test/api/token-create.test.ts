/** POST /v1/token: the 201 response, the token object, and a secret shown exactly once. */
import { describe, expect, it } from "vitest";
import { expectNoSecret, openApiHarness, TOKEN_OBJECT_KEYS } from "../helpers/api-harness.js";

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("POST /v1/token", () => {
  it("answers 201 with data holding exactly the token object's fields and accessToken", async () => {
    const h = await openApiHarness();
    const res = await h.call("POST", "/v1/token", { body: { name: "Sender", scopes: ["email_full", "domains_read"] } });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(["data"]);
    expect(Object.keys(res.body.data).sort()).toEqual([...TOKEN_OBJECT_KEYS, "accessToken"].sort());
  });

  it("describes the new token: active, its scopes, all domains, no expiry, never used", async () => {
    const h = await openApiHarness();
    const { body } = await h.call("POST", "/v1/token", { body: { name: "Sender", scopes: ["email_full", "domains_read"] } });
    expect(body.data).toMatchObject({
      name: "Sender",
      status: "unpause",
      scopes: ["email_full", "domains_read"],
      has_full: false,
      domains: "all",
      domain: null,
      expires_at: null,
      last_used_at: null,
    });
    expect(body.data.id).toMatch(/^tok_[0-9a-z]{26}$/);
    expect(body.data.created_at).toMatch(RFC3339_UTC);
    expect(body.data.updated_at).toBe(body.data.created_at);
  });

  it("returns an accessToken that authenticates at once", async () => {
    const h = await openApiHarness();
    const { body } = await h.call("POST", "/v1/token", { body: { name: "Reader", scopes: ["domains_read"] } });
    const scopes = await h.call("GET", "/v1/scopes", { token: body.data.accessToken });
    expect(scopes.status).toBe(200);
    const verdict = await h.call("POST", "/v1/verify", { token: null, body: { token: body.data.accessToken, method: "GET", area: "domains" } });
    expect(verdict.body).toMatchObject({ allowed: true, code: "ok" });
  });

  it("marks the create response as not to be stored by caches", async () => {
    const h = await openApiHarness();
    const res = await h.call("POST", "/v1/token", { body: { name: "Sender", scopes: ["email_full"] } });
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("gives a preview made of the secret's start and end, not the secret", async () => {
    const h = await openApiHarness();
    const { body } = await h.call("POST", "/v1/token", { body: { name: "Sender", scopes: ["email_full"] } });
    const secret: string = body.data.accessToken;
    expect(body.data.preview).toBe(`${secret.slice(0, 7)}…${secret.slice(-4)}`);
    expectNoSecret(body.data.preview, secret);
  });

  it("shows the secret in no later response: list, show, rename, pause, settings, audit", async () => {
    const h = await openApiHarness();
    const created = await h.call("POST", "/v1/token", { body: { name: "Once", scopes: ["email_full"] } });
    const { id, accessToken } = created.body.data;
    const texts = [
      (await h.call("GET", "/v1/token")).text,
      (await h.call("GET", `/v1/token/${id}`)).text,
      (await h.call("PUT", `/v1/token/${id}`, { body: { name: "Renamed" } })).text,
      (await h.call("PUT", `/v1/token/${id}`, { body: { status: "pause" } })).text,
      (await h.call("PUT", `/v1/token/${id}/settings`, { body: { status: "unpause" } })).text,
      (await h.call("GET", "/v1/audit")).text,
      (await h.call("GET", "/v1/audit?limit=100")).text,
    ];
    for (const text of texts) {
      expect(text).toContain(id);
      expectNoSecret(text, accessToken);
    }
  });

  it("draws a different secret for every token", async () => {
    const h = await openApiHarness();
    const a = await h.call("POST", "/v1/token", { body: { name: "A", scopes: ["email_full"] } });
    const b = await h.call("POST", "/v1/token", { body: { name: "A", scopes: ["email_full"] } });
    expect(a.body.data.accessToken).not.toBe(b.body.data.accessToken);
    expect(a.body.data.id).not.toBe(b.body.data.id);
  });

  it("lists scopes in catalogue order, the higher of two levels of one area winning", async () => {
    const h = await openApiHarness();
    const { body } = await h.call("POST", "/v1/token", { body: { name: "Mixed", scopes: ["users_read", "domains_read", "email_full", "domains_full", "users_read"] } });
    expect(body.data.scopes).toEqual(["email_full", "domains_full", "users_read"]);
  });

  it("shows Full access as has_full with every area at its highest level", async () => {
    const h = await openApiHarness();
    const { body } = await h.call("POST", "/v1/token", { body: { name: "Admin", has_full: true } });
    expect(body.data.has_full).toBe(true);
    expect(body.data.scopes).toHaveLength(15);
    expect(body.data.scopes).toContain("tokens_full");
    expect(body.data.scopes).toContain("domains_full");
    expect(body.data.scopes.every((s: string) => s.endsWith("_full"))).toBe(true);
  });

  it("limits a token to one domain given as domain_id and shows it as domain", async () => {
    const h = await openApiHarness();
    const domainId = await h.addDomain("example.com");
    const { status, body } = await h.call("POST", "/v1/token", { body: { name: "One", scopes: ["email_full"], domain_id: domainId } });
    expect(status).toBe(201);
    expect(body.data.domains).toEqual([{ id: domainId, name: "example.com" }]);
    expect(body.data.domain).toEqual({ id: domainId, name: "example.com" });
  });

  it("limits a token to several domains given as domains, with domain null", async () => {
    const h = await openApiHarness();
    const first = await h.addDomain("b.example");
    const second = await h.addDomain("a.example");
    const { status, body } = await h.call("POST", "/v1/token", { body: { name: "Two", scopes: ["email_full"], domains: [first, second] } });
    expect(status).toBe(201);
    expect(body.data.domains).toEqual(
      expect.arrayContaining([
        { id: first, name: "b.example" },
        { id: second, name: "a.example" },
      ]),
    );
    expect(body.data.domains).toHaveLength(2);
    expect(body.data.domain).toBeNull();
  });

  it('accepts domains "all" explicitly', async () => {
    const h = await openApiHarness();
    const { status, body } = await h.call("POST", "/v1/token", { body: { name: "Everywhere", scopes: ["email_full"], domains: "all" } });
    expect(status).toBe(201);
    expect(body.data.domains).toBe("all");
  });

  it("stores the name trimmed", async () => {
    const h = await openApiHarness();
    const { body } = await h.call("POST", "/v1/token", { body: { name: "  Padded name \t", scopes: ["email_full"] } });
    expect(body.data.name).toBe("Padded name");
  });

  it("accepts a name of exactly 50 characters, counting an emoji as one", async () => {
    const h = await openApiHarness();
    const name = `${"x".repeat(49)}🔑`;
    const { status, body } = await h.call("POST", "/v1/token", { body: { name, scopes: ["email_full"] } });
    expect(status).toBe(201);
    expect(body.data.name).toBe(name);
  });

  it("adds the new token to the list, newest first", async () => {
    const h = await openApiHarness();
    const { body } = await h.call("POST", "/v1/token", { body: { name: "Newest", scopes: ["email_full"] } });
    const list = await h.call("GET", "/v1/token");
    expect(list.body.meta.total).toBe(2);
    expect(list.body.data[0].id).toBe(body.data.id);
  });
});
