/**
 * POST /v1/leaks with GitHub's secret-scanning partner payload: a correctly signed report pauses each
 * latchkey token found at once (its next verification is refused), quarantines and audits it, emits
 * token.leaked, mails the owners, and answers in GitHub's feedback format; a wrongly signed report is
 * a 401 and changes nothing.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { createServer, type AddressInfo } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { hashSecret } from "../../src/core/token-secret.js";
import { createMailer } from "../../src/service/mailer.js";
import { loadLeakKeys } from "../../src/service/leak-intake.js";
import { expectNoSecret } from "../helpers/api-harness.js";
import { startSmtpSink } from "../helpers/smtp-sink.js";
import { openWebhookHarness } from "../helpers/webhook-harness.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";

const github = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const stranger = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const KEY_ID = "bcb53661c06b4728e59d897fb6165d5c9cda0fd9cdf9d09ead458168deb7518c";
const dir = mkdtempSync(join(tmpdir(), "lk-leaks-"));
const keysFile = join(dir, "keys.json");
writeFileSync(keysFile, JSON.stringify({ public_keys: [{ key_identifier: KEY_ID, key: github.publicKey.export({ type: "spki", format: "pem" }), is_current: true }] }));

function signed(body: string, key = github.privateKey, keyId = KEY_ID): Record<string, string> {
  return {
    "content-type": "application/json",
    "github-public-key-identifier": keyId,
    "github-public-key-signature": sign("sha256", Buffer.from(body), key).toString("base64"),
  };
}

async function setup() {
  const smtp = await startSmtpSink();
  onTestFinished(() => smtp.close());
  const h = await openWebhookHarness({ events: { leakKeysFile: keysFile, mailer: createMailer({ smtpUrl: smtp.url, from: "latchkey <noreply@example.com>" }) } });
  await h.latchkey.users.create({ email: "owner@example.com", password: "a long enough passphrase", accountId: (await h.latchkey.accounts.find("default")).id });
  const r = await startWebhookReceiver();
  onTestFinished(() => r.close());
  await h.call("POST", "/v1/webhooks", { name: "sec", url: r.url, events: ["token.leaked"] });
  const created = (await h.call("POST", "/v1/token", { name: "ci deploy", has_full: true })).body.data;
  const report = (body: string, headers: Record<string, string>) => h.app.inject({ method: "POST", url: "/v1/leaks", headers, payload: body });
  const verify = async (token: string) => (await h.call("POST", "/v1/verify", { token, method: "GET", area: "domains" }, null)).body.code;
  return { h, r, smtp, created, report, verify };
}

describe("leak intake", () => {
  it("a signed report pauses the token at once, audits it, emits token.leaked, mails the owners and answers in GitHub's format", async () => {
    const { h, r, smtp, created, report, verify } = await setup();
    expect(await verify(created.accessToken)).toBe("ok");
    const url = "https://github.com/octocat/Hello-World/blob/1234/config.env";
    const body = JSON.stringify([
      { token: created.accessToken, type: "latchkey_api_token", url, source: "content" },
      { token: "lk_1NotARealTokenAtAllxxxxxxxxxxxxxxxxxxxx", type: "latchkey_api_token", url, source: "content" },
    ]);
    const res = await report(body, signed(body));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual([
      { token_hash: hashSecret(created.accessToken), token_type: "latchkey_api_token", label: "true_positive" },
      { token_hash: hashSecret("lk_1NotARealTokenAtAllxxxxxxxxxxxxxxxxxxxx"), token_type: "latchkey_api_token", label: "false_positive" },
    ]);
    expectNoSecret(res.body, created.accessToken);
    expect(await verify(created.accessToken)).toBe("token_paused");
    const audit = (await h.latchkey.auditEvents({ principal: await h.latchkey.operator("default"), ip: null }, { page: 1, limit: 100 })).events.find((e: any) => e.action === "token.leak");
    expect(audit).toMatchObject({ actor: { type: "system" }, target: { id: created.id }, details: { url, source: "content", paused: true } });
    const [event] = await r.waitFor((a) => a.length >= 1);
    expect(event?.json).toMatchObject({ type: "token.leaked", data: { token: { id: created.id, status: "pause" }, details: { url } } });
    const [mail] = await smtp.waitFor(1);
    expect(mail?.to).toEqual(["owner@example.com"]);
    expect(mail?.subject).toContain("ci deploy");
    expect(mail?.raw).toContain(created.preview);
    expect(mail?.raw).toContain("text/html");
    expectNoSecret(mail?.raw ?? "", created.accessToken);
  });

  it("a wrongly signed report is refused with 401 and changes nothing", async () => {
    const { h, created, report, verify } = await setup();
    const body = JSON.stringify([{ token: created.accessToken, type: "latchkey_api_token", url: "", source: "content" }]);
    const cases: [string, Record<string, string>][] = [
      ["another key's signature", signed(body, stranger.privateKey)],
      ["signature of another body", { ...signed(`${body} `), "content-type": "application/json" }],
      ["unknown key id", signed(body, github.privateKey, "nope")],
      ["no signature", { "content-type": "application/json", "github-public-key-identifier": KEY_ID }],
      ["garbage signature", { ...signed(body), "github-public-key-signature": "bm90IGEgc2lnbmF0dXJl" }],
    ];
    for (const [label, headers] of cases) {
      const res = await report(body, headers);
      expect([label, res.statusCode, JSON.parse(res.body).code]).toEqual([label, 401, "leak_signature_invalid"]);
    }
    expect(await verify(created.accessToken)).toBe("ok");
    expect((await h.latchkey.auditEvents({ principal: await h.latchkey.operator("default"), ip: null }, { page: 1, limit: 100 })).events.filter((e: any) => e.action === "token.leak")).toEqual([]);
  });

  it("resuming a leaked token lifts its quarantine", async () => {
    const { h, created, report, verify } = await setup();
    const body = JSON.stringify([{ token: created.accessToken, type: "t", url: "https://example.com/x", source: "content" }]);
    expect((await report(body, signed(body))).statusCode).toBe(200);
    expect(await verify(created.accessToken)).toBe("token_paused");
    expect((await h.call("PUT", `/v1/token/${created.id}/settings`, { status: "unpause" })).status).toBe(200);
    expect(await verify(created.accessToken)).toBe("ok");
  });

  it("answers at once even when the SMTP server never answers (mail does not hold up the report)", async () => {
    const mute = createServer(() => undefined); // accepts connections, never greets
    await new Promise<void>((resolve) => mute.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => mute.close(() => resolve())));
    const smtpUrl = `smtp://127.0.0.1:${(mute.address() as AddressInfo).port}`;
    const h = await openWebhookHarness({ worker: false, events: { leakKeysFile: keysFile, mailer: createMailer({ smtpUrl, from: "latchkey <noreply@example.com>" }) } });
    await h.latchkey.users.create({ email: "owner@example.com", password: "a long enough passphrase", accountId: (await h.latchkey.accounts.find("default")).id });
    const created = (await h.call("POST", "/v1/token", { name: "ci", has_full: true })).body.data;
    const body = JSON.stringify([{ token: created.accessToken, type: "t", url: "", source: "content" }]);
    const started = performance.now();
    const res = await h.app.inject({ method: "POST", url: "/v1/leaks", headers: signed(body), payload: body });
    expect(res.statusCode).toBe(200);
    expect(performance.now() - started).toBeLessThan(2000);
    h.latchkey.mailer?.close();
    mute.close();
  });

  it("checks the keys file at start, naming the problem", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ public_keys: [{ key_identifier: "k", key: "not a key" }] }));
    expect(() => loadLeakKeys(bad)).toThrow(/LATCHKEY_LEAK_KEYS_FILE .*public_keys\[0\]\.key is not a PEM public key/);
    writeFileSync(bad, "{}");
    expect(() => loadLeakKeys(bad)).toThrow(/at least one key/);
    expect(loadLeakKeys(keysFile)).toHaveLength(1);
  });
});
