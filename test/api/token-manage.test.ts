/**
 * Managing a token (the seed's Manage, Pause/Resume and Delete): GET, PUT and DELETE /v1/token/{id}
 * and PUT /v1/token/{id}/settings, with the effect of each on the next verification.
 */
import { describe, expect, it } from "vitest";
import { openApiHarness, TOKEN_OBJECT_KEYS, type ApiHarness, type MintedToken } from "../helpers/api-harness.js";

const UNKNOWN_TOKEN = "tok_01j00000000000000000000000";

async function verifyCode(h: ApiHarness, token: MintedToken): Promise<string> {
  const res = await h.call("POST", "/v1/verify", { token: null, body: { token: token.secret, method: "POST", area: "email" } });
  expect(res.status).toBe(200);
  return res.body.code;
}

describe("GET /v1/token/{id}", () => {
  it("answers one token with exactly the token object's fields", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ name: "Shown", scopes: ["email_full"] });
    const res = await h.call("GET", `/v1/token/${token.id}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data).sort()).toEqual(TOKEN_OBJECT_KEYS);
    expect(res.body.data).toMatchObject({ id: token.id, name: "Shown", status: "unpause", scopes: ["email_full"] });
  });

  it("answers 404 not_found for an unknown id", async () => {
    const h = await openApiHarness();
    const res = await h.call("GET", `/v1/token/${UNKNOWN_TOKEN}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
  });
});

describe("PUT /v1/token/{id} renames", () => {
  it("renames a token and answers the renamed token", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ name: "Old", scopes: ["email_full"] });
    const res = await h.call("PUT", `/v1/token/${token.id}`, { body: { name: "  New name " } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: token.id, name: "New name", scopes: ["email_full"], status: "unpause" });
    expect((await h.call("GET", `/v1/token/${token.id}`)).body.data.name).toBe("New name");
  });

  it("keeps the token working after a rename", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ name: "Old", scopes: ["email_full"] });
    await h.call("PUT", `/v1/token/${token.id}`, { body: { name: "New" } });
    expect(await verifyCode(h, token)).toBe("ok");
  });

  it.each([
    ["empty", ""],
    ["51 characters", "y".repeat(51)],
    ["a control character", "tab\there"],
  ])("answers 422 naming name for a name that is %s", async (_what, name) => {
    const h = await openApiHarness();
    const token = await h.mint({ name: "Old", scopes: ["email_full"] });
    const res = await h.call("PUT", `/v1/token/${token.id}`, { body: { name } });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation_failed");
    expect(Object.keys(res.body.errors)).toContain("name");
    expect((await h.call("GET", `/v1/token/${token.id}`)).body.data.name).toBe("Old");
  });

  it("answers 422 to a body that changes nothing", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    const res = await h.call("PUT", `/v1/token/${token.id}`, { body: {} });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation_failed");
  });

  it("answers 422 naming status for an unknown status", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    const res = await h.call("PUT", `/v1/token/${token.id}`, { body: { status: "paused" } });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors)).toContain("status");
  });

  it("answers 404 not_found for an unknown id", async () => {
    const h = await openApiHarness();
    const res = await h.call("PUT", `/v1/token/${UNKNOWN_TOKEN}`, { body: { name: "Nobody" } });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
  });
});

describe.each([
  ["PUT /v1/token/{id}", (id: string) => `/v1/token/${id}`],
  ["PUT /v1/token/{id}/settings", (id: string) => `/v1/token/${id}/settings`],
])("pause and unpause through %s", (_route, path) => {
  it('pauses a token: status "pause"', async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    const res = await h.call("PUT", path(token.id), { body: { status: "pause" } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: token.id, status: "pause" });
    expect((await h.call("GET", `/v1/token/${token.id}`)).body.data.status).toBe("pause");
  });

  it("refuses a paused token on the very next verification", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    expect(await verifyCode(h, token)).toBe("ok");
    await h.call("PUT", path(token.id), { body: { status: "pause" } });
    const res = await h.call("POST", "/v1/verify", { token: null, body: { token: token.secret, method: "POST", area: "email" } });
    expect(res.body).toMatchObject({ allowed: false, status: 401, code: "token_paused" });
  });

  it("allows the token again on the very next verification after unpause", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    await h.call("PUT", path(token.id), { body: { status: "pause" } });
    expect(await verifyCode(h, token)).toBe("token_paused");
    const res = await h.call("PUT", path(token.id), { body: { status: "unpause" } });
    expect(res.body.data.status).toBe("unpause");
    expect(await verifyCode(h, token)).toBe("ok");
  });

  it("refuses a paused token on the management API with 401 token_paused", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["tokens_full"] });
    await h.call("PUT", path(token.id), { body: { status: "pause" } });
    const res = await h.call("GET", "/v1/token", { token: token.secret });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("token_paused");
  });

  it("answers 200 to pausing a token that is already paused", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    await h.call("PUT", path(token.id), { body: { status: "pause" } });
    const res = await h.call("PUT", path(token.id), { body: { status: "pause" } });
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe("pause");
  });

  it("answers 404 not_found for an unknown id", async () => {
    const h = await openApiHarness();
    const res = await h.call("PUT", path(UNKNOWN_TOKEN), { body: { status: "pause" } });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
  });
});

