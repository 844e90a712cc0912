/**
 * /v1/domains: reading needs domains_read and shows only the token's domains; adding and removing
 * need domains_full and a token for all domains; a domain in use by a token cannot be removed.
 */
import { describe, expect, it } from "vitest";
import { openApiHarness } from "../helpers/api-harness.js";

const UNKNOWN_DOMAIN = "dom_01j00000000000000000000000";

describe("GET /v1/domains", () => {
  it("lists every domain of the account, oldest first, to an all-domains token", async () => {
    const h = await openApiHarness();
    const first = await h.addDomain("first.example");
    const second = await h.addDomain("second.example");
    const res = await h.call("GET", "/v1/domains");
    expect(res.status).toBe(200);
    expect(res.body.data.map((d: { id: string; name: string }) => [d.id, d.name])).toEqual([
      [first, "first.example"],
      [second, "second.example"],
    ]);
    expect(res.body.meta).toMatchObject({ current_page: 1, per_page: 25, total: 2, from: 1, to: 2 });
  });

  it("lists only its own domains to a domain-limited token", async () => {
    const h = await openApiHarness();
    await h.addDomain("first.example");
    const mine = await h.addDomain("mine.example");
    await h.addDomain("third.example");
    const caller = await h.mint({ scopes: ["domains_read"], domains: [mine] });
    const res = await h.call("GET", "/v1/domains", { token: caller.secret });
    expect(res.status).toBe(200);
    expect(res.body.data.map((d: { id: string }) => d.id)).toEqual([mine]);
    expect(res.body.meta.total).toBe(1);
  });

  it("answers 403 scope_missing domains_read to a token without the domains area", async () => {
    const h = await openApiHarness();
    const caller = await h.mint({ scopes: ["email_full"] });
    const res = await h.call("GET", "/v1/domains", { token: caller.secret });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: "scope_missing", required: "domains_read" });
  });

  it("answers 422 naming limit for limit=101", async () => {
    const h = await openApiHarness();
    const res = await h.call("GET", "/v1/domains?limit=101");
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors)).toEqual(["limit"]);
  });
});

