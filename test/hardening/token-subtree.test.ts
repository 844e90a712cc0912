/**
 * Who may manage what, and what a token sees (issue 10, docs/security.md "Lineage" and "Visibility"):
 * a token lists, shows, renames, pauses, resumes and deletes only tokens of its own subtree; a
 * domain-scoped token sees exactly the tokens within its domains, its domains and the events about
 * them; events about people need users_read, and no event shows a person's address without it.
 */
import { describe, expect, it } from "vitest";
import { openApiHarness, type ApiHarness, type MintedToken } from "../helpers/api-harness.js";
import { openSessionHarness } from "../helpers/session-harness.js";

async function make(api: ApiHarness, by: MintedToken, name: string, body: Record<string, unknown> = {}): Promise<MintedToken> {
  const res = await api.call("POST", "/v1/token", { token: by.secret, body: { name, scopes: ["tokens_full", "email_full"], ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.data.id, secret: res.body.data.accessToken };
}

/** parent -> (a -> a1), (b -> b1): two sibling subtrees under one parent. */
async function tree(api: ApiHarness) {
  const parent = await api.mint({ name: "parent", scopes: ["tokens_full", "email_full"] });
  const a = await make(api, parent, "a");
  const a1 = await make(api, a, "a1");
  const b = await make(api, parent, "b");
  const b1 = await make(api, b, "b1");
  return { parent, a, a1, b, b1 };
}

describe("a token manages only its own subtree", () => {
  it("cannot resume, rename, pause or delete its parent or a sibling's subtree (404, as if absent)", async () => {
    const api = await openApiHarness();
    const { parent, a, b, b1 } = await tree(api);
    expect((await api.call("PUT", `/v1/token/${parent.id}/settings`, { body: { status: "pause" } })).status).toBe(200);
    const cases: [string, string, string, unknown][] = [];
    for (const target of [parent, b, b1]) {
      cases.push(
        ["resume", "PUT", `/v1/token/${target.id}/settings`, { status: "unpause" }],
        ["resume (POST)", "POST", `/v1/token/${target.id}/resume`, { cascade: true }],
        ["rename", "PUT", `/v1/token/${target.id}`, { name: "taken over" }],
        ["pause", "POST", `/v1/token/${target.id}/pause`, { cascade: true }],
        ["show", "GET", `/v1/token/${target.id}`, undefined],
        ["delete", "DELETE", `/v1/token/${target.id}`, undefined],
      );
    }
    // The parent is paused, so `a` is refused outright; resume the parent to see the subtree rule itself.
    expect((await api.call("GET", `/v1/token/${b.id}`, { token: a.secret })).body.code).toBe("token_parent_inactive");
    expect((await api.call("PUT", `/v1/token/${parent.id}/settings`, { body: { status: "unpause" } })).status).toBe(200);
    const answers = [];
    for (const [label, method, url, body] of cases) {
      const res = await api.call(method, url, { token: a.secret, ...(body === undefined ? {} : { body }) });
      answers.push([label, url.split("/")[3], res.status, res.body?.code]);
    }
    expect(answers.filter(([, , status]) => status !== 404)).toEqual([]);
    const after = await api.call("GET", `/v1/token/${b.id}`);
    expect(after.body.data).toMatchObject({ name: "b", status: "unpause" });
  });

  it("manages itself and its descendants", async () => {
    const api = await openApiHarness();
    const { a, a1 } = await tree(api);
    expect((await api.call("PUT", `/v1/token/${a1.id}`, { token: a.secret, body: { name: "renamed" } })).status).toBe(200);
    expect((await api.call("PUT", `/v1/token/${a.id}`, { token: a.secret, body: { name: "me" } })).status).toBe(200);
    const listed = await api.call("GET", "/v1/token", { token: a.secret });
    expect(listed.body.data.map((t: { name: string }) => t.name).sort()).toEqual(["me", "renamed"]);
    expect((await api.call("DELETE", `/v1/token/${a1.id}`, { token: a.secret })).status).toBe(204);
  });

  it("keeps a paused token from resuming itself", async () => {
    const api = await openApiHarness();
    const { a } = await tree(api);
    expect((await api.call("POST", `/v1/token/${a.id}/pause`, { token: a.secret })).status).toBe(200);
    const res = await api.call("POST", `/v1/token/${a.id}/resume`, { token: a.secret });
    expect([res.status, res.body.code]).toEqual([401, "token_paused"]);
  });
});

describe("a domain-scoped manager", () => {
  async function domains(api: ApiHarness) {
    const mine = await api.addDomain("mine.example");
    const other = await api.addDomain("other.example");
    const manager = await api.mint({ name: "manager", scopes: ["tokens_full", "email_full", "domains_read"], domains: [mine] });
    const inside = await make(api, manager, "inside", { domains: [mine] });
    // A token of the other domain, made under the manager's parent: not the manager's to see.
    const outside = await api.mint({ name: "outside", scopes: ["email_full"], domains: [other] });
    return { mine, other, manager, inside, outside };
  }

  it("sees exactly the tokens within its domains, its domains and the events about them", async () => {
    const api = await openApiHarness();
    const { mine, other, manager, inside, outside } = await domains(api);
    // Legacy rows: a token of the manager's subtree widened to all domains behind the ceiling's back.
    const widened = await make(api, manager, "widened", { domains: [mine] });
    await api.latchkey.store.db.updateTable("tokens").set({ all_domains: 1 }).where("id", "=", widened.id).execute();
    await api.latchkey.store.db.deleteFrom("token_domains").where("token_id", "=", widened.id).execute();
    const tokens = await api.call("GET", "/v1/token", { token: manager.secret });
    expect(tokens.body.data.map((t: { id: string }) => t.id).sort()).toEqual([manager.id, inside.id].sort());
    expect(tokens.body.meta.total).toBe(2);
    const listedDomains = await api.call("GET", "/v1/domains", { token: manager.secret });
    expect(listedDomains.body.data.map((d: { id: string }) => d.id)).toEqual([mine]);
    expect((await api.call("GET", `/v1/domains/${other}`, { token: manager.secret })).status).toBe(404);
    expect((await api.call("GET", `/v1/token/${outside.id}`, { token: manager.secret })).status).toBe(404);
    const events = (await api.call("GET", "/v1/audit?limit=100", { token: manager.secret })).body.data as { target: { type: string; id: string } }[];
    const targets = new Set(events.map((e) => `${e.target.type}:${e.target.id}`));
    expect([...targets].sort()).toEqual([`domain:${mine}`, `token:${manager.id}`, `token:${inside.id}`].sort());
  });
});

describe("events about people", () => {
  it("need users_read; without it no event shows a person's e-mail or address", async () => {
    const h = await openSessionHarness();
    await h.createUser("owner@example.com", "correct horse battery");
    const { cookie, csrf } = await h.signIn("owner@example.com", "correct horse battery");
    expect((await h.call("POST", "/v1/session", { body: { email: "owner@example.com", password: "wrong password!" } })).status).toBe(401);
    // Made by the signed-in owner (roots of their own): one with users_read, one without.
    const create = async (name: string, scopes: string[]): Promise<string> => {
      const res = await h.call("POST", "/v1/token", { cookie, csrf, body: { name, scopes } });
      expect(res.status).toBe(201);
      return res.body.data.accessToken as string;
    };
    const seeing = await create("with users", ["tokens_full", "users_read"]);
    const blind = await create("without", ["tokens_full"]);
    type Event = { action: string; target: { type: string }; actor: { type: string }; ip: string | null };
    const read = async (secret: string): Promise<Event[]> => (await h.call("GET", "/v1/audit?limit=100", { bearer: secret })).body.data;
    const unseen = await read(blind);
    expect(unseen.length).toBeGreaterThan(0); // its own creation, at least
    expect(JSON.stringify(unseen)).not.toContain("@");
    expect(unseen.filter((e) => e.ip !== null)).toEqual([]); // the owner made it: the owner's address is a person's
    expect(unseen.filter((e) => e.target.type === "user")).toEqual([]);
    const seen = await read(seeing);
    expect(seen.some((e) => e.target.type === "user")).toBe(true);
    expect(JSON.stringify(seen)).toContain("owner@example.com");
    expect(seen.some((e) => e.actor.type === "user" && e.ip !== null)).toBe(true);
  });
});

describe("a token made by a user", () => {
  it("is a root of its own, and keeps working and keeps created_by once the user is removed", async () => {
    const h = await openSessionHarness();
    await h.createUser("maker@example.com", "correct horse battery");
    const { cookie, csrf } = await h.signIn("maker@example.com", "correct horse battery");
    const res = await h.call("POST", "/v1/token", { cookie, csrf, body: { name: "made by a person", scopes: ["tokens_full", "email_full"] } });
    expect(res.status).toBe(201);
    const { id, accessToken } = res.body.data as { id: string; accessToken: string };
    const user = await h.latchkey.store.findUserByEmail("maker@example.com");
    // Remove the user as a removal would (issue 16 owns the route): the row and its sessions go.
    await h.latchkey.store.db.deleteFrom("sessions").where("user_id", "=", user?.id ?? "").execute();
    await h.latchkey.store.db.deleteFrom("users").where("id", "=", user?.id ?? "").execute();
    h.latchkey.verifier.invalidateAll();
    expect((await h.latchkey.verify({ token: accessToken, method: "POST", area: "email" })).code).toBe("ok");
    const family = await h.call("GET", `/v1/token/${id}/family`, { bearer: accessToken });
    expect(family.body.data).toEqual({ created_by: `user:${user?.id}`, parent_id: null, children: 0, descendants: 0 });
  });
});