describe("PUT /v1/token/{id}/settings body", () => {
  it.each([
    ["no status", {}, "status"],
    ["an unknown status", { status: "stop" }, "status"],
    ["a name", { status: "pause", name: "x" }, "name"],
  ])("answers 422 for %s", async (_what, body, field) => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    const res = await h.call("PUT", `/v1/token/${token.id}/settings`, { body });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation_failed");
    expect(Object.keys(res.body.errors)).toContain(field);
    expect((await h.call("GET", `/v1/token/${token.id}`)).body.data.status).toBe("unpause");
  });
});

describe("PUT /v1/token/{id} keeps permissions immutable", () => {
  const CHANGES: [string, unknown][] = [
    ["scopes", ["email_full", "domains_full"]],
    ["has_full", true],
    ["domains", "all"],
    ["domain_id", "dom_01j00000000000000000000000"],
    ["expires_at", "2099-01-01"],
  ];

  it.each(CHANGES)("answers 422 validation_failed naming %s and leaves the token unchanged", async (field, value) => {
    const h = await openApiHarness();
    const token = await h.mint({ name: "Fixed", scopes: ["email_full"] });
    const before = await h.call("GET", `/v1/token/${token.id}`);
    const res = await h.call("PUT", `/v1/token/${token.id}`, { body: { [field]: value } });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation_failed");
    expect(Object.keys(res.body.errors)).toEqual([field]);
    expect((await h.call("GET", `/v1/token/${token.id}`)).body).toEqual(before.body);
  });

  it("refuses a rename that also tries to change scopes, keeping the old name", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ name: "Fixed", scopes: ["email_full"] });
    const res = await h.call("PUT", `/v1/token/${token.id}`, { body: { name: "Sneaky", scopes: ["tokens_full"] } });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors)).toEqual(["scopes"]);
    expect((await h.call("GET", `/v1/token/${token.id}`)).body.data).toMatchObject({ name: "Fixed", scopes: ["email_full"] });
  });

  it("refuses expires_at: null too (removing an expiry is a change)", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"], expiresAt: "2099-01-01" });
    const res = await h.call("PUT", `/v1/token/${token.id}`, { body: { expires_at: null } });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors)).toEqual(["expires_at"]);
  });
});

describe("DELETE /v1/token/{id}", () => {
  it("answers 204 with an empty body", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    const res = await h.call("DELETE", `/v1/token/${token.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
  });

  it("answers 404 not_found when repeated", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    await h.call("DELETE", `/v1/token/${token.id}`);
    const again = await h.call("DELETE", `/v1/token/${token.id}`);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe("not_found");
  });

  it("removes the token from show and list", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    await h.call("DELETE", `/v1/token/${token.id}`);
    expect((await h.call("GET", `/v1/token/${token.id}`)).status).toBe(404);
    const list = await h.call("GET", "/v1/token");
    expect(list.body.data.map((t: { id: string }) => t.id)).toEqual([h.root.id]);
  });

  it("makes the next verification answer token_unknown", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["email_full"] });
    expect(await verifyCode(h, token)).toBe("ok");
    await h.call("DELETE", `/v1/token/${token.id}`);
    expect(await verifyCode(h, token)).toBe("token_unknown");
  });

  it("lets a token delete itself, after which it is unknown", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["tokens_full"] });
    expect((await h.call("DELETE", `/v1/token/${token.id}`, { token: token.secret })).status).toBe(204);
    const res = await h.call("GET", "/v1/token", { token: token.secret });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("token_unknown");
  });

  it("answers 404 not_found for an unknown id", async () => {
    const h = await openApiHarness();
    const res = await h.call("DELETE", `/v1/token/${UNKNOWN_TOKEN}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
  });
});