describe("GET /v1/domains/{id}", () => {
  it("answers a domain with id, name and created_at", async () => {
    const h = await openApiHarness();
    const id = await h.addDomain("example.com");
    const res = await h.call("GET", `/v1/domains/${id}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data).sort()).toEqual(["created_at", "id", "name"]);
    expect(res.body.data).toMatchObject({ id, name: "example.com" });
  });

  it("lets a domain-limited token read its own domain", async () => {
    const h = await openApiHarness();
    const mine = await h.addDomain("mine.example");
    const caller = await h.mint({ scopes: ["domains_read"], domains: [mine] });
    expect((await h.call("GET", `/v1/domains/${mine}`, { token: caller.secret })).status).toBe(200);
  });

  it("answers a domain-limited token 404 for another domain, as for an unknown id", async () => {
    const h = await openApiHarness();
    const mine = await h.addDomain("mine.example");
    const other = await h.addDomain("other.example");
    const caller = await h.mint({ scopes: ["domains_read"], domains: [mine] });
    const res = await h.call("GET", `/v1/domains/${other}`, { token: caller.secret });
    const unknown = await h.call("GET", `/v1/domains/${UNKNOWN_DOMAIN}`, { token: caller.secret });
    expect(res.status).toBe(404);
    expect(res.body).toEqual(unknown.body);
    expect(res.body.code).toBe("not_found");
  });
});

describe("POST /v1/domains", () => {
  it("adds a domain: 201 with its id and normalised name", async () => {
    const h = await openApiHarness();
    const res = await h.call("POST", "/v1/domains", { body: { name: " Mail.Example.COM. " } });
    expect(res.status).toBe(201);
    expect(res.body.data.id).toMatch(/^dom_[0-9a-z]{26}$/);
    expect(res.body.data.name).toBe("mail.example.com");
    expect((await h.call("GET", `/v1/domains/${res.body.data.id}`)).status).toBe(200);
  });

  it("answers 409 domain_exists for a duplicate, in any case", async () => {
    const h = await openApiHarness();
    await h.call("POST", "/v1/domains", { body: { name: "example.com" } });
    const res = await h.call("POST", "/v1/domains", { body: { name: "EXAMPLE.com" } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("domain_exists");
    expect((await h.call("GET", "/v1/domains")).body.meta.total).toBe(1);
  });

  it.each([
    ["empty", ""],
    ["a single label", "localhost"],
    ["a leading hyphen", "-bad.example"],
    ["an underscore", "exa_mple.com"],
    ["an empty label", "a..example"],
    ["an all-digit last label", "example.123"],
    ["a space inside", "exa mple.com"],
    ["a label of 64 characters", `${"a".repeat(64)}.com`],
    ["more than 300 characters", `${"a.".repeat(150)}com`],
  ])("answers 422 naming name for a name with %s", async (_what, name) => {
    const h = await openApiHarness();
    const res = await h.call("POST", "/v1/domains", { body: { name } });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation_failed");
    expect(Object.keys(res.body.errors)).toEqual(["name"]);
  });

  it.each([
    ["no name", {}, "name"],
    ["a numeric name", { name: 5 }, "name"],
    ["an unknown field", { name: "example.com", verified: true }, "verified"],
  ])("answers 422 for a body with %s", async (_what, body, field) => {
    const h = await openApiHarness();
    const res = await h.call("POST", "/v1/domains", { body });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors)).toContain(field);
  });

  it("answers 403 scope_missing domains_full to a domains_read token", async () => {
    const h = await openApiHarness();
    const caller = await h.mint({ scopes: ["domains_read"] });
    const res = await h.call("POST", "/v1/domains", { token: caller.secret, body: { name: "example.com" } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: "scope_missing", required: "domains_full" });
  });

  it("answers 403 all_domains_required to a domain-limited domains_full token", async () => {
    const h = await openApiHarness();
    const mine = await h.addDomain("mine.example");
    const caller = await h.mint({ scopes: ["domains_full"], domains: [mine] });
    const res = await h.call("POST", "/v1/domains", { token: caller.secret, body: { name: "new.example" } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("all_domains_required");
    expect((await h.call("GET", "/v1/domains")).body.meta.total).toBe(1);
  });
});

describe("DELETE /v1/domains/{id}", () => {
  it("removes a domain: 204, then 404 on read and on a second delete", async () => {
    const h = await openApiHarness();
    const id = await h.addDomain("example.com");
    const res = await h.call("DELETE", `/v1/domains/${id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect((await h.call("GET", `/v1/domains/${id}`)).status).toBe(404);
    const again = await h.call("DELETE", `/v1/domains/${id}`);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe("not_found");
  });

  it("answers 409 domain_in_use for a domain a token is limited to, keeping it", async () => {
    const h = await openApiHarness();
    const id = await h.addDomain("example.com");
    await h.mint({ scopes: ["email_full"], domains: [id] });
    const res = await h.call("DELETE", `/v1/domains/${id}`);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("domain_in_use");
    expect((await h.call("GET", `/v1/domains/${id}`)).status).toBe(200);
  });

  it("removes a domain once the token using it is deleted", async () => {
    const h = await openApiHarness();
    const id = await h.addDomain("example.com");
    const user = await h.mint({ scopes: ["email_full"], domains: [id] });
    await h.call("DELETE", `/v1/token/${user.id}`);
    expect((await h.call("DELETE", `/v1/domains/${id}`)).status).toBe(204);
  });

  it("answers 403 scope_missing domains_full to a domains_read token", async () => {
    const h = await openApiHarness();
    const id = await h.addDomain("example.com");
    const caller = await h.mint({ scopes: ["domains_read"] });
    const res = await h.call("DELETE", `/v1/domains/${id}`, { token: caller.secret });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: "scope_missing", required: "domains_full" });
  });

  it("answers 403 all_domains_required to a domain-limited domains_full token", async () => {
    const h = await openApiHarness();
    const mine = await h.addDomain("mine.example");
    const other = await h.addDomain("other.example");
    const caller = await h.mint({ scopes: ["domains_full"], domains: [mine] });
    const res = await h.call("DELETE", `/v1/domains/${other}`, { token: caller.secret });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("all_domains_required");
    expect((await h.call("GET", `/v1/domains/${other}`)).status).toBe(200);
  });

  it("answers 404 not_found for an unknown id", async () => {
    const h = await openApiHarness();
    const res = await h.call("DELETE", `/v1/domains/${UNKNOWN_DOMAIN}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
  });
});

describe("an all-domains token and domains added later", () => {
  it("is refused a domain the account does not have yet", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    const res = await h.call("POST", "/v1/verify", { token: null, body: { token: token.secret, method: "POST", area: "email", domain: "later.example" } });
    expect(res.body).toMatchObject({ allowed: false, code: "domain_not_allowed", status: 403 });
  });

  it("is allowed a domain added after it was made, by name and by id", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    await h.call("POST", "/v1/verify", { token: null, body: { token: token.secret, method: "POST", area: "email", domain: "later.example" } });
    const added = await h.call("POST", "/v1/domains", { body: { name: "later.example" } });
    const byName = await h.call("POST", "/v1/verify", { token: null, body: { token: token.secret, method: "POST", area: "email", domain: "later.example" } });
    const byId = await h.call("POST", "/v1/verify", { token: null, body: { token: token.secret, method: "POST", area: "email", domain: added.body.data.id } });
    expect(byName.body).toMatchObject({ allowed: true, code: "ok" });
    expect(byId.body).toMatchObject({ allowed: true, code: "ok" });
  });

  it("lists a domain added after it was made", async () => {
    const h = await openApiHarness();
    const reader = await h.mint({ scopes: ["domains_read"] });
    await h.call("GET", "/v1/domains", { token: reader.secret });
    const added = await h.call("POST", "/v1/domains", { body: { name: "later.example" } });
    const res = await h.call("GET", "/v1/domains", { token: reader.secret });
    expect(res.body.data.map((d: { id: string }) => d.id)).toEqual([added.body.data.id]);
  });

  it("is refused a domain once it is removed", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    const id = await h.addDomain("gone.example");
    const verify = () => h.call("POST", "/v1/verify", { token: null, body: { token: token.secret, method: "POST", area: "email", domain: "gone.example" } });
    expect((await verify()).body.code).toBe("ok");
    await h.call("DELETE", `/v1/domains/${id}`);
    expect((await verify()).body.code).toBe("domain_not_allowed");
  });
});
