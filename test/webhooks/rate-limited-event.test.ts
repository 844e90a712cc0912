/**
 * `token.rate_limited`: the first refusal of a token by one of its rate windows in that window's period
 * emits one signed event, at most one per token, window and period, even with two instances (each
 * counting its windows alone, without Redis) refusing the same token in the same period; the next
 * period's first refusal emits the next one.
 */
import { Webhook } from "standardwebhooks";
import { describe, expect, it, onTestFinished } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { rememberSecret } from "../helpers/trace-log.js";
import { openWebhookHarness } from "../helpers/webhook-harness.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("token.rate_limited", () => {
  it("is sent once per token, window and period across two instances, signed, and again in the next period", async () => {
    const clock = manualClock(Date.parse("2026-12-06T10:00:00.000Z"));
    const first = await openWebhookHarness({ postgres: true, clock });
    const second = await openWebhookHarness({ databaseUrl: first.databaseUrl, clock, worker: false });
    const r = await startWebhookReceiver();
    onTestFinished(() => r.close());
    const hook = (await first.call("POST", "/v1/webhooks", { name: "limits", url: r.url, events: ["token.rate_limited"] })).body.data;
    const created = await first.call("POST", "/v1/token", {
      name: "reporting job",
      scopes: ["email_full"],
      rate_limits: [
        { name: "minute", limit: 2, window_seconds: 60 },
        { name: "day", limit: 1000, window_seconds: 86_400 },
      ],
    });
    expect(created.status).toBe(201);
    const secret: string = created.body.data.accessToken;
    rememberSecret(secret);
    const verify = async (h: typeof first) => (await h.call("POST", "/v1/verify", { token: secret, method: "POST", area: "email" }, null)).body;

    const answers = [];
    for (const h of [first, second]) for (let i = 0; i < 4; i++) answers.push(await verify(h));
    expect(answers.map((a) => [a.allowed, a.code ?? "ok"])).toEqual([
      [true, "ok"],
      [true, "ok"],
      [false, "rate_limited"],
      [false, "rate_limited"],
      [true, "ok"],
      [true, "ok"],
      [false, "rate_limited"],
      [false, "rate_limited"],
    ]);
    await r.waitFor((a) => a.length >= 1);
    await pause(400);
    expect(r.accepted()).toHaveLength(1);
    const event = r.accepted()[0]!;
    new Webhook(hook.signing_secret).verify(event.body, event.headers);
    expect(event.json).toMatchObject({
      type: "token.rate_limited",
      data: { token: { id: created.body.data.id, name: "reporting job" }, details: { window: "minute", limit: 2, window_seconds: 60, window_ends_at: "2026-12-06T10:01:00.000Z" } },
    });

    clock.advance(61_000);
    const next = [];
    for (let i = 0; i < 3; i++) next.push((await verify(first)).allowed);
    expect(next).toEqual([true, true, false]);
    await r.waitFor((a) => a.length >= 2);
    await pause(400);
    expect(r.accepted().map((w) => w.json.data.details.window_ends_at)).toEqual(["2026-12-06T10:01:00.000Z", "2026-12-06T10:02:00.000Z"]);
    const { events } = await first.latchkey.auditEvents({ principal: await first.latchkey.operator("default"), ip: null }, { page: 1, limit: 100 });
    expect(events.filter((e) => e.action === "token.rate_limit")).toHaveLength(2);
  });
});
