/**
 * An endpoint whose every delivery has failed for three days is disabled: audited (webhook.disable),
 * its owners mailed, its delivery given up; enabling it again resumes deliveries. On a fixed clock.
 */
import { expect, it, onTestFinished } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { createMailer } from "../../src/service/mailer.js";
import { startSmtpSink } from "../helpers/smtp-sink.js";
import { openWebhookHarness } from "../helpers/webhook-harness.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";

const DAY = 24 * 60 * 60 * 1000;

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = performance.now() + 5000;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`not within 5 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it("disables an endpoint failing for three days, tells its owners, and resumes when enabled again", async () => {
  const clock = manualClock(Date.parse("2026-03-01T12:00:00.000Z"));
  const smtp = await startSmtpSink();
  onTestFinished(() => smtp.close());
  const h = await openWebhookHarness({ clock, events: { mailer: createMailer({ smtpUrl: smtp.url, from: "latchkey <noreply@example.com>" }) } });
  await h.latchkey.users.create({ email: "owner@example.com", password: "a long enough passphrase", accountId: (await h.latchkey.accounts.find("default")).id });
  const r = await startWebhookReceiver();
  onTestFinished(() => r.close());
  r.answerWith(500);
  const hook = (await h.call("POST", "/v1/webhooks", { name: "flaky", url: r.url, events: ["token.created"] })).body.data;
  await h.call("POST", "/v1/token", { name: "one", has_full: true });
  await until(async () => (await h.call("GET", `/v1/webhooks/${hook.id}`)).body.data.failing_since !== null, "first failure");
  expect((await h.call("GET", `/v1/webhooks/${hook.id}`)).body.data).toMatchObject({ enabled: true, failing_since: "2026-03-01T12:00:00.000Z" });

  clock.advance(2 * DAY); // still within three days: retried, not disabled
  await until(async () => r.received.length >= 2, "second attempt");
  expect((await h.call("GET", `/v1/webhooks/${hook.id}`)).body.data.enabled).toBe(true);

  clock.advance(DAY + 60_000);
  await until(async () => (await h.call("GET", `/v1/webhooks/${hook.id}`)).body.data.enabled === false, "disabled");
  expect((await h.call("GET", `/v1/webhooks/${hook.id}`)).body.data).toMatchObject({ enabled: false, disabled_reason: "failing" });
  expect((await h.call("GET", `/v1/webhooks/${hook.id}/deliveries`)).body.data[0]).toMatchObject({ status: "failed", response_status: 500, response: "receiver is down" });
  const audit = (await h.latchkey.auditEvents({ principal: await h.latchkey.operator("default"), ip: null }, { page: 1, limit: 100 })).events.find((e: any) => e.action === "webhook.disable");
  expect(audit).toMatchObject({ actor: { type: "system" }, target: { type: "webhook", id: hook.id }, details: { reason: "failing" } });
  const [mail] = await smtp.waitFor(1);
  expect(mail?.subject).toBe('Webhook endpoint "flaky" was disabled');
  expect(mail?.to).toEqual(["owner@example.com"]);

  const attempts = r.received.length;
  await h.call("POST", "/v1/token", { name: "two", has_full: true });
  await new Promise((resolve) => setTimeout(resolve, 150));
  expect(r.received).toHaveLength(attempts); // nothing for a disabled endpoint

  r.answerWith(200);
  const enabled = await h.call("PUT", `/v1/webhooks/${hook.id}`, { enabled: true });
  expect(enabled.body.data).toMatchObject({ enabled: true, disabled_reason: null, failing_since: null });
  await h.call("POST", "/v1/token", { name: "three", has_full: true });
  const [delivered] = await r.waitFor((a) => a.length >= 1);
  expect(delivered?.json.data.token.name).toBe("three");
});
