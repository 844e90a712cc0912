/**
 * Lineage (issue 10, docs/security.md "Lineage"): a token never outlives or outreaches the token that
 * made it. While any ancestor is paused, deleted or expired, a descendant is refused with 401
 * token_parent_inactive on its very next verification, on every path (POST /v1/verify,
 * /v1/forward-auth, the middleware, the management API); it works again when the ancestor resumes;
 * a deleted ancestor's descendants are refused for good. This replaces round 1's rule (commit
 * 547ec8e), under which children kept working when their creator was paused or deleted.
 */
import { describe, expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { createScopeGuard } from "../../src/middleware/scope-guard.js";
import { openApiHarness, type ApiHarness, type MintedToken } from "../helpers/api-harness.js";
import { PROTECTED_ROUTE_MAP } from "../helpers/protected-api.js";

async function child(api: ApiHarness, parent: MintedToken, body: Record<string, unknown> = {}): Promise<MintedToken> {
  const created = await api.call("POST", "/v1/token", { token: parent.secret, body: { name: "child", scopes: ["tokens_full", "email_full"], ...body } });
  expect(created.status).toBe(201);
  return { id: created.body.data.id, secret: created.body.data.accessToken };
}

async function family(api: ApiHarness): Promise<{ parent: MintedToken; kid: MintedToken; grandchild: MintedToken }> {
  // Under the harness's root token, which manages the whole family (a token manages its subtree).
  const parent = await api.mint({ scopes: ["tokens_full", "email_full", "domains_read"] });
  const kid = await child(api, parent);
  const grandchild = await child(api, kid, { scopes: ["email_full"] });
  return { parent, kid, grandchild };
}

async function verifyCode(api: ApiHarness, secret: string): Promise<string> {
  return (await api.call("POST", "/v1/verify", { token: null, body: { token: secret, method: "POST", area: "email" } })).body.code;
}

/** The answer of every path for one secret: verify, forward-auth, middleware, management API. */
async function everyPath(api: ApiHarness, secret: string): Promise<Record<string, string>> {
  const forward = await api.call("GET", "/v1/forward-auth", { token: secret, headers: { "x-original-method": "POST", "x-original-uri": "/api/email", "x-domain": "example.com" } });
  const guard = await createScopeGuard("email", { latchkey: api.latchkey }).check("POST", `Bearer ${secret}`, null);
  const management = await api.call("GET", "/v1/scopes", { token: secret });
  return {
    verify: await verifyCode(api, secret),
    forwardAuth: String(forward.headers["x-latchkey-code"] ?? forward.body?.code),
    middleware: guard.allowed ? "ok" : String(guard.body.code),
    management: management.status === 200 ? "ok" : management.body.code,
  };
}

const ALL_OK = { verify: "ok", forwardAuth: "ok", middleware: "ok", management: "ok" };
const ALL_PARENT_INACTIVE = { verify: "token_parent_inactive", forwardAuth: "token_parent_inactive", middleware: "token_parent_inactive", management: "token_parent_inactive" };

describe("a token's descendants", () => {
  it("are refused on every path on their very next verification while an ancestor is paused, and work again after resume", async () => {
    const api = await openApiHarness({ routeMap: PROTECTED_ROUTE_MAP });
    await api.addDomain("example.com");
    const { parent, kid, grandchild } = await family(api);
    // Warm every cache first: the refusal must not wait for an entry to expire.
    expect(await everyPath(api, grandchild.secret)).toEqual(ALL_OK);
    expect(await everyPath(api, kid.secret)).toEqual(ALL_OK);
    expect((await api.call("PUT", `/v1/token/${parent.id}/settings`, { body: { status: "pause" } })).status).toBe(200);
    expect(await verifyCode(api, parent.secret)).toBe("token_paused");
    expect(await everyPath(api, kid.secret)).toEqual(ALL_PARENT_INACTIVE);
    expect(await everyPath(api, grandchild.secret)).toEqual(ALL_PARENT_INACTIVE);
    expect((await api.call("PUT", `/v1/token/${parent.id}/settings`, { body: { status: "unpause" } })).status).toBe(200);
    expect(await everyPath(api, kid.secret)).toEqual(ALL_OK);
    expect(await everyPath(api, grandchild.secret)).toEqual(ALL_OK);
  });

  it("are refused for good once an ancestor is deleted", async () => {
    const api = await openApiHarness();
    const { parent, kid, grandchild } = await family(api);
    expect(await verifyCode(api, grandchild.secret)).toBe("ok");
    expect((await api.call("DELETE", `/v1/token/${kid.id}`)).status).toBe(204);
    expect(await verifyCode(api, kid.secret)).toBe("token_unknown");
    expect(await verifyCode(api, grandchild.secret)).toBe("token_parent_inactive");
    expect(await verifyCode(api, parent.secret)).toBe("ok");
    // Nothing brings it back: the parent's state no longer matters, and the cache is rebuilt the same.
    api.latchkey.verifier.invalidateAll();
    expect(await verifyCode(api, grandchild.secret)).toBe("token_parent_inactive");
    // Cut off from the tokens above, it is no token's to manage any more; people still see and delete it.
    expect((await api.call("GET", `/v1/token/${grandchild.id}`)).status).toBe(404);
    const operator = { principal: await api.latchkey.operator("default"), ip: null };
    expect((await api.latchkey.tokens.show(operator, grandchild.id)).id).toBe(grandchild.id);
  });

  it("are refused from the instant an ancestor expires", async () => {
    const clock = manualClock(Date.parse("2030-01-01T00:00:00Z"));
    const api = await openApiHarness({ clock });
    const parent = await api.mint({ scopes: ["tokens_full", "email_full"], expiresAt: "2030-01-02T00:00:00Z" });
    const kid = await child(api, parent, { expires_at: "2030-01-02T00:00:00Z" });
    expect(await verifyCode(api, kid.secret)).toBe("ok");
    clock.set(Date.parse("2030-01-02T00:00:00Z"));
    expect(await verifyCode(api, parent.secret)).toBe("token_expired");
    // Its own expiry is named first: the token's own state before its ancestors'.
    expect(await verifyCode(api, kid.secret)).toBe("token_expired");
  });

  it("names an ancestor's expiry when the child's own has not come", async () => {
    const clock = manualClock(Date.parse("2030-01-01T00:00:00Z"));
    const api = await openApiHarness({ clock });
    const parent = await api.mint({ scopes: ["tokens_full", "email_full"] });
    const kid = await child(api, parent);
    const grandchild = await child(api, kid, { scopes: ["email_full"] });
    // A parent row that expires although the child was made without an expiry (rows written before
    // the ceiling): the fold takes the earliest ancestor expiry.
    await api.latchkey.store.db.updateTable("tokens").set({ expires_at: "2030-01-01T12:00:00.000Z" }).where("id", "=", parent.id).execute();
    api.latchkey.verifier.invalidateAll();
    expect(await verifyCode(api, grandchild.secret)).toBe("ok");
    clock.set(Date.parse("2030-01-01T12:00:00Z"));
    expect(await verifyCode(api, grandchild.secret)).toBe("token_parent_inactive");
  });

  it("never hold more than an ancestor holds now", async () => {
    const api = await openApiHarness();
    const { parent, grandchild } = await family(api);
    // Widen the grandchild's stored row behind the ceiling's back: the fold still bounds it.
    await api.latchkey.store.db.updateTable("tokens").set({ has_full: 1, scopes: "[]" }).where("id", "=", grandchild.id).execute();
    api.latchkey.verifier.invalidateAll();
    const answer = (area: string, method: string) => api.call("POST", "/v1/verify", { token: null, body: { token: grandchild.secret, method, area } });
    expect((await answer("email", "POST")).body.code).toBe("ok");
    expect((await answer("domains", "GET")).body.code).toBe("scope_missing"); // the parent has it, the child (tokens_full, email_full) not
    expect((await answer("users", "DELETE")).body.code).toBe("scope_missing");
    expect(await verifyCode(api, parent.secret)).toBe("ok");
  });

  it("records who created it", async () => {
    const api = await openApiHarness();
    const { parent, kid } = await family(api);
    const { events } = await api.latchkey.auditEvents({ principal: await api.latchkey.operator("default"), ip: null }, { page: 1, limit: 10 });
    expect(events.find((e) => e.action === "token.create" && e.target.id === kid.id)?.actor).toEqual({ type: "token", id: parent.id });
    const familyOf = await api.call("GET", `/v1/token/${kid.id}/family`);
    expect(familyOf.body.data).toEqual({ created_by: `token:${parent.id}`, parent_id: parent.id, children: 1, descendants: 1 });
    // The child sees itself, but not the parent above it: not in its family, not in the audit log.
    const seen = (await api.call("GET", "/v1/audit", { token: kid.secret })).body.data as { action: string; target: { id: string }; actor: unknown; ip: unknown }[];
    expect(seen.find((e) => e.action === "token.create" && e.target.id === kid.id)).toMatchObject({ actor: { type: "token", id: null }, ip: null });
    expect(seen.some((e) => e.target.id === parent.id)).toBe(false);
    expect((await api.call("GET", `/v1/token/${kid.id}/family`, { token: kid.secret })).body.data).toEqual({ created_by: "token", parent_id: null, children: 1, descendants: 1 });
  });
});
