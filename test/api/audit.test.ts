/** GET /v1/audit: every management action, newest first, with actor, action, target and ip; no secret. */
import { describe, expect, it } from "vitest";
import { expectNoSecret, openApiHarness, type ApiHarness } from "../helpers/api-harness.js";

interface Event {
  id: string;
  action: string;
  actor: { type: string; id: string | null };
  target: { type: string; id: string };
  ip: string | null;
  details: Record<string, unknown>;
  created_at: string;
}

/** Runs every management action once over HTTP; returns the created token and domain with its secret. */
async function manageEverything(h: ApiHarness): Promise<{ tokenId: string; secret: string; domainId: string }> {
  const created = await h.call("POST", "/v1/token", { body: { name: "Audited", scopes: ["email_full"] } });
  const tokenId: string = created.body.data.id;
  expect((await h.call("PUT", `/v1/token/${tokenId}`, { body: { name: "Renamed" } })).status).toBe(200);
  expect((await h.call("PUT", `/v1/token/${tokenId}`, { body: { status: "pause" } })).status).toBe(200);
  expect((await h.call("PUT", `/v1/token/${tokenId}/settings`, { body: { status: "unpause" } })).status).toBe(200);
  expect((await h.call("DELETE", `/v1/token/${tokenId}`)).status).toBe(204);
  const domain = await h.call("POST", "/v1/domains", { body: { name: "audit.example" } });
  const domainId: string = domain.body.data.id;
  expect((await h.call("DELETE", `/v1/domains/${domainId}`)).status).toBe(204);
  return { tokenId, secret: created.body.data.accessToken, domainId };
}

describe("GET /v1/audit", () => {
  it("lists every management action, newest first", async () => {
    const h = await openApiHarness();
    const { tokenId, domainId } = await manageEverything(h);
    const res = await h.call("GET", "/v1/audit");
    expect(res.status).toBe(200);
    const events: Event[] = res.body.data;
    expect(events.slice(0, 7).map((e) => [e.action, e.target.type, e.target.id])).toEqual([
      ["domain.delete", "domain", domainId],
      ["domain.create", "domain", domainId],
      ["token.delete", "token", tokenId],
      ["token.unpause", "token", tokenId],
      ["token.pause", "token", tokenId],
      ["token.rename", "token", tokenId],
      ["token.create", "token", tokenId],
    ]);
  });

  it("names the acting token and the client address on each API action", async () => {
    const h = await openApiHarness();
    await manageEverything(h);
    const events: Event[] = (await h.call("GET", "/v1/audit")).body.data;
    for (const event of events.slice(0, 7)) {
      expect(event.actor).toEqual({ type: "token", id: h.root.id });
      expect(event.ip).toBe("127.0.0.1");
    }
  });

  it("names the operator (cli, no address) for the root token's creation", async () => {
    const h = await openApiHarness();
    const events: Event[] = (await h.call("GET", "/v1/audit")).body.data;
    const created = events.find((e) => e.action === "token.create" && e.target.id === h.root.id);
    expect(created).toMatchObject({ actor: { type: "cli", id: null }, ip: null });
  });

  it("records the old and new name of a rename", async () => {
    const h = await openApiHarness();
    await manageEverything(h);
    const events: Event[] = (await h.call("GET", "/v1/audit")).body.data;
    expect(events.find((e) => e.action === "token.rename")?.details).toEqual({ from: "Audited", to: "Renamed" });
  });

  it("gives each event exactly id, action, actor, target, ip, details and created_at", async () => {
    const h = await openApiHarness();
    await manageEverything(h);
    for (const event of (await h.call("GET", "/v1/audit")).body.data) {
      expect(Object.keys(event).sort()).toEqual(["action", "actor", "created_at", "details", "id", "ip", "target"]);
      expect(event.id).toMatch(/^aev_/);
    }
  });

  it("holds no secret, neither of the created token nor of the caller", async () => {
    const h = await openApiHarness();
    const { secret } = await manageEverything(h);
    const res = await h.call("GET", "/v1/audit?limit=100");
    expectNoSecret(res.text, secret);
    expectNoSecret(res.text, h.root.secret);
  });

  it("records nothing for a refused action", async () => {
    const h = await openApiHarness();
    const before = (await h.call("GET", "/v1/audit")).body.meta.total;
    await h.call("POST", "/v1/token", { body: { name: "", scopes: ["email_full"] } });
    await h.call("DELETE", "/v1/token/tok_01j00000000000000000000000");
    await h.call("POST", "/v1/domains", { body: { name: "not a domain" } });
    const reader = await h.mint({ scopes: ["domains_read"] });
    await h.call("POST", "/v1/domains", { token: reader.secret, body: { name: "x.example" } });
    const after = (await h.call("GET", "/v1/audit")).body.meta.total;
    expect(after).toBe(before + 1); // the mint of `reader` itself
  });

  it("records nothing for a rename to the same name", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ name: "Same", scopes: ["email_full"] });
    const before = (await h.call("GET", "/v1/audit")).body.meta.total;
    expect((await h.call("PUT", `/v1/token/${token.id}`, { body: { name: "Same" } })).status).toBe(200);
    expect((await h.call("GET", "/v1/audit")).body.meta.total).toBe(before);
  });

  it("pages with ?page and ?limit", async () => {
    const h = await openApiHarness();
    await manageEverything(h);
    await manageEverything(h);
    const all: Event[] = (await h.call("GET", "/v1/audit?limit=100")).body.data;
    const second = await h.call("GET", "/v1/audit?page=2&limit=10");
    expect(second.body.data.map((e: Event) => e.id)).toEqual(all.slice(10, 20).map((e) => e.id));
    expect(second.body.meta).toMatchObject({ current_page: 2, per_page: 10, from: 11, total: all.length });
  });

  it("answers 422 naming limit for limit=9", async () => {
    const h = await openApiHarness();
    const res = await h.call("GET", "/v1/audit?limit=9");
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors)).toEqual(["limit"]);
  });
});
