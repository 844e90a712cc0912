/**
 * The ceiling applies to managing tokens too: a token may rename, pause, resume or delete only tokens
 * within its own rights (found by the break test: a domain-limited token with tokens_full could resume
 * an administrator's paused Full access token). Since issue 10 a token manages only its own subtree,
 * so a token it did not make answers 404 before any ceiling; within the subtree the ceiling still holds
 * (rows written before the ceiling existed may hold more than their maker).
 */
import { describe, expect, it } from "vitest";
import { openApiHarness, type ApiHarness, type MintedToken } from "../helpers/api-harness.js";

const ACTIONS = [
  ["pause", "PUT", "/settings", { status: "pause" }],
  ["resume", "PUT", "/settings", { status: "unpause" }],
  ["rename", "PUT", "", { name: "mine now" }],
  ["delete", "DELETE", "", undefined],
] as const;

async function made(api: ApiHarness, by: MintedToken, body: Record<string, unknown>): Promise<MintedToken> {
  const res = await api.call("POST", "/v1/token", { token: by.secret, body: { name: "made", ...body } });
  expect(res.status).toBe(201);
  return { id: res.body.data.id, secret: res.body.data.accessToken };
}

describe("a Custom access token with tokens_full", () => {
  it.each(ACTIONS)("cannot %s a Full access token it did not make: 404, nothing changed", async (_label, method, suffix, body) => {
    const api = await openApiHarness();
    const strong = await api.mint({ name: "admin" });
    await api.call("PUT", `/v1/token/${strong.id}/settings`, { body: { status: "pause" } });
    const weak = await api.mint({ scopes: ["tokens_full"] });
    const response = await api.call(method, `/v1/token/${strong.id}${suffix}`, { token: weak.secret, ...(body === undefined ? {} : { body }) });
    expect([response.status, response.body?.code]).toEqual([404, "not_found"]);
    const after = await api.call("GET", `/v1/token/${strong.id}`);
    expect(after.body.data).toMatchObject({ name: "admin", status: "pause" });
  });

  it.each(ACTIONS)("cannot %s a token of its subtree holding more than itself: 403 ceiling_exceeded, nothing changed", async (_label, method, suffix, body) => {
    const api = await openApiHarness();
    const weak = await api.mint({ scopes: ["tokens_full", "email_full"] });
    const child = await made(api, weak, { scopes: ["email_full"] });
    await api.call("PUT", `/v1/token/${child.id}`, { token: weak.secret, body: { name: "admin", status: "pause" } });
    // A row from before the ceiling: Full access under a Custom access maker.
    await api.latchkey.store.db.updateTable("tokens").set({ has_full: 1, scopes: "[]" }).where("id", "=", child.id).execute();
    const response = await api.call(method, `/v1/token/${child.id}${suffix}`, { token: weak.secret, ...(body === undefined ? {} : { body }) });
    expect([response.status, response.body.code]).toEqual([403, "ceiling_exceeded"]);
    expect((await api.call("GET", `/v1/token/${child.id}`)).body.data).toMatchObject({ name: "admin", status: "pause" });
  });

  it("cannot resume a token limited to other domains", async () => {
    const api = await openApiHarness();
    const mine = await api.addDomain("example.com");
    const theirs = await api.addDomain("example.org");
    const other = await api.mint({ scopes: ["email_full"], domains: [theirs] });
    await api.call("PUT", `/v1/token/${other.id}/settings`, { body: { status: "pause" } });
    const weak = await api.mint({ scopes: ["tokens_full", "email_full"], domains: [mine] });
    const response = await api.call("PUT", `/v1/token/${other.id}/settings`, { token: weak.secret, body: { status: "unpause" } });
    expect([response.status, response.body.code]).toEqual([404, "not_found"]);
    expect((await api.call("GET", `/v1/token/${other.id}`)).body.data.status).toBe("pause");
  });

  it("manages a token within its own rights, and itself", async () => {
    const api = await openApiHarness();
    const weak = await api.mint({ scopes: ["tokens_full", "email_full"] });
    const child = await made(api, weak, { scopes: ["email_full"] });
    expect((await api.call("PUT", `/v1/token/${child.id}/settings`, { token: weak.secret, body: { status: "pause" } })).status).toBe(200);
    expect((await api.call("DELETE", `/v1/token/${child.id}`, { token: weak.secret })).status).toBe(204);
    expect((await api.call("PUT", `/v1/token/${weak.id}`, { token: weak.secret, body: { name: "renamed" } })).status).toBe(200);
  });
});
