/**
 * Two instances on one PostgreSQL database, each running a delivery worker: every event is delivered
 * exactly once (row leases taken with FOR UPDATE SKIP LOCKED), still in order per token.
 */
import { describe, expect, it, onTestFinished } from "vitest";
import { openWebhookHarness } from "../helpers/webhook-harness.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";

describe("two instances (PostgreSQL)", () => {
  it("deliver each event once, in order per token", async () => {
    const first = await openWebhookHarness({ postgres: true, worker: { pollMillis: 5, batchSize: 3 } });
    const second = await openWebhookHarness({ databaseUrl: first.databaseUrl, worker: { pollMillis: 5, batchSize: 3 } });
    const r = await startWebhookReceiver();
    onTestFinished(() => r.close());
    expect((await first.call("POST", "/v1/webhooks", { name: "both", url: r.url, events: ["token.created", "token.paused", "token.deleted"] })).status).toBe(201);
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        // One admin token for both instances: a token manages only the tokens it made.
        const admin = first.rootSecret;
        const h = i % 2 === 0 ? first : second;
        const { id } = (await h.call("POST", "/v1/token", { name: `t${i}`, has_full: true }, admin)).body.data;
        ids.push(id);
        expect((await h.call("PUT", `/v1/token/${id}/settings`, { status: "pause" }, admin)).status).toBe(200);
        expect((await (i % 3 === 0 ? first : second).call("DELETE", `/v1/token/${id}`, undefined, admin)).status).toBe(204);
      }),
    );
    await r.waitFor((a) => a.length >= 90, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const accepted = r.accepted();
    const eventIds = accepted.map((w) => w.headers["webhook-id"]);
    expect(accepted).toHaveLength(90);
    expect(new Set(eventIds).size).toBe(90);
    // Both took part (each event still once).
    expect(first.latchkey.webhookWorker?.attemptsMade).toBeGreaterThan(0);
    expect(second.latchkey.webhookWorker?.attemptsMade).toBeGreaterThan(0);
    expect((first.latchkey.webhookWorker?.attemptsMade ?? 0) + (second.latchkey.webhookWorker?.attemptsMade ?? 0)).toBe(90);
    for (const id of ids) expect(accepted.filter((w) => w.json.data.token.id === id).map((w) => w.json.type)).toEqual(["token.created", "token.paused", "token.deleted"]);
  });
});
