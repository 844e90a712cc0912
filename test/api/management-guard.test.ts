/**
 * Managing tokens and reading the audit log need tokens_full (DESIGN.md): a token without it gets
 * 403 scope_missing with `required: "tokens_full"` on every /v1/token route and /v1/audit, and the
 * request changes nothing.
 */
import { describe, expect, it } from "vitest";
import { openApiHarness } from "../helpers/api-harness.js";

/** Every scope of the seed catalogue except tokens_full, at its highest level. */
const ALL_BUT_TOKENS = [
  "email_full",
  "domains_full",
  "activity_full",
  "analytics_full",
  "webhooks_full",
  "templates_full",
  "suppressions_full",
  "sms_full",
  "email_verification_full",
  "inbounds_full",
  "recipients_full",
  "sender_identity_full",
  "smtp_users_full",
  "users_full",
];

/** [route, method, path for a target token id, body]. */
const GUARDED: [string, string, (id: string) => string, unknown][] = [
  ["GET /v1/token", "GET", () => "/v1/token", undefined],
  ["GET /v1/token/{id}", "GET", (id) => `/v1/token/${id}`, undefined],
  ["POST /v1/token", "POST", () => "/v1/token", { name: "New", scopes: ["email_full"] }],
  ["PUT /v1/token/{id} (rename)", "PUT", (id) => `/v1/token/${id}`, { name: "Renamed" }],
  ["PUT /v1/token/{id} (pause)", "PUT", (id) => `/v1/token/${id}`, { status: "pause" }],
  ["PUT /v1/token/{id}/settings", "PUT", (id) => `/v1/token/${id}/settings`, { status: "pause" }],
  ["DELETE /v1/token/{id}", "DELETE", (id) => `/v1/token/${id}`, undefined],
  ["GET /v1/audit", "GET", () => "/v1/audit", undefined],
];

describe.each(GUARDED)("%s without tokens_full", (_route, method, path, body) => {
  it('answers 403 scope_missing with required "tokens_full"', async () => {
    const h = await openApiHarness();
    const caller = await h.mint({ name: "Everything else", scopes: ALL_BUT_TOKENS });
    const target = await h.mint({ name: "Target", scopes: ["email_full"] });
    const res = await h.call(method, path(target.id), { token: caller.secret, body });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: "scope_missing", required: "tokens_full" });
  });

  it("changes no token", async () => {
    const h = await openApiHarness();
    const caller = await h.mint({ name: "Everything else", scopes: ALL_BUT_TOKENS });
    const target = await h.mint({ name: "Target", scopes: ["email_full"] });
    const before = await h.call("GET", "/v1/token");
    await h.call(method, path(target.id), { token: caller.secret, body });
    expect((await h.call("GET", "/v1/token")).body).toEqual(before.body);
  });
});

describe("a token with tokens_full only", () => {
  it("may list the tokens of its own subtree (itself and those it made)", async () => {
    const h = await openApiHarness();
    const caller = await h.mint({ scopes: ["tokens_full"] });
    expect((await h.call("POST", "/v1/token", { token: caller.secret, body: { name: "made by caller", scopes: ["tokens_full"] } })).status).toBe(201);
    const res = await h.call("GET", "/v1/token", { token: caller.secret });
    expect(res.status).toBe(200);
    expect(res.body.meta.total).toBe(2);
  });

  it("may read the audit log", async () => {
    const h = await openApiHarness();
    const caller = await h.mint({ scopes: ["tokens_full"] });
    expect((await h.call("GET", "/v1/audit", { token: caller.secret })).status).toBe(200);
  });

  it("may not read domains (403 scope_missing domains_read)", async () => {
    const h = await openApiHarness();
    const caller = await h.mint({ scopes: ["tokens_full"] });
    const res = await h.call("GET", "/v1/domains", { token: caller.secret });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: "scope_missing", required: "domains_read" });
  });
});
