/**
 * The ceiling on POST /v1/token: a token with tokens_full but Custom access, limited domains or an
 * expiry cannot create a token that holds more than it does (403 ceiling_exceeded with `lacking`).
 */
import { describe, expect, it } from "vitest";
import { openApiHarness } from "../helpers/api-harness.js";

const DAY_MILLIS = 86_400_000;

describe("POST /v1/token by a Custom access token", () => {
  it("refuses a scope the creator lacks, listing it in lacking", async () => {
    const h = await openApiHarness();
    const creator = await h.mint({ scopes: ["tokens_full", "domains_read"] });
    const res = await h.call("POST", "/v1/token", { token: creator.secret, body: { name: "More", scopes: ["domains_full", "email_full"] } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("ceiling_exceeded");
    expect(res.body.lacking.sort()).toEqual(["domains_full", "email_full"]);
  });

  it("refuses Full access, lacking full_access", async () => {
    const h = await openApiHarness();
    const creator = await h.mint({ scopes: ["tokens_full", "email_full"] });
    const res = await h.call("POST", "/v1/token", { token: creator.secret, body: { name: "Admin", has_full: true } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: "ceiling_exceeded", lacking: ["full_access"] });
  });

  it("allows the same or fewer scopes", async () => {
    const h = await openApiHarness();
    const creator = await h.mint({ scopes: ["tokens_full", "domains_full", "email_full"] });
    const res = await h.call("POST", "/v1/token", { token: creator.secret, body: { name: "Less", scopes: ["domains_read", "email_full", "tokens_full"] } });
    expect(res.status).toBe(201);
    expect(res.body.data.scopes).toEqual(["email_full", "domains_read", "tokens_full"]);
  });

  it("creates nothing when it refuses", async () => {
    const h = await openApiHarness();
    const creator = await h.mint({ scopes: ["tokens_full"] });
    await h.call("POST", "/v1/token", { token: creator.secret, body: { name: "More", scopes: ["sms_full"] } });
    const list = await h.call("GET", "/v1/token");
    expect(list.body.meta.total).toBe(2);
  });
});

describe("POST /v1/token by a domain-limited token", () => {
  it("refuses a token for all domains when domains are left out", async () => {
    const h = await openApiHarness();
    const mine = await h.addDomain("mine.example");
    const creator = await h.mint({ scopes: ["tokens_full", "email_full"], domains: [mine] });
    const res = await h.call("POST", "/v1/token", { token: creator.secret, body: { name: "All", scopes: ["email_full"] } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: "ceiling_exceeded", lacking: ["all_domains"] });
  });

  it('refuses domains "all"', async () => {
    const h = await openApiHarness();
    const mine = await h.addDomain("mine.example");
    const creator = await h.mint({ scopes: ["tokens_full", "email_full"], domains: [mine] });
    const res = await h.call("POST", "/v1/token", { token: creator.secret, body: { name: "All", scopes: ["email_full"], domains: "all" } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: "ceiling_exceeded", lacking: ["all_domains"] });
  });

  it("refuses a domain outside its own, naming it", async () => {
    const h = await openApiHarness();
    const mine = await h.addDomain("mine.example");
    const other = await h.addDomain("other.example");
    const creator = await h.mint({ scopes: ["tokens_full", "email_full"], domains: [mine] });
    const res = await h.call("POST", "/v1/token", { token: creator.secret, body: { name: "Wider", scopes: ["email_full"], domains: [mine, other] } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: "ceiling_exceeded", lacking: [`domain:${other}`] });
  });

  it("refuses another domain given as domain_id", async () => {
    const h = await openApiHarness();
    const mine = await h.addDomain("mine.example");
    const other = await h.addDomain("other.example");
    const creator = await h.mint({ scopes: ["tokens_full", "email_full"], domains: [mine] });
    const res = await h.call("POST", "/v1/token", { token: creator.secret, body: { name: "Other", scopes: ["email_full"], domain_id: other } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: "ceiling_exceeded", lacking: [`domain:${other}`] });
  });

  it("allows a subset of its own domains", async () => {
    const h = await openApiHarness();
    const first = await h.addDomain("first.example");
    const second = await h.addDomain("second.example");
    const creator = await h.mint({ scopes: ["tokens_full", "email_full"], domains: [first, second] });
    const res = await h.call("POST", "/v1/token", { token: creator.secret, body: { name: "Narrow", scopes: ["email_full"], domain_id: second } });
    expect(res.status).toBe(201);
    expect(res.body.data.domain).toEqual({ id: second, name: "second.example" });
  });
});

describe("POST /v1/token by an expiring token", () => {
  it("refuses a token that never expires", async () => {
    const h = await openApiHarness();
    const creator = await h.mint({ scopes: ["tokens_full", "email_full"], expiresAt: new Date(Date.now() + 2 * DAY_MILLIS).toISOString() });
    const res = await h.call("POST", "/v1/token", { token: creator.secret, body: { name: "Forever", scopes: ["email_full"] } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: "ceiling_exceeded", lacking: ["expires_at"] });
  });

  it("refuses a token that expires after it", async () => {
    const h = await openApiHarness();
    const creator = await h.mint({ scopes: ["tokens_full", "email_full"], expiresAt: new Date(Date.now() + 2 * DAY_MILLIS).toISOString() });
    const later = new Date(Date.now() + 3 * DAY_MILLIS).toISOString();
    const res = await h.call("POST", "/v1/token", { token: creator.secret, body: { name: "Later", scopes: ["email_full"], expires_at: later } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: "ceiling_exceeded", lacking: ["expires_at"] });
  });

  it("allows a token that expires no later than it", async () => {
    const h = await openApiHarness();
    const at = new Date(Date.now() + 2 * DAY_MILLIS).toISOString();
    const creator = await h.mint({ scopes: ["tokens_full", "email_full"], expiresAt: at });
    const res = await h.call("POST", "/v1/token", { token: creator.secret, body: { name: "Same", scopes: ["email_full"], expires_at: at } });
    expect(res.status).toBe(201);
    expect(res.body.data.expires_at).toBe(at);
  });
});

describe("POST /v1/token by a Full access token", () => {
  it("may grant Full access, all domains and no expiry", async () => {
    const h = await openApiHarness();
    const res = await h.call("POST", "/v1/token", { body: { name: "Peer", has_full: true, domains: "all" } });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ has_full: true, domains: "all", expires_at: null });
  });
});
