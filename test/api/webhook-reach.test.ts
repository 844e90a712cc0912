/**
 * Webhook endpoints made by a token (break-test finding F7; docs/webhooks.md, "Who may"): such an
 * endpoint receives token events only about the tokens in its maker's reach (its subtree), and a
 * token may show, change or delete only endpoints made by itself or by a token of its subtree; the
 * endpoints made by people or the operator are theirs alone.
 */
import { describe, expect, it } from "vitest";
import { openApiHarness, type ApiHarness, type MintedToken } from "../helpers/api-harness.js";

const HOOK = { url: "https://hooks.example.com/latchkey", events: ["token.paused"] };

/** A token with `webhooks_full` and `tokens_full` (all domains) under the root, and one it made. */
async function family(h: ApiHarness): Promise<{ manager: MintedToken; child: MintedToken }> {
  const manager = await h.mint({ scopes: ["webhooks_full", "tokens_full", "domains_read"] });
  const { token, secret } = await h.latchkey.tokens.create(
    { principal: await h.latchkey.authenticate(manager.secret), ip: null },
    { name: "child", scopes: ["webhooks_full", "tokens_full"] },
  );
  return { manager, child: { id: token.id, secret } };
}

async function pausedDeliveries(h: ApiHarness, webhookId: string): Promise<number> {
  const { total } = await h.latchkey.webhooks.deliveries({ principal: await h.latchkey.operator("default"), ip: null }, webhookId, { page: 1, limit: 100 });
  return total;
}

describe("webhook endpoints made by a token (F7)", () => {
  it("receive events only about the tokens in their maker's subtree; the root's endpoint receives all", async () => {
    const h = await openApiHarness();
    const a = await family(h);
    const b = await family(h);
    const mine = await h.call("POST", "/v1/webhooks", { token: a.manager.secret, body: { name: "mine", ...HOOK } });
    const everything = await h.call("POST", "/v1/webhooks", { body: { name: "root's", ...HOOK } });
    expect([mine.status, everything.status]).toEqual([201, 201]);
    for (const id of [b.child.id, b.manager.id]) expect((await h.call("PUT", `/v1/token/${id}/settings`, { body: { status: "pause" } })).status).toBe(200);
    expect(await pausedDeliveries(h, mine.body.data.id)).toBe(0);
    expect(await pausedDeliveries(h, everything.body.data.id)).toBe(2);
    expect((await h.call("PUT", `/v1/token/${a.child.id}/settings`, { body: { status: "pause" } })).status).toBe(200);
    expect(await pausedDeliveries(h, mine.body.data.id)).toBe(1);
    expect(await pausedDeliveries(h, everything.body.data.id)).toBe(3);
  });

  it("may be managed by their maker and the tokens above it, never by another token; a token manages no endpoint of the root's or a sibling's", async () => {
    const h = await openApiHarness();
    const a = await family(h);
    const b = await family(h);
    const byChild = (await h.call("POST", "/v1/webhooks", { token: a.child.secret, body: { name: "child's", ...HOOK } })).body.data.id;
    const byRoot = (await h.call("POST", "/v1/webhooks", { body: { name: "root's", ...HOOK } })).body.data.id;
    const repoint = { url: "https://attacker.example.net/steal" };
    for (const id of [byChild, byRoot]) {
      expect((await h.call("PUT", `/v1/webhooks/${id}`, { token: b.manager.secret, body: repoint })).status).toBe(404);
      expect((await h.call("DELETE", `/v1/webhooks/${id}`, { token: b.manager.secret })).status).toBe(404);
      expect((await h.call("GET", `/v1/webhooks/${id}`, { token: b.manager.secret })).status).toBe(404);
    }
    expect((await h.call("PUT", `/v1/webhooks/${byRoot}`, { token: a.manager.secret, body: repoint })).status).toBe(404);
    expect((await h.call("GET", "/v1/webhooks", { token: b.manager.secret })).body.data).toEqual([]);
    expect((await h.call("GET", "/v1/webhooks", { token: a.manager.secret })).body.data.map((w: { id: string }) => w.id)).toEqual([byChild]);
    expect((await h.call("PUT", `/v1/webhooks/${byChild}`, { token: a.manager.secret, body: { name: "renamed by parent" } })).status).toBe(200);
    expect((await h.call("PUT", `/v1/webhooks/${byChild}`, { token: a.child.secret, body: { name: "renamed by maker" } })).status).toBe(200);
    expect((await h.call("GET", `/v1/webhooks/${byChild}`)).body.data.url).toBe(HOOK.url);
    expect((await h.call("DELETE", `/v1/webhooks/${byChild}`, { token: a.manager.secret })).status).toBe(204);
  });
});
