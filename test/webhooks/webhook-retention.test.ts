/**
 * The delivery log's retention (LATCHKEY_WEBHOOK_RETENTION_DAYS, the worker's `retentionDays`):
 * finished deliveries older than the period, and the events no delivery needs any more, are removed
 * by the worker's periodic run; a pending delivery and its event stay whatever their age; recent
 * history stays.
 */
import { describe, expect, it, onTestFinished } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { TEST_WORKER, openWebhookHarness } from "../helpers/webhook-harness.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("webhook history retention", () => {
  it("prunes finished deliveries and unneeded events past the period, keeping pending ones and recent history", async () => {
    const clock = manualClock(Date.parse("2026-12-06T10:00:00.000Z"));
    const h = await openWebhookHarness({ clock, worker: { ...TEST_WORKER, retentionDays: 30, reminderIntervalMillis: 10 } });
    const good = await startWebhookReceiver();
    const down = await startWebhookReceiver();
    onTestFinished(() => Promise.all([good.close(), down.close()]).then(() => undefined));
    down.answerWith(503);
    const a = (await h.call("POST", "/v1/webhooks", { name: "good", url: good.url, events: ["token.created"] })).body.data;
    const b = (await h.call("POST", "/v1/webhooks", { name: "down", url: down.url, events: ["token.created"] })).body.data;
    expect((await h.call("POST", "/v1/token", { name: "old", has_full: true })).status).toBe(201);
    await good.waitFor((got) => got.length >= 1);
    for (let i = 0; i < 200 && down.received.length === 0; i++) await pause(10);
    // The failing endpoint is switched off: its delivery stays pending (it resumes when enabled again).
    expect((await h.call("PUT", `/v1/webhooks/${b.id}`, { enabled: false })).status).toBe(200);
    const deliveries = async (id: string) => (await h.call("GET", `/v1/webhooks/${id}/deliveries`)).body.data as { status: string; event_type: string }[];
    expect((await deliveries(a.id)).map((d) => d.status)).toEqual(["succeeded"]);
    expect((await deliveries(b.id)).map((d) => d.status)).toEqual(["pending"]);

    clock.advance(29 * 86_400_000);
    await pause(200);
    expect(await deliveries(a.id)).toHaveLength(1);

    clock.advance(2 * 86_400_000);
    expect((await h.call("POST", "/v1/token", { name: "new", has_full: true })).status).toBe(201);
    await good.waitFor((got) => got.length >= 2);
    await pause(300);
    expect((await deliveries(a.id)).map((d) => d.status)).toEqual(["succeeded"]);
    // A disabled endpoint gets no new deliveries; its old pending one stays, and so does its event.
    expect((await deliveries(b.id)).map((d) => d.status)).toEqual(["pending"]);
    down.answerWith(200);
    expect((await h.call("PUT", `/v1/webhooks/${b.id}`, { enabled: true })).status).toBe(200);
    const got = await down.waitFor((d) => d.length >= 1, 15_000);
    expect(got.map((w) => w.json.data.token.name)).toEqual(["old"]);
  });
});
