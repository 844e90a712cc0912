/**
 * Canary tokens: created with `"canary": true`, they grant nothing; any use is answered exactly as an
 * unknown token (same status, code and body), recorded with the caller's address, and emits
 * `canary.used` at once, on every use.
 */
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it, onTestFinished } from "vitest";
import { generateSecret } from "../../src/core/token-secret.js";
import { rememberSecret } from "../helpers/trace-log.js";
import { openWebhookHarness } from "../helpers/webhook-harness.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";

describe("canary tokens", () => {
  it("is refused like an unknown token everywhere, recorded with the caller's address, and emits canary.used on each use", async () => {
    const h = await openWebhookHarness();
    const r = await startWebhookReceiver();
    onTestFinished(() => r.close());
    const hook = (await h.call("POST", "/v1/webhooks", { name: "alarm", url: r.url, events: ["canary.used"] })).body.data;
    const created = await h.call("POST", "/v1/token", { name: "aws-prod (bait)", canary: true, scopes: ["tokens_full"] });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ canary: true, scopes: [], has_full: false });
    const canary: string = created.body.data.accessToken;
    rememberSecret(canary);
    const unknown = generateSecret("lk_", { bytes: (n) => randomBytes(n) });

    const asUnknown = await h.call("GET", "/v1/token", undefined, unknown);
    for (let use = 0; use < 2; use++) {
      const asCanary = await h.call("GET", "/v1/token", undefined, canary);
      expect([asCanary.status, asCanary.text]).toEqual([asUnknown.status, asUnknown.text]);
    }
    expect(asUnknown.body.code).toBe("token_unknown");
    const verifyCanary = await h.call("POST", "/v1/verify", { token: canary, method: "GET", area: "tokens" }, null);
    const verifyUnknown = await h.call("POST", "/v1/verify", { token: unknown, method: "GET", area: "tokens" }, null);
    expect(verifyCanary.text).toBe(verifyUnknown.text);

    const got = await r.waitFor((a) => a.length >= 3);
    const verifier = new Webhook(hook.signing_secret);
    for (const w of got) {
      verifier.verify(w.body, w.headers);
      expect(w.json).toMatchObject({ type: "canary.used", data: { token: { id: created.body.data.id, name: "aws-prod (bait)", canary: true }, details: { ip: "127.0.0.1" } } });
    }
    const { events } = await h.latchkey.auditEvents({ principal: await h.latchkey.operator("default"), ip: null }, { page: 1, limit: 100 });
    const uses = events.filter((e) => e.action === "token.canary_use");
    expect(uses).toHaveLength(3);
    expect(uses[0]).toMatchObject({ actor: { type: "system", id: null }, ip: "127.0.0.1", target: { type: "token", id: created.body.data.id } });
  });

  it("stays a canary through a rotation: its previous secret is answered as unknown and emits canary.used (break test B2-8)", async () => {
    const h = await openWebhookHarness();
    const r = await startWebhookReceiver();
    onTestFinished(() => r.close());
    await h.call("POST", "/v1/webhooks", { name: "alarm", url: r.url, events: ["canary.used"] });
    const created = await h.call("POST", "/v1/token", { name: "bait", canary: true });
    const bait: string = created.body.data.accessToken;
    rememberSecret(bait);
    const rotated = await h.call("POST", `/v1/token/${created.body.data.id}/rotate`, { grace_seconds: 3600 });
    expect(rotated.status).toBe(200);
    rememberSecret(rotated.body.data.accessToken);
    const unknown = generateSecret("lk_", { bytes: (n) => randomBytes(n) });
    const asBait = await h.call("POST", "/v1/verify", { token: bait, method: "GET", area: "tokens" }, null);
    expect(asBait.text).toBe((await h.call("POST", "/v1/verify", { token: unknown, method: "GET", area: "tokens" }, null)).text);
    const onApi = await h.call("GET", "/v1/token", undefined, bait);
    expect([onApi.status, onApi.body.code]).toEqual([401, "token_unknown"]);
    const got = await r.waitFor((a) => a.length >= 2);
    for (const w of got) expect(w.json).toMatchObject({ type: "canary.used", data: { token: { id: created.body.data.id, canary: true } } });
  });
});
