/**
 * Rotation and leak intake within containment (break-test findings F1, F2, F6, F8; issues 10, 13):
 * a token rotates, replays and looks up only tokens of its own subtree (404 otherwise, nothing
 * changed, no secret handed out); a secret a rotation replaced may still verify during its grace but
 * manages nothing (403 `current_secret_required`); a leaked previous secret is a leak of the token
 * (its grace ends at once, the token is paused). The rotate answer carries `propagation` (F5; the
 * two-instance proof is test/postgres/rotation-propagation.test.ts).
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { hashSecret } from "../../src/core/token-secret.js";
import { expectNoSecret, openApiHarness, type ApiHarness, type MintedToken } from "../helpers/api-harness.js";
import { rememberSecret } from "../helpers/trace-log.js";

const HOUR_SECONDS = 3600;
const KEY = "8d2f6a1c-4e3b-4f7a-9c5d-2b1e0a9f8c7d";

async function verify(h: ApiHarness, secret: string) {
  const res = await h.call("POST", "/v1/verify", { token: null, body: { token: secret, method: "GET", area: "domains" } });
  expect(res.status).toBe(200);
  return res.body as { allowed: boolean; code: string; secret?: string };
}

async function rotate(h: ApiHarness, id: string, token: string, body: unknown = { grace_seconds: HOUR_SECONDS }, headers: Record<string, string> = {}) {
  const res = await h.call("POST", `/v1/token/${id}/rotate`, { token, body, headers });
  if (res.status === 200) rememberSecret(res.body.data.accessToken);
  return res;
}

/** A manager with Full access under the root token, and a sibling token outside the manager's subtree. */
async function siblings(h: ApiHarness): Promise<{ manager: MintedToken; sibling: MintedToken }> {
  return { manager: await h.mint({ name: "Manager" }), sibling: await h.mint({ name: "Sibling", scopes: ["domains_read"] }) };
}

async function previousSecretOf(h: ApiHarness, id: string) {
  return (await h.call("GET", `/v1/token/${id}`)).body.data.previous_secret;
}

describe("F1: rotation stays within the caller's subtree", () => {
  it("answers 404 for a token outside the subtree and changes nothing", async () => {
    const h = await openApiHarness();
    const { manager, sibling } = await siblings(h);
    const res = await rotate(h, sibling.id, manager.secret);
    expect([res.status, res.body.code]).toEqual([404, "not_found"]);
    expect((await verify(h, sibling.secret)).secret).toBe("current");
    expect(await previousSecretOf(h, sibling.id)).toBeNull();
    const audit = await h.call("GET", "/v1/audit");
    expect(audit.body.data.filter((e: { action: string }) => e.action === "token.rotate")).toEqual([]);
  });

  it("never replays the secret to another caller outside the subtree who presents the same Idempotency-Key", async () => {
    const h = await openApiHarness();
    const { manager, sibling } = await siblings(h);
    const first = await rotate(h, sibling.id, h.root.secret, { grace_seconds: 60 }, { "idempotency-key": KEY });
    expect(first.status).toBe(200);
    const stolen = await rotate(h, sibling.id, manager.secret, { grace_seconds: 60 }, { "idempotency-key": KEY });
    expect([stolen.status, stolen.body.code]).toEqual([404, "not_found"]);
    expectNoSecret(stolen.text, first.body.data.accessToken);
    expect((await verify(h, first.body.data.accessToken)).secret).toBe("current");
    // The rightful caller still gets its replay.
    const retry = await rotate(h, sibling.id, h.root.secret, { grace_seconds: 60 }, { "idempotency-key": KEY });
    expect([retry.status, retry.body.data.accessToken]).toEqual([200, first.body.data.accessToken]);
  });

  it("still rotates a token of the caller's own subtree", async () => {
    const h = await openApiHarness();
    const { manager } = await siblings(h);
    const child = await h.call("POST", "/v1/token", { token: manager.secret, body: { name: "Child", scopes: ["domains_read"] } });
    rememberSecret(child.body.data.accessToken);
    const res = await rotate(h, child.body.data.id, manager.secret);
    expect(res.status).toBe(200);
    expect((await verify(h, child.body.data.accessToken)).secret).toBe("previous");
  });
});

describe("F2: lookup answers only for tokens in the caller's reach", () => {
  it("answers 404 for a secret (current or previous) of a token outside the subtree", async () => {
    const h = await openApiHarness();
    const { manager, sibling } = await siblings(h);
    const rotated = await rotate(h, sibling.id, h.root.secret);
    for (const secret of [sibling.secret, rotated.body.data.accessToken as string]) {
      const res = await h.call("POST", "/v1/token/lookup", { token: manager.secret, body: { secret } });
      expect([res.status, res.body.code]).toEqual([404, "not_found"]);
      expectNoSecret(res.text, secret);
      expect(res.text).not.toContain(sibling.id);
    }
    // The root, whose subtree holds it, is answered.
    const own = await h.call("POST", "/v1/token/lookup", { body: { secret: sibling.secret } });
    expect([own.status, own.body.data]).toEqual([200, { id: sibling.id, name: "Sibling", secret: "previous" }]);
  });
});

