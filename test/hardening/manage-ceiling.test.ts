/**
 * The ceiling applies to managing tokens too: a token may rename, pause, resume or delete only tokens
 * within its own rights (found by the break test: a domain-limited token with tokens_full could resume
 * an administrator's paused Full access token).
 */
import { describe, expect, it } from "vitest";
import { openApiHarness } from "../helpers/api-harness.js";

describe("a Custom access token with tokens_full", () => {
  it.each([
    ["pause", "PUT", "/settings", { status: "pause" }],
    ["resume", "PUT", "/settings", { status: "unpause" }],
    ["rename", "PUT", "", { name: "mine now" }],
    ["delete", "DELETE", "", undefined],
  ] as const)("cannot %s a Full access token: 403 ceiling_exceeded, nothing changed", async (_label, method, suffix, body) => {
    const api = await openApiHarness();
    const strong = await api.mint({ name: "admin" });
    await api.call("PUT", `/v1/token/${strong.id}/settings`, { body: { status: "pause" } });
    const weak = await api.mint({ scopes: ["tokens_full"] });
    const response = await api.call(method, `/v1/token/${strong.id}${suffix}`, { token: weak.secret, ...(body === undefined ? {} : { body }) });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe("ceiling_exceeded");
    const after = await api.call("GET", `/v1/token/${strong.id}`);
    expect(after.body.data).toMatchObject({ name: "admin", status: "pause" });
  });

  it("cannot resume a token limited to other domains", async () => {
    const api = await openApiHarness();
    const mine = await api.addDomain("example.com");
    const theirs = await api.addDomain("example.org");
    const other = await api.mint({ scopes: ["email_full"], domains: [theirs] });
    await api.call("PUT", `/v1/token/${other.id}/settings`, { body: { status: "pause" } });
    const weak = await api.mint({ scopes: ["tokens_full", "email_full"], domains: [mine] });
    const response = await api.call("PUT", `/v1/token/${other.id}/settings`, { token: weak.secret, body: { status: "unpause" } });
    expect(response.body).toMatchObject({ code: "ceiling_exceeded", lacking: [`domain:${theirs}`] });
  });

  it("manages a token within its own rights, and itself", async () => {
    const api = await openApiHarness();
    const weak = await api.mint({ scopes: ["tokens_full", "email_full"] });
    const child = await api.mint({ scopes: ["email_full"] });
    expect((await api.call("PUT", `/v1/token/${child.id}/settings`, { token: weak.secret, body: { status: "pause" } })).status).toBe(200);
    expect((await api.call("DELETE", `/v1/token/${child.id}`, { token: weak.secret })).status).toBe(204);
    expect((await api.call("PUT", `/v1/token/${weak.id}`, { token: weak.secret, body: { name: "renamed" } })).status).toBe(200);
  });
});
