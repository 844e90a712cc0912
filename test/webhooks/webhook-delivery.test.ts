/**
 * Webhook deliveries against a real HTTP receiver: every lifecycle event arrives signed per Standard
 * Webhooks and verifies with the `standardwebhooks` package; a receiver that fails and recovers gets
 * every event, in order per token, after back-off; redirects are not followed; the delivery log and
 * redelivery.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { describe, expect, it, onTestFinished } from "vitest";
import { openWebhookHarness, type WebhookHarness } from "../helpers/webhook-harness.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";
import { expectNoSecret } from "../helpers/api-harness.js";
import { DEFAULT_BACKOFF, retryDelayMillis } from "../../src/service/webhook-worker.js";

const ALL_TOKEN_EVENTS = ["token.created", "token.renamed", "token.paused", "token.resumed", "token.deleted", "canary.used"];

async function receiver(): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver();
  onTestFinished(() => r.close());
  return r;
}

async function subscribe(h: WebhookHarness, url: string, events: string[] = ALL_TOKEN_EVENTS): Promise<{ id: string; secret: string }> {
  const res = await h.call("POST", "/v1/webhooks", { name: "receiver", url, events });
  expect(res.status).toBe(201);
  return { id: res.body.data.id, secret: res.body.data.signing_secret };
}

describe("webhook deliveries", () => {
  it("delivers each token event signed, verifiable with standardwebhooks, without any secret in the body", async () => {
    const h = await openWebhookHarness();
    const r = await receiver();
    const hook = await subscribe(h, r.url);
    const created = await h.call("POST", "/v1/token", { name: "deploy", scopes: ["email_full"] });
    const { id, accessToken } = created.body.data;
    expect((await h.call("PUT", `/v1/token/${id}`, { name: "deploy bot" })).status).toBe(200);
    expect((await h.call("PUT", `/v1/token/${id}/settings`, { status: "pause" })).status).toBe(200);
    expect((await h.call("PUT", `/v1/token/${id}/settings`, { status: "unpause" })).status).toBe(200);
    expect((await h.call("DELETE", `/v1/token/${id}`)).status).toBe(204);
    const got = await r.waitFor((a) => a.length >= 5);
    expect(got.map((w) => w.json.type)).toEqual(["token.created", "token.renamed", "token.paused", "token.resumed", "token.deleted"]);
    const verifier = new Webhook(hook.secret);
    for (const w of got) {
      expect(w.headers["webhook-id"]).toMatch(/^msg_/);
      expect(w.headers["content-type"]).toBe("application/json");
      const payload = verifier.verify(w.body, w.headers) as { type: string; data: { token: { id: string } } };
      expect(payload.data.token.id).toBe(id);
      expectNoSecret(w.body, accessToken);
      expectNoSecret(w.body, h.rootSecret);
      expect(w.body).not.toContain(hook.secret.slice(6));
    }
    expect(got[1]?.json.data.details).toEqual({ from: "deploy", to: "deploy bot" });
    expect(got[0]?.json.data.token.preview).toMatch(/^lk_1/);
    // A signature made with another secret does not verify.
    expect(() => new Webhook(`whsec_${Buffer.alloc(24, 1).toString("base64")}`).verify(got[0]?.body ?? "", got[0]?.headers ?? {})).toThrow();
  });

  it("delivers only the events an endpoint subscribed to", async () => {
    const h = await openWebhookHarness();
    const r = await receiver();
    await subscribe(h, r.url, ["token.paused"]);
    const { id } = (await h.call("POST", "/v1/token", { name: "t", has_full: true })).body.data;
    await h.call("PUT", `/v1/token/${id}/settings`, { status: "pause" });
    await h.call("DELETE", `/v1/token/${id}`);
    await r.waitFor((a) => a.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(r.accepted().map((w) => w.json.type)).toEqual(["token.paused"]);
  });

  it("a receiver that fails and recovers gets every event exactly once, in order per token, after back-off", async () => {
    const h = await openWebhookHarness();
    const r = await receiver();
    r.answerWith(503);
    await subscribe(h, r.url);
    const ids: string[] = [];
    for (const name of ["a", "b", "c"]) ids.push((await h.call("POST", "/v1/token", { name, has_full: true })).body.data.id);
    for (const id of ids) {
      await h.call("PUT", `/v1/token/${id}`, { name: `${id.slice(-4)} renamed` });
      await h.call("PUT", `/v1/token/${id}/settings`, { status: "pause" });
      await h.call("PUT", `/v1/token/${id}/settings`, { status: "unpause" });
    }
    // Let it fail a few times, with growing gaps.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const failures = r.received.filter((w) => w.answered === 503);
    expect(failures.length).toBeGreaterThan(3);
    r.answerWith(200);
    const got = await r.waitFor((a) => a.length >= 12);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(r.accepted()).toHaveLength(12); // each event once
    for (const id of ids) {
      expect(r.accepted().filter((w) => w.json.data.token.id === id).map((w) => w.json.type)).toEqual(["token.created", "token.renamed", "token.paused", "token.resumed"]);
    }
    expect(new Set(got.map((w) => w.headers["webhook-id"])).size).toBe(12);
    // Back-off: in the 500 ms of failure each head event was tried a few times (delays of at least
    // 30, 60, 120, 240 ms), not every 20 ms poll.
    for (const w of got.filter((x) => x.json.type === "token.created")) {
      const tries = failures.filter((f) => f.headers["webhook-id"] === w.headers["webhook-id"]).length;
      expect(tries).toBeGreaterThanOrEqual(2);
      expect(tries).toBeLessThanOrEqual(6);
    }
  });

  it("spaces retries exponentially with equal jitter, capped", () => {
    const backoff = { baseMillis: 10_000, maxMillis: 6 * 60 * 60 * 1000 };
    expect([1, 2, 3, 4].map((n) => retryDelayMillis(n, backoff, 0))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMillis(n, backoff, 0.999999))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(retryDelayMillis(30, backoff, 0.5)).toBe(0.75 * backoff.maxMillis);
    // About three days of attempts with production's schedule, at the least jitter.
    let total = 0;
    let attempts = 0;
    while (total < 3 * 24 * 60 * 60 * 1000) total += retryDelayMillis(++attempts, DEFAULT_BACKOFF, 0);
    expect(attempts).toBeGreaterThan(15);
    expect(attempts).toBeLessThan(40);
  });

  it("does not follow a redirect: a 3xx is a failed attempt, logged with its status", async () => {
    const h = await openWebhookHarness();
    const r = await receiver();
    const target = await receiver();
    r.answerWith(307, { location: target.url });
    const hook = await subscribe(h, r.url);
    await h.call("POST", "/v1/token", { name: "t", has_full: true });
    const deadline = performance.now() + 5000;
    let log: any;
    do {
      await new Promise((resolve) => setTimeout(resolve, 30));
      log = (await h.call("GET", `/v1/webhooks/${hook.id}/deliveries`)).body;
    } while ((log.data[0]?.attempts ?? 0) < 2 && performance.now() < deadline);
    expect(target.received).toHaveLength(0);
    expect(log.data[0]).toMatchObject({ event_type: "token.created", status: "pending", response_status: 307 });
    expect(log.data[0].attempts).toBeGreaterThanOrEqual(2);
  });

  it("gives up an attempt at its deadline when the receiver does not answer", async () => {
    const h = await openWebhookHarness({ worker: { timeoutMs: 300 } });
    const silent = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => {
      silent.closeAllConnections();
      silent.close();
    });
    const hook = await subscribe(h, `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`);
    await h.call("POST", "/v1/token", { name: "t", has_full: true });
    let log: any;
    const deadline = performance.now() + 5000;
    do {
      await new Promise((resolve) => setTimeout(resolve, 30));
      log = (await h.call("GET", `/v1/webhooks/${hook.id}/deliveries`)).body;
    } while ((log.data[0]?.attempts ?? 0) < 1 && performance.now() < deadline);
    expect(log.data[0]).toMatchObject({ status: "pending", response_status: null, response: "no answer within 300 ms" });
    expect(log.data[0].duration_ms).toBeGreaterThanOrEqual(290);
    expect(log.data[0].duration_ms).toBeLessThan(2000);
  });

  it("keeps a delivery log (status, duration, response code, first bytes) and redelivers on request", async () => {
    const h = await openWebhookHarness();
    const r = await receiver();
    const hook = await subscribe(h, r.url);
    await h.call("POST", "/v1/token", { name: "t", has_full: true });
    await r.waitFor((a) => a.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const log = await h.call("GET", `/v1/webhooks/${hook.id}/deliveries`);
    expect(log.status).toBe(200);
    const first = log.body.data[0];
    expect(first).toMatchObject({ event_type: "token.created", status: "succeeded", attempts: 1, response_status: 200, response: "ok thanks" });
    expect(first.duration_ms).toBeGreaterThanOrEqual(0);
    const again = await h.call("POST", `/v1/webhooks/${hook.id}/deliveries/${first.id}/redeliver`);
    expect(again.status).toBe(202);
    const got = await r.waitFor((a) => a.length >= 2);
    expect(got[1]?.headers["webhook-id"]).toBe(got[0]?.headers["webhook-id"]);
    expect((await h.call("POST", `/v1/webhooks/${hook.id}/deliveries/wdl_nope/redeliver`)).status).toBe(404);
  });
});
