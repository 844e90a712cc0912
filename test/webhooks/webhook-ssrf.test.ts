/**
 * Server-side request forgery: without LATCHKEY_WEBHOOK_ALLOW_PRIVATE, a destination that is not a
 * public address is refused on the address actually connected to (a host name resolving to 127.0.0.1
 * included); literal private addresses are refused when the endpoint is saved.
 */
import { describe, expect, it, onTestFinished } from "vitest";
import { isPublicAddress } from "../../src/service/webhook-sender.js";
import { openWebhookHarness } from "../helpers/webhook-harness.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";

describe("SSRF guard", () => {
  it("classifies addresses: only public unicast passes", () => {
    const cases: [string, boolean][] = [
      ["127.0.0.1", false],
      ["127.8.9.10", false],
      ["10.1.2.3", false],
      ["172.16.0.1", false],
      ["192.168.1.1", false],
      ["169.254.169.254", false],
      ["100.64.0.1", false],
      ["0.0.0.0", false],
      ["224.0.0.1", false],
      ["255.255.255.255", false],
      ["::1", false],
      ["::", false],
      ["fe80::1", false],
      ["fc00::1", false],
      ["ff02::1", false],
      ["::ffff:127.0.0.1", false],
      ["::ffff:7f00:1", false],
      ["::ffff:10.0.0.1", false],
      ["2002:7f00:1::1", false],
      ["not an address", false],
      ["93.184.215.14", true],
      ["8.8.8.8", true],
      ["2001:4860:4860::8888", true],
      ["::ffff:8.8.8.8", true],
    ];
    for (const [address, expected] of cases) expect([address, isPublicAddress(address)]).toEqual([address, expected]);
  });

  it("refuses a host name that resolves to 127.0.0.1 at connection time, without the opt-in", async () => {
    const h = await openWebhookHarness({ events: { allowPrivate: false } });
    const r = await startWebhookReceiver();
    onTestFinished(() => r.close());
    const created = await h.call("POST", "/v1/webhooks", { name: "local", url: `http://localhost:${r.port}/hook`, events: ["token.created"] });
    expect(created.status).toBe(201); // a name is checked when connecting, not when saved
    await h.call("POST", "/v1/token", { name: "t", has_full: true });
    let log: any;
    const deadline = performance.now() + 5000;
    do {
      await new Promise((resolve) => setTimeout(resolve, 30));
      log = (await h.call("GET", `/v1/webhooks/${created.body.data.id}/deliveries`)).body;
    } while ((log.data[0]?.attempts ?? 0) < 1 && performance.now() < deadline);
    expect(log.data[0]).toMatchObject({ status: "pending", response_status: null });
    expect(log.data[0].response).toMatch(/is not a public address/);
    expect(r.received).toHaveLength(0);
  });

  it("with the opt-in, the same host name is delivered to", async () => {
    const h = await openWebhookHarness({ events: { allowPrivate: true } });
    const r = await startWebhookReceiver();
    onTestFinished(() => r.close());
    expect((await h.call("POST", "/v1/webhooks", { name: "local", url: `http://localhost:${r.port}/hook`, events: ["token.created"] })).status).toBe(201);
    await h.call("POST", "/v1/token", { name: "t", has_full: true });
    expect((await r.waitFor((a) => a.length >= 1)).map((w) => w.json.type)).toEqual(["token.created"]);
  });

  it("refuses literal private addresses when the endpoint is saved", async () => {
    const h = await openWebhookHarness({ events: { allowPrivate: false }, worker: false });
    const spellings = ["http://127.0.0.1/hook", "http://[::1]/hook", "http://169.254.169.254/latest", "http://[::ffff:127.0.0.1]/", "http://10.0.0.8/", "http://0.0.0.0/"];
    // Other spellings of loopback that URL parsers turn into 127.0.0.1 (hex, decimal, short, octal).
    spellings.push("http://0x7f000001/", "http://2130706433/", "http://127.1/", "http://0177.0.0.1/", "https://[0:0:0:0:0:ffff:7f00:1]/", "http://[fd00::1]:8080/");
    for (const url of spellings) {
      const res = await h.call("POST", "/v1/webhooks", { name: "x", url, events: ["token.created"] });
      expect([url, res.status, res.body.code, Object.keys(res.body.errors ?? {})]).toEqual([url, 422, "validation_failed", ["url"]]);
    }
  });
});