describe("F6: a secret replaced by a rotation manages nothing", () => {
  it("refuses management with 403 current_secret_required during the grace, while verification still allows it", async () => {
    const clock = manualClock(Date.parse("2030-03-10T12:00:00.000Z"));
    const h = await openApiHarness({ clock });
    const manager = await h.mint({ name: "Manager", scopes: ["tokens_full", "domains_read"] });
    const fresh = (await rotate(h, manager.id, h.root.secret)).body.data.accessToken as string;
    const attempts = [
      h.call("POST", "/v1/token", { token: manager.secret, body: { name: "Outlives the grace", scopes: ["domains_read"] } }),
      h.call("GET", "/v1/token", { token: manager.secret }),
      h.call("POST", `/v1/token/${manager.id}/rotate`, { token: manager.secret, body: { grace_seconds: 0 } }),
      h.call("PUT", `/v1/token/${manager.id}/settings`, { token: manager.secret, body: { status: "pause" } }),
    ];
    for (const res of await Promise.all(attempts)) expect([res.status, res.body.code]).toEqual([403, "current_secret_required"]);
    expect((await h.call("GET", "/v1/token", { token: h.root.secret })).body.data.map((t: { name: string }) => t.name)).not.toContain("Outlives the grace");
    expect(await verify(h, manager.secret)).toMatchObject({ allowed: true, secret: "previous" });
    expect((await h.call("GET", "/v1/token", { token: fresh })).status).toBe(200);
    clock.advance(HOUR_SECONDS * 1000);
    const after = await h.call("GET", "/v1/token", { token: manager.secret });
    expect([after.status, after.body.code]).toEqual([401, "token_rotated"]);
  });
});

describe("F8: a leaked previous secret is a leak of its token", () => {
  const github = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const keyId = "f8-leak-key";
  const keysFile = join(mkdtempSync(join(tmpdir(), "lk-rotleak-")), "keys.json");
  writeFileSync(
    keysFile,
    JSON.stringify({ public_keys: [{ key_identifier: keyId, key: github.publicKey.export({ type: "spki", format: "pem" }), is_current: true }] }),
  );

  it("ends the grace at once, pauses the token, audits secret: previous and answers true_positive", async () => {
    const h = await openApiHarness({ events: { leakKeysFile: keysFile } });
    const token = await h.mint({ name: "CI deploy", scopes: ["domains_read"] });
    const fresh = (await rotate(h, token.id, h.root.secret)).body.data.accessToken as string;
    expect((await verify(h, token.secret)).secret).toBe("previous");
    const url = "https://github.com/octocat/Hello-World/blob/1234/old.env";
    const body = JSON.stringify([{ token: token.secret, type: "latchkey_api_token", url, source: "content" }]);
    const res = await h.call("POST", "/v1/leaks", {
      token: null,
      rawBody: body,
      headers: {
        "content-type": "application/json",
        "github-public-key-identifier": keyId,
        "github-public-key-signature": sign("sha256", Buffer.from(body), github.privateKey).toString("base64"),
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([{ token_hash: hashSecret(token.secret), token_type: "latchkey_api_token", label: "true_positive" }]);
    expectNoSecret(res.text, token.secret);
    expect([(await verify(h, token.secret)).allowed, (await verify(h, fresh)).code]).toEqual([false, "token_paused"]);
    const shown = (await h.call("GET", `/v1/token/${token.id}`)).body.data;
    expect(shown.status).toBe("pause");
    expect(Date.parse(shown.previous_secret.valid_until)).toBeLessThanOrEqual(Date.now());
    const audit = await h.call("GET", "/v1/audit");
    expect(audit.body.data.find((e: { action: string }) => e.action === "token.leak")).toMatchObject({
      target: { id: token.id },
      details: { url, secret: "previous", paused: true },
    });
    // Resumed, the new secret works and the leaked one stays refused: its grace is over.
    expect((await h.call("PUT", `/v1/token/${token.id}/settings`, { body: { status: "unpause" } })).status).toBe(200);
    expect([(await verify(h, fresh)).code, (await verify(h, token.secret)).code]).toEqual(["ok", "token_rotated"]);
  });
});

describe("F5: the rotate answer carries propagation", () => {
  it("says one instance, applied, on a rotation and on its replay", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["domains_read"] });
    const first = await rotate(h, token.id, h.root.secret, { grace_seconds: 0 }, { "idempotency-key": KEY });
    const replay = await rotate(h, token.id, h.root.secret, { grace_seconds: 0 }, { "idempotency-key": KEY });
    for (const res of [first, replay]) {
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(["data", "propagation"]);
      expect(res.body.propagation).toMatchObject({ instances: 1, applied: 1, lost: [] });
    }
  });
});
