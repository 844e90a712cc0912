/**
 * Expiry reminders on a fixed clock: token.expiring fires once per threshold (7 days and 1 day
 * before, or as configured), by webhook and by mail to the owners at a real SMTP server; token.expired
 * fires once when the expiry has passed.
 */
import { Webhook } from "standardwebhooks";
import { describe, expect, it, onTestFinished } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { createMailer } from "../../src/service/mailer.js";
import { runExpiryReminders } from "../../src/service/webhook-reminders.js";
import { expectNoSecret } from "../helpers/api-harness.js";
import { startSmtpSink } from "../helpers/smtp-sink.js";
import { openWebhookHarness } from "../helpers/webhook-harness.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

async function setup(reminderDays?: number[]) {
  const clock = manualClock(Date.parse("2026-06-01T00:00:00.000Z"));
  const smtp = await startSmtpSink();
  onTestFinished(() => smtp.close());
  const h = await openWebhookHarness({
    clock,
    events: { mailer: createMailer({ smtpUrl: smtp.url, from: "latchkey <noreply@example.com>" }) },
    worker: { reminderIntervalMillis: 0, ...(reminderDays ? { reminderDays } : {}) },
  });
  await h.latchkey.users.create({ email: "owner@example.com", password: "a long enough passphrase", accountId: (await h.latchkey.accounts.find("default")).id });
  const r = await startWebhookReceiver();
  onTestFinished(() => r.close());
  const hook = (await h.call("POST", "/v1/webhooks", { name: "expiries", url: r.url, events: ["token.expiring", "token.expired"] })).body.data;
  const reminders = () => r.accepted().map((w) => `${w.json.type}:${w.json.data.details.threshold_days ?? "-"}:${w.json.data.token.name}`);
  return { clock, smtp, h, r, hook, reminders };
}

describe("expiry reminders", () => {
  it("fire once per threshold, by webhook and by mail, then token.expired once", async () => {
    const { clock, smtp, h, r, hook, reminders } = await setup();
    const created = (await h.call("POST", "/v1/token", { name: "nightly export", has_full: true, expires_at: "2026-06-11T00:00:00Z" })).body.data;
    await settle();
    expect(reminders()).toEqual([]);
    clock.advance(2 * DAY); // 8 days left
    await settle();
    expect(reminders()).toEqual([]);
    clock.advance(DAY + 12 * HOUR); // 6.5 days left
    await r.waitFor((a) => a.length >= 1);
    await settle();
    expect(reminders()).toEqual(["token.expiring:7:nightly export"]);
    clock.advance(5 * DAY); // 1.5 days left
    await settle();
    expect(reminders()).toEqual(["token.expiring:7:nightly export"]);
    clock.advance(DAY); // 12 hours left
    await r.waitFor((a) => a.length >= 2);
    clock.advance(DAY); // expired
    await r.waitFor((a) => a.length >= 3);
    await settle();
    expect(reminders()).toEqual(["token.expiring:7:nightly export", "token.expiring:1:nightly export", "token.expired:-:nightly export"]);
    for (const w of r.accepted()) new Webhook(hook.signing_secret).verify(w.body, w.headers);

    const mails = await smtp.waitFor(2);
    await settle();
    expect(mails.map((m) => m.subject)).toEqual(['API token "nightly export" expires within 7 days', 'API token "nightly export" expires within a day']);
    for (const mail of mails) {
      expect(mail.to).toEqual(["owner@example.com"]);
      expect(mail.raw).toContain(created.preview);
      expect(mail.raw).toContain("text/plain");
      expect(mail.raw).toContain("text/html");
      expectNoSecret(mail.raw, created.accessToken);
    }
  });

  it("a token first seen inside both thresholds gets only the nearest reminder", async () => {
    const { clock, h, r, reminders } = await setup();
    await h.call("POST", "/v1/token", { name: "short-lived", has_full: true, expires_at: new Date(clock.nowMillis() + 12 * HOUR).toISOString() });
    await r.waitFor((a) => a.length >= 1);
    clock.advance(HOUR);
    await settle();
    expect(reminders()).toEqual(["token.expiring:1:short-lived"]);
  });

  it("reminds every token, however many expire at once (batches make progress)", async () => {
    const clock = manualClock(Date.parse("2026-06-01T00:00:00.000Z"));
    const h = await openWebhookHarness({ clock, worker: false });
    const operator = { principal: await h.latchkey.operator("default"), ip: null };
    for (let i = 0; i < 7; i++) await h.latchkey.tokens.create(operator, { name: `t${i}`, hasFull: true, expiresAt: new Date(clock.nowMillis() + (3 + i) * HOUR).toISOString() });
    const deps = { store: h.latchkey.store, ids: h.latchkey.ids, clock, mailer: null, onError: (e: unknown) => console.warn(e) };
    expect(await runExpiryReminders(deps, [7, 1], 2)).toBe(7);
    expect(await runExpiryReminders(deps, [7, 1], 2)).toBe(0);
    const { events } = await h.latchkey.auditEvents(operator, { page: 1, limit: 100 });
    expect(events.filter((e) => e.action === "token.expiring").map((e) => e.details.threshold_days)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    clock.advance(DAY);
    expect(await runExpiryReminders(deps, [7, 1], 2)).toBe(7); // token.expired, each once
    expect(await runExpiryReminders(deps, [7, 1], 2)).toBe(0);
  });

  it("uses the configured thresholds", async () => {
    const { clock, h, r, reminders } = await setup([3]);
    await h.call("POST", "/v1/token", { name: "custom", has_full: true, expires_at: "2026-06-06T00:00:00Z" });
    await settle();
    expect(reminders()).toEqual([]);
    clock.advance(2 * DAY + HOUR); // under 3 days left
    await r.waitFor((a) => a.length >= 1);
    await settle();
    expect(reminders()).toEqual(["token.expiring:3:custom"]);
  });
});
