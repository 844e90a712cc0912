/**
 * A cascading pause and a token created in the subtree meanwhile (break-test finding F10): whatever the
 * order, no token below a cascade-paused top is left unpaused. A create whose creator was paused (or an
 * ancestor of it) by the time it writes is refused, even when the creator was authenticated before
 * the pause; many creates racing one cascade either are refused or end up paused. SQLite and
 * (postgres project) PostgreSQL, where the race is real (one connection each).
 */
import { describe, expect, it } from "vitest";
import { ServiceError } from "../../src/service/service-error.js";
import { openApiHarness, type ApiHarness, type MintedToken } from "../helpers/api-harness.js";
import { rememberSecret } from "../helpers/trace-log.js";

async function make(api: ApiHarness, by: MintedToken, name: string): Promise<MintedToken> {
  const res = await api.call("POST", "/v1/token", { token: by.secret, body: { name, scopes: ["tokens_full", "email_full"] } });
  expect(res.status).toBe(201);
  rememberSecret(res.body.data.accessToken);
  return { id: res.body.data.id, secret: res.body.data.accessToken };
}

/** Every token of the account below (and with) `top`, with its state, from the database. */
async function subtreeStates(api: ApiHarness, topId: string): Promise<Map<string, number>> {
  const rows = await api.latchkey.store.query.selectFrom("tokens").select(["id", "parent_id", "paused"]).execute();
  const states = new Map<string, number>();
  let grew = true;
  states.set(topId, Number(rows.find((r) => r.id === topId)?.paused));
  while (grew) {
    grew = false;
    for (const r of rows)
      if (r.parent_id !== null && r.parent_id !== undefined && states.has(r.parent_id) && !states.has(r.id)) {
        states.set(r.id, Number(r.paused));
        grew = true;
      }
  }
  return states;
}

describe("a cascading pause and creates in its subtree", () => {
  it("refuses a create by a creator paused since it was authenticated", async () => {
    const api = await openApiHarness();
    const top = await api.mint({ name: "top", scopes: ["tokens_full", "email_full"] });
    const child = await make(api, top, "child");
    const stale = await api.latchkey.authenticate(child.secret);
    expect((await api.call("POST", `/v1/token/${top.id}/pause`, { body: { cascade: true } })).status).toBe(200);
    const late = api.latchkey.tokens.create({ principal: stale, ip: null }, { name: "late", scopes: ["email_full"] });
    await expect(late).rejects.toBeInstanceOf(ServiceError);
    await expect(late).rejects.toMatchObject({ code: "token_paused" });
    expect([...(await subtreeStates(api, top.id)).values()]).toEqual([1, 1]);
  });

  it("refuses a create under a paused ancestor (token_parent_inactive)", async () => {
    const api = await openApiHarness();
    const top = await api.mint({ name: "top", scopes: ["tokens_full", "email_full"] });
    const child = await make(api, top, "child");
    const stale = await api.latchkey.authenticate(child.secret);
    expect((await api.call("POST", `/v1/token/${top.id}/pause`)).status).toBe(200);
    await expect(api.latchkey.tokens.create({ principal: stale, ip: null }, { name: "late", scopes: ["email_full"] })).rejects.toMatchObject({
      code: "token_parent_inactive",
    });
  });

  it("leaves no token of the subtree unpaused when creates race the cascade", async () => {
    const api = await openApiHarness();
    for (let round = 0; round < 5; round++) {
      const top = await api.mint({ name: `top ${round}`, scopes: ["tokens_full", "email_full"] });
      const child = await make(api, top, "child");
      const principal = await api.latchkey.authenticate(child.secret);
      const creates = Array.from({ length: 12 }, (_, i) =>
        api.latchkey.tokens.create({ principal, ip: null }, { name: `racer ${i}`, scopes: ["email_full"] }).then(
          (made) => {
            rememberSecret(made.secret);
            return "made";
          },
          (error: unknown) => (error instanceof ServiceError ? error.code : Promise.reject(error)),
        ),
      );
      const cascade = api.latchkey.cascade.pause({ principal: await api.latchkey.operator("default"), ip: null }, top.id);
      const outcomes = await Promise.all(creates);
      await cascade;
      for (const outcome of outcomes) expect(["made", "token_paused"]).toContain(outcome);
      const states = await subtreeStates(api, top.id);
      expect(states.size).toBe(2 + outcomes.filter((o) => o === "made").length);
      expect([...states].filter(([, paused]) => paused !== 1)).toEqual([]);
    }
  });
});
