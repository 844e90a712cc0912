/**
 * Children of a token (issue #4): a token created by another token works by its own rights only. Pausing
 * or deleting the creator neither stops the child nor lets it exceed what it was given; the ceiling
 * applies once, at creation (docs/security.md).
 */
import { describe, expect, it } from "vitest";
import { openApiHarness, type ApiHarness } from "../helpers/api-harness.js";

async function family(api: ApiHarness): Promise<{ parent: { id: string; secret: string }; child: { id: string; secret: string } }> {
  const parent = await api.mint({ scopes: ["tokens_full", "email_full", "domains_read"] });
  const created = await api.call("POST", "/v1/token", { token: parent.secret, body: { name: "child", scopes: ["email_full"] } });
  expect(created.status).toBe(201);
  return { parent, child: { id: created.body.data.id, secret: created.body.data.accessToken } };
}

async function codeOf(api: ApiHarness, secret: string, method: string, area: string): Promise<string> {
  return (await api.call("POST", "/v1/verify", { token: null, body: { token: secret, method, area } })).body.code;
}

describe("a child token", () => {
  it("keeps working when its creator is paused", async () => {
    const api = await openApiHarness();
    const { parent, child } = await family(api);
    await api.call("PUT", `/v1/token/${parent.id}/settings`, { body: { status: "pause" } });
    expect(await codeOf(api, parent.secret, "POST", "email")).toBe("token_paused");
    expect(await codeOf(api, child.secret, "POST", "email")).toBe("ok");
  });

  it("keeps working when its creator is deleted", async () => {
    const api = await openApiHarness();
    const { parent, child } = await family(api);
    expect((await api.call("DELETE", `/v1/token/${parent.id}`)).status).toBe(204);
    expect(await codeOf(api, parent.secret, "POST", "email")).toBe("token_unknown");
    expect(await codeOf(api, child.secret, "POST", "email")).toBe("ok");
  });

  it("never gains its creator's other rights, before or after the creator goes", async () => {
    const api = await openApiHarness();
    const { parent, child } = await family(api);
    expect(await codeOf(api, child.secret, "GET", "domains")).toBe("scope_missing");
    await api.call("DELETE", `/v1/token/${parent.id}`);
    expect(await codeOf(api, child.secret, "GET", "domains")).toBe("scope_missing");
    expect(await codeOf(api, child.secret, "GET", "tokens")).toBe("scope_missing");
  });

  it("records who created it", async () => {
    const api = await openApiHarness();
    const { parent, child } = await family(api);
    const { events } = await api.latchkey.auditEvents({ principal: await api.latchkey.operator("default"), ip: null }, { page: 1, limit: 10 });
    expect(events.find((e) => e.action === "token.create" && e.target.id === child.id)?.actor).toEqual({ type: "token", id: parent.id });
  });
});
