/**
 * The outbox is derived from audit actions: any change recorded with `recordAuditEvent` inside its
 * transaction yields its event (rotation, built elsewhere, included), and a rolled-back change yields
 * none.
 */
import { describe, expect, it, onTestFinished } from "vitest";
import { recordAuditEvent } from "../../src/service/audit-log.js";
import { eventTypeOfAction } from "../../src/service/webhook-outbox.js";
import { openWebhookHarness } from "../helpers/webhook-harness.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";

describe("outbox", () => {
  it("maps audit actions to event types", () => {
    const cases: [string, string | null][] = [
      ["token.create", "token.created"],
      ["token.rename", "token.renamed"],
      ["token.pause", "token.paused"],
      ["token.unpause", "token.resumed"],
      ["token.delete", "token.deleted"],
      ["token.rotate", "token.rotated"],
      ["token.rotate_complete", "token.rotated"],
      ["token.expiring", "token.expiring"],
      ["token.expire", "token.expired"],
      ["token.leak", "token.leaked"],
      ["token.canary_use", "canary.used"],
      ["domain.create", null],
      ["user.create", null],
      ["webhook.disable", null],
    ];
    for (const [action, type] of cases) expect([action, eventTypeOfAction(action)]).toEqual([action, type]);
  });

  it("delivers an audited action of another use case (a rotation) in its transaction, and nothing for a rolled-back one", async () => {
    const h = await openWebhookHarness();
    const r = await startWebhookReceiver();
    onTestFinished(() => r.close());
    await h.call("POST", "/v1/webhooks", { name: "rot", url: r.url, events: ["token.rotated"] });
    const { id } = (await h.call("POST", "/v1/token", { name: "rotating", has_full: true })).body.data;
    const actor = { principal: await h.latchkey.operator("default"), ip: null };
    await expect(
      h.latchkey.store.transaction(async (tx) => {
        await recordAuditEvent(tx, h.latchkey.ids, h.latchkey.clock, actor, { action: "token.rotate", targetType: "token", targetId: id, details: { name: "rotating", attempt: "rolled back" } });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    await h.latchkey.store.transaction(async (tx) => {
      await recordAuditEvent(tx, h.latchkey.ids, h.latchkey.clock, actor, { action: "token.rotate", targetType: "token", targetId: id, details: { name: "rotating", grace_seconds: 60 } });
    });
    const [event] = await r.waitFor((a) => a.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(r.accepted()).toHaveLength(1);
    expect(event?.json).toMatchObject({ type: "token.rotated", data: { token: { id }, details: { grace_seconds: 60 } } });
  });
});
