/**
 * POST /v1/token/{id}/pause and /resume with `{"cascade": true}` (issue 10): a token and its whole
 * subtree are paused (resumed) in one transaction; without cascade only the token itself changes.
 * GET /v1/token/{id}/family counts what a token made.
 */
import { describe, expect, it } from "vitest";
import { openApiHarness, type ApiHarness, type MintedToken } from "../helpers/api-harness.js";

async function make(api: ApiHarness, by: MintedToken, name: string): Promise<MintedToken> {
  const res = await api.call("POST", "/v1/token", { token: by.secret, body: { name, scopes: ["tokens_full", "email_full"] } });
  expect(res.status).toBe(201);
  return { id: res.body.data.id, secret: res.body.data.accessToken };
}

async function tree(api: ApiHarness) {
  const top = await api.mint({ name: "top", scopes: ["tokens_full", "email_full"] });
  const a = await make(api, top, "a");
  const a1 = await make(api, a, "a1");
  const b = await make(api, top, "b");
  return { top, a, a1, b };
}

const stateOf = async (api: ApiHarness, t: MintedToken): Promise<string> => (await api.call("GET", `/v1/token/${t.id}`)).body.data.status;

describe("a cascading pause", () => {
  it("pauses the token and every token below it, and the cascading resume brings them all back", async () => {
    const api = await openApiHarness();
    const family = await tree(api);
    const paused = await api.call("POST", `/v1/token/${family.top.id}/pause`, { body: { cascade: true } });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ data: { id: family.top.id, status: "pause" }, changed: 4 });
    for (const t of Object.values(family)) expect(await stateOf(api, t)).toBe("pause");
    // Resuming the top alone leaves the others paused: each was marked.
    await api.call("POST", `/v1/token/${family.top.id}/resume`);
    expect(await stateOf(api, family.a1)).toBe("pause");
    const resumed = await api.call("POST", `/v1/token/${family.top.id}/resume`, { body: { cascade: true } });
    expect(resumed.body.changed).toBe(3);
    for (const t of Object.values(family)) {
      expect(await stateOf(api, t)).toBe("unpause");
      expect((await api.call("POST", "/v1/verify", { token: null, body: { token: t.secret, method: "POST", area: "email" } })).body.code).toBe("ok");
    }
  });

  it("is answered with how far the change has reached, as a single pause is (acknowledged revocation)", async () => {
    const api = await openApiHarness();
    const family = await tree(api);
    for (const body of [{ cascade: true }, {}]) {
      const res = await api.call("POST", `/v1/token/${family.a.id}/pause`, { body });
      expect(res.status).toBe(200);
      const { propagation } = res.body;
      expect(propagation.instances).toBeGreaterThanOrEqual(1);
      expect(propagation.applied).toBe(propagation.instances);
      expect(propagation.lost).toEqual([]);
      expect(typeof propagation.waited_ms).toBe("number");
      await api.call("POST", `/v1/token/${family.a.id}/resume`, { body });
    }
  });

  it("records one event per token it changed, naming the token it started from", async () => {
    const api = await openApiHarness();
    const family = await tree(api);
    await api.call("POST", `/v1/token/${family.a.id}/pause`, { body: { cascade: true } });
    const events = (await api.call("GET", "/v1/audit")).body.data.filter((e: { action: string }) => e.action === "token.pause");
    expect(events.map((e: { target: { id: string }; details: { cascade_from: string } }) => [e.target.id, e.details.cascade_from]).sort()).toEqual(
      [
        [family.a.id, family.a.id],
        [family.a1.id, family.a.id],
      ].sort(),
    );
  });

  it("without cascade pauses the token alone (its descendants are refused through lineage, not marked)", async () => {
    const api = await openApiHarness();
    const family = await tree(api);
    const res = await api.call("POST", `/v1/token/${family.a.id}/pause`, { body: {} });
    expect(res.body).toMatchObject({ data: { status: "pause" }, changed: 1 });
    expect(await stateOf(api, family.a1)).toBe("unpause");
    expect((await api.call("POST", "/v1/verify", { token: null, body: { token: family.a1.secret, method: "POST", area: "email" } })).body.code).toBe("token_parent_inactive");
  });

  it.each([
    ["a string", { cascade: "yes" }],
    ["an unknown field", { cascade: true, force: true }],
  ])("answers 422 and changes nothing for %s", async (_label, body) => {
    const api = await openApiHarness();
    const family = await tree(api);
    const res = await api.call("POST", `/v1/token/${family.top.id}/pause`, { body });
    expect(res.status).toBe(422);
    expect(await stateOf(api, family.top)).toBe("unpause");
  });

  it("run by a token, leaves alone a token below it that holds more than the caller (a row from before the ceiling)", async () => {
    const api = await openApiHarness();
    const family = await tree(api);
    await api.call("POST", `/v1/token/${family.top.id}/pause`, { body: { cascade: true } });
    await api.latchkey.store.db.updateTable("tokens").set({ has_full: 1, scopes: "[]" }).where("id", "=", family.a1.id).execute();
    const res = await api.call("POST", `/v1/token/${family.a.id}/resume`, { token: family.top.secret, body: { cascade: true } });
    expect([res.status, res.body.code]).toEqual([401, "token_paused"]); // top is paused itself: refused before anything
    await api.call("POST", `/v1/token/${family.top.id}/resume`);
    const resumed = await api.call("POST", `/v1/token/${family.a.id}/resume`, { token: family.top.secret, body: { cascade: true } });
    expect(resumed.body.changed).toBe(1);
    expect(await stateOf(api, family.a1)).toBe("pause");
  });

  it("answers 404 for an unknown token and for one outside the caller's subtree", async () => {
    const api = await openApiHarness();
    const family = await tree(api);
    expect((await api.call("POST", "/v1/token/tok_nope/pause", { body: { cascade: true } })).status).toBe(404);
    expect((await api.call("POST", `/v1/token/${family.b.id}/pause`, { token: family.a.secret, body: { cascade: true } })).status).toBe(404);
    expect(await stateOf(api, family.b)).toBe("unpause");
  });
});

describe("GET /v1/token/{id}/family", () => {
  it("counts the tokens a token made directly and in all", async () => {
    const api = await openApiHarness();
    const family = await tree(api);
    const res = await api.call("GET", `/v1/token/${family.top.id}/family`);
    expect(res.body.data).toEqual({ created_by: `token:${api.root.id}`, parent_id: api.root.id, children: 2, descendants: 3 });
    expect((await api.call("GET", `/v1/token/${family.b.id}/family`)).body.data).toMatchObject({ children: 0, descendants: 0 });
  });
});

describe("the OpenAPI description", () => {
  it("gives the new routes an operationId, a summary, tags and their 4xx answers", async () => {
    const api = await openApiHarness();
    const paths = (await api.call("GET", "/openapi.json")).body.paths;
    for (const [path, method, operationId] of [
      ["/v1/token/{id}/pause", "post", "pauseToken"],
      ["/v1/token/{id}/resume", "post", "resumeToken"],
      ["/v1/token/{id}/family", "get", "showTokenFamily"],
    ] as const) {
      const operation = paths[path][method];
      expect(operation.operationId).toBe(operationId);
      expect(operation.summary).toBeTruthy();
      expect(operation.tags).toEqual(["tokens"]);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(["200", "401", "403", "404", "422"]));
    }
  });
});
