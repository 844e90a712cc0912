/**
 * Rotation (issue 13): POST /v1/token/{id}/rotate gives the same token a new secret; the old one
 * works through its grace (reported as `previous`), then is refused with token_rotated on the very
 * next verification; pause, resume and delete act on both; Idempotency-Key retries never make a
 * third secret; bad input changes nothing. Time is moved with a manual clock.
 */
import { describe, expect, it } from "vitest";
import { manualClock, type ManualClock } from "../../src/core/clock.js";
import { expectNoSecret, openApiHarness, type ApiHarness, type MintedToken } from "../helpers/api-harness.js";
import { rememberSecret } from "../helpers/trace-log.js";

const NOW = Date.parse("2030-03-10T12:00:00.000Z");
const HOUR_SECONDS = 3600;

async function verify(h: ApiHarness, secret: string, extra: Record<string, unknown> = {}) {
  const res = await h.call("POST", "/v1/verify", { token: null, body: { token: secret, method: "GET", area: "domains", ...extra } });
  expect(res.status).toBe(200);
  return res.body as { allowed: boolean; code: string; secret?: string; token?: { id: string; secret: string } };
}

async function rotate(h: ApiHarness, id: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await h.call("POST", `/v1/token/${id}/rotate`, { body, headers });
  if (res.status === 200) rememberSecret(res.body.data.accessToken);
  return res;
}

async function setUp(): Promise<{ h: ApiHarness; clock: ManualClock; token: MintedToken }> {
  const clock = manualClock(NOW);
  const h = await openApiHarness({ clock });
  const token = await h.mint({ name: "Deploy bot", scopes: ["domains_read", "email_full"] });
  return { h, clock, token };
}

describe("POST /v1/token/{id}/rotate", () => {
  it("returns a new secret for the same id, name, permissions, domains and expiry", async () => {
    const { h, token } = await setUp();
    const before = (await h.call("GET", `/v1/token/${token.id}`)).body.data;
    const res = await rotate(h, token.id, { grace_seconds: HOUR_SECONDS });
    expect(res.status).toBe(200);
    const { accessToken, previous_valid_until, ...after } = res.body.data;
    expect(accessToken).not.toBe(token.secret);
    expect(previous_valid_until).toBe("2030-03-10T13:00:00.000Z");
    for (const field of ["id", "name", "scopes", "has_full", "domains", "expires_at", "created_at", "not_before", "allowed_ips"]) expect(after[field], field).toEqual(before[field]);
    expect(after.preview).not.toBe(before.preview);
    expect(after.previous_secret).toEqual({ preview: before.preview, valid_until: "2030-03-10T13:00:00.000Z", last_used_at: null });
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("lets both secrets verify during the grace, reporting the old one as previous", async () => {
    const { h, token } = await setUp();
    const fresh = (await rotate(h, token.id, { grace_seconds: HOUR_SECONDS })).body.data.accessToken as string;
    const old = await verify(h, token.secret);
    const current = await verify(h, fresh);
    expect([old.allowed, old.secret, old.token?.id, old.token?.secret]).toEqual([true, "previous", token.id, "previous"]);
    expect([current.allowed, current.secret, current.token?.id]).toEqual([true, "current", token.id]);
  });

  it("refuses the old secret with token_rotated on the very next verification once the grace ends, and keeps the new one", async () => {
    const { h, clock, token } = await setUp();
    const fresh = (await rotate(h, token.id, { grace_seconds: HOUR_SECONDS })).body.data.accessToken as string;
    clock.advance(HOUR_SECONDS * 1000 - 1);
    expect((await verify(h, token.secret)).code).toBe("ok"); // cached now
    clock.advance(1);
    expect((await verify(h, token.secret)).code).toBe("token_rotated");
    const refused = await h.call("POST", "/v1/verify", { token: null, body: { token: token.secret, method: "GET", area: "domains" } });
    expect(refused.body).toMatchObject({ allowed: false, status: 401, code: "token_rotated" });
    expect((await verify(h, fresh)).code).toBe("ok");
    expect((await h.call("GET", "/v1/scopes", { token: token.secret })).body.code).toBe("token_rotated");
  });

  it("with grace 0 refuses the old secret at once", async () => {
    const { h, token } = await setUp();
    expect((await verify(h, token.secret)).code).toBe("ok");
    const fresh = (await rotate(h, token.id, { grace_seconds: 0 })).body.data.accessToken as string;
    expect((await verify(h, token.secret)).code).toBe("token_rotated");
    expect((await verify(h, fresh)).code).toBe("ok");
  });

  it("keeps one previous secret: rotating again ends the grace of the one before", async () => {
    const { h, token } = await setUp();
    const second = (await rotate(h, token.id, { grace_seconds: HOUR_SECONDS })).body.data.accessToken as string;
    expect((await verify(h, token.secret)).code).toBe("ok");
    const third = (await rotate(h, token.id, { grace_seconds: HOUR_SECONDS })).body.data.accessToken as string;
    expect((await verify(h, token.secret)).code).toBe("token_unknown");
    expect([(await verify(h, second)).secret, (await verify(h, third)).secret]).toEqual(["previous", "current"]);
  });

  it("pauses, resumes and deletes the token whichever secret is presented", async () => {
    const { h, token } = await setUp();
    const fresh = (await rotate(h, token.id, { grace_seconds: HOUR_SECONDS })).body.data.accessToken as string;
    await verify(h, token.secret);
    await verify(h, fresh);
    expect((await h.call("PUT", `/v1/token/${token.id}/settings`, { body: { status: "pause" } })).status).toBe(200);
    expect([(await verify(h, token.secret)).code, (await verify(h, fresh)).code]).toEqual(["token_paused", "token_paused"]);
    expect((await h.call("PUT", `/v1/token/${token.id}/settings`, { body: { status: "unpause" } })).status).toBe(200);
    expect([(await verify(h, token.secret)).code, (await verify(h, fresh)).code]).toEqual(["ok", "ok"]);
    expect((await h.call("DELETE", `/v1/token/${token.id}`)).status).toBe(204);
    expect([(await verify(h, token.secret)).code, (await verify(h, fresh)).code]).toEqual(["token_unknown", "token_unknown"]);
  });

  it("lets the old secret verify during its grace but manage nothing (403 current_secret_required, break-test F6)", async () => {
    const { h } = await setUp();
    const manager = await h.mint({ scopes: ["tokens_full", "domains_read"] });
    const fresh = (await rotate(h, manager.id, { grace_seconds: HOUR_SECONDS })).body.data.accessToken as string;
    const refused = await h.call("GET", "/v1/token", { token: manager.secret });
    expect([refused.status, refused.body.code]).toEqual([403, "current_secret_required"]);
    expect((await verify(h, manager.secret)).secret).toBe("previous");
    expect((await h.call("GET", "/v1/token", { token: fresh })).status).toBe(200);
  });

  it("does not let the old secret rotate, so a leaked old secret cannot lock out the new one", async () => {
    const { h } = await setUp();
    const manager = await h.mint({ scopes: ["tokens_full", "domains_read"] });
    const fresh = (await rotate(h, manager.id, { grace_seconds: HOUR_SECONDS })).body.data.accessToken as string;
    const refused = await h.call("POST", `/v1/token/${manager.id}/rotate`, { token: manager.secret, body: { grace_seconds: 0 } });
    expect([refused.status, refused.body.code]).toEqual([403, "current_secret_required"]);
    expect((await verify(h, fresh)).secret).toBe("current");
    expect((await h.call("POST", `/v1/token/${manager.id}/rotate`, { token: fresh, body: { grace_seconds: 0 } })).status).toBe(200);
  });

  it("keeps the lineage of a child: its creator is unchanged", async () => {
    const { h } = await setUp();
    const parent = await h.mint({ scopes: ["tokens_full", "domains_read"] });
    const child = await h.call("POST", "/v1/token", { token: parent.secret, body: { name: "Child", scopes: ["domains_read"] } });
    expect(child.status).toBe(201);
    rememberSecret(child.body.data.accessToken);
    const operator = { principal: await h.latchkey.operator("default"), ip: null };
    expect((await h.latchkey.tokens.show(operator, child.body.data.id)).createdBy).toBe(`token:${parent.id}`);
    expect((await rotate(h, child.body.data.id, { grace_seconds: 60 }, {})).status).toBe(200);
    expect((await h.latchkey.tokens.show(operator, child.body.data.id)).createdBy).toBe(`token:${parent.id}`);
    // The parent (which made it) may rotate it too, within its ceiling.
    expect((await h.call("POST", `/v1/token/${child.body.data.id}/rotate`, { token: parent.secret, body: { grace_seconds: 0 } })).status).toBe(200);
  });

  it("keeps last-used per secret", async () => {
    const { h, clock, token } = await setUp();
    await verify(h, token.secret);
    clock.advance(1000);
    const fresh = (await rotate(h, token.id, { grace_seconds: HOUR_SECONDS })).body.data.accessToken as string;
    clock.advance(1000);
    await verify(h, token.secret);
    clock.advance(1000);
    await verify(h, fresh);
    await h.latchkey.verifier.flushLastUsed();
    const shown = (await h.call("GET", `/v1/token/${token.id}`)).body.data;
    expect([shown.last_used_at, shown.previous_secret.last_used_at]).toEqual(["2030-03-10T12:00:03.000Z", "2030-03-10T12:00:02.000Z"]);
  });

  it("is audited as token.rotate without the secret", async () => {
    const { h, token } = await setUp();
    const res = await rotate(h, token.id, { grace_seconds: 90 });
    const audit = await h.call("GET", "/v1/audit");
    const event = audit.body.data.find((e: { action: string }) => e.action === "token.rotate");
    expect(event).toMatchObject({ target: { type: "token", id: token.id }, details: { name: "Deploy bot", grace_seconds: 90 } });
    expectNoSecret(audit.text, res.body.data.accessToken);
    expectNoSecret(audit.text, token.secret);
  });

  it("is refused (404, as if absent) to a token rotating one outside its subtree, whatever its rights", async () => {
    const { h } = await setUp();
    const weak = await h.mint({ scopes: ["tokens_full"] });
    const self = await h.mint({ name: "Self" });
    const res = await h.call("POST", `/v1/token/${self.id}/rotate`, { token: self.secret, body: { grace_seconds: 60 } });
    expect(res.status).toBe(200); // a token may rotate itself
    rememberSecret(res.body.data.accessToken);
    const strong = await h.mint({ name: "Strong" });
    const refused = await h.call("POST", `/v1/token/${strong.id}/rotate`, { token: weak.secret, body: { grace_seconds: 0 } });
    expect([refused.status, refused.body.code]).toEqual([404, "not_found"]);
    expect((await verify(h, strong.secret)).code).toBe("ok");
  });
});

describe("idempotent rotation (Idempotency-Key)", () => {
  const KEY = "3f0d9a4e-8c1b-4b7e-9a52-7d6c1e0f2b33";

  it("gives a retry the same secret, never a third one", async () => {
    const { h, token } = await setUp();
    const first = await rotate(h, token.id, { grace_seconds: HOUR_SECONDS }, { "idempotency-key": KEY });
    const retry = await rotate(h, token.id, { grace_seconds: HOUR_SECONDS }, { "idempotency-key": KEY });
    expect(retry.status).toBe(200);
    expect(retry.body.data.accessToken).toBe(first.body.data.accessToken);
    expect(retry.headers["idempotency-replayed"]).toBe("true");
    expect(retry.body.data.previous_valid_until).toBe(first.body.data.previous_valid_until);
    // The original secret is still the previous one: no second rotation happened.
    expect((await verify(h, token.secret)).secret).toBe("previous");
    const audit = await h.call("GET", "/v1/audit");
    expect(audit.body.data.filter((e: { action: string }) => e.action === "token.rotate")).toHaveLength(1);
    // The replay is audited too (break test B2-10), by whom and never with the secret.
    const replays = audit.body.data.filter((e: { action: string }) => e.action === "token.rotation_replay");
    expect(replays).toHaveLength(1);
    expect(replays[0].target).toEqual({ type: "token", id: token.id });
    expectNoSecret(JSON.stringify(audit.body), retry.body.data.accessToken);
  });

  it("answers 409 idempotency_key_reused for the key reused with another grace or token, changing nothing", async () => {
    const { h, token } = await setUp();
    const other = await h.mint({ name: "Other" });
    const first = await rotate(h, token.id, { grace_seconds: HOUR_SECONDS }, { "idempotency-key": KEY });
    const otherGrace = await rotate(h, token.id, { grace_seconds: 60 }, { "idempotency-key": KEY });
    const otherToken = await rotate(h, other.id, { grace_seconds: HOUR_SECONDS }, { "idempotency-key": KEY });
    expect([otherGrace.status, otherGrace.body.code, otherToken.status, otherToken.body.code]).toEqual([409, "idempotency_key_reused", 409, "idempotency_key_reused"]);
    expect((await verify(h, first.body.data.accessToken)).secret).toBe("current");
    expect((await verify(h, other.secret)).secret).toBe("current");
  });

  it("answers 409 after the replay window, and the sealed secret is gone from the database", async () => {
    const { h, clock, token } = await setUp();
    const first = await rotate(h, token.id, { grace_seconds: HOUR_SECONDS }, { "idempotency-key": KEY });
    clock.advance(600_000);
    const late = await rotate(h, token.id, { grace_seconds: HOUR_SECONDS }, { "idempotency-key": KEY });
    expect([late.status, late.body.code]).toEqual([409, "idempotency_key_reused"]);
    expectNoSecret(late.text, first.body.data.accessToken);
    const rows = await h.latchkey.store.query.selectFrom("token_rotation_replays").select("sealed_secret").execute();
    expect(rows).toEqual([{ sealed_secret: "" }]);
    expect((await verify(h, first.body.data.accessToken)).secret).toBe("current");
  });

  it("replays only to an actor who may rotate the token (a token outside its subtree with the key gets 404)", async () => {
    const { h, token } = await setUp();
    const weak = await h.mint({ scopes: ["tokens_full"] });
    const strong = await h.mint({ name: "Strong" });
    const first = await rotate(h, strong.id, { grace_seconds: 60 }, { "idempotency-key": KEY });
    const stolen = await h.call("POST", `/v1/token/${strong.id}/rotate`, { token: weak.secret, body: { grace_seconds: 60 }, headers: { "idempotency-key": KEY } });
    expect([stolen.status, stolen.body.code]).toEqual([404, "not_found"]);
    expectNoSecret(stolen.text, first.body.data.accessToken);
    expect((await verify(h, token.secret)).secret).toBe("current");
  });

  it("answers 409 when the token was rotated again since the key was used", async () => {
    const { h, token } = await setUp();
    await rotate(h, token.id, { grace_seconds: HOUR_SECONDS }, { "idempotency-key": KEY });
    const again = await rotate(h, token.id, { grace_seconds: HOUR_SECONDS });
    const retry = await rotate(h, token.id, { grace_seconds: HOUR_SECONDS }, { "idempotency-key": KEY });
    expect([retry.status, retry.body.code]).toEqual([409, "idempotency_key_reused"]);
    expect((await verify(h, again.body.data.accessToken)).secret).toBe("current");
  });

  it("stores the secret sealed, not in plain text", async () => {
    const { h, token } = await setUp();
    const first = await rotate(h, token.id, { grace_seconds: 60 }, { "idempotency-key": KEY });
    const rows = await h.latchkey.store.query.selectFrom("token_rotation_replays").selectAll().execute();
    expect(rows).toHaveLength(1);
    expectNoSecret(JSON.stringify(rows), first.body.data.accessToken);
    expect(JSON.stringify(rows)).not.toContain(KEY);
  });
});

describe("a token rotating itself retries with its old secret (break test B2-6)", () => {
  const KEY = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

  async function selfRotated(): Promise<{ h: ApiHarness; clock: ManualClock; self: MintedToken; fresh: string }> {
    const { h, clock } = await setUp();
    const self = await h.mint({ name: "Self", scopes: ["tokens_full", "domains_read"] });
    const first = await h.call("POST", `/v1/token/${self.id}/rotate`, { token: self.secret, body: { grace_seconds: HOUR_SECONDS }, headers: { "idempotency-key": KEY } });
    expect(first.status).toBe(200);
    rememberSecret(first.body.data.accessToken);
    return { h, clock, self, fresh: first.body.data.accessToken };
  }

  it("gets the same secret again when the retry carries the old secret and the same key", async () => {
    const { h, self, fresh } = await selfRotated();
    const retry = await h.call("POST", `/v1/token/${self.id}/rotate`, { token: self.secret, body: { grace_seconds: HOUR_SECONDS }, headers: { "idempotency-key": KEY } });
    expect([retry.status, retry.body.data?.accessToken, retry.headers["idempotency-replayed"]]).toEqual([200, fresh, "true"]);
    expect([(await verify(h, self.secret)).secret, (await verify(h, fresh)).secret]).toEqual(["previous", "current"]);
    const audit = await h.call("GET", "/v1/audit");
    expect(audit.body.data.filter((e: { action: string }) => e.action === "token.rotate")).toHaveLength(1);
  });

  it.each([
    { label: "without a key", id: "self", headers: {}, body: { grace_seconds: HOUR_SECONDS } },
    { label: "with another key", id: "self", headers: { "idempotency-key": "0000aaaa-1111-4222-8333-444455556666" }, body: { grace_seconds: HOUR_SECONDS } },
    { label: "with the key but another grace", id: "self", headers: { "idempotency-key": KEY }, body: { grace_seconds: 60 } },
    { label: "with the key for another token", id: "child", headers: { "idempotency-key": KEY }, body: { grace_seconds: HOUR_SECONDS } },
    { label: "with a bad body", id: "self", headers: {}, body: { grace_seconds: -1 } },
  ])("refuses anything else with the old secret: $label is 403 current_secret_required, nothing changes", async ({ id, headers, body }) => {
    const { h, self, fresh } = await selfRotated();
    const child = await h.call("POST", "/v1/token", { token: fresh, body: { name: "Child", scopes: ["domains_read"] } });
    rememberSecret(child.body.data.accessToken);
    const target = id === "self" ? self.id : child.body.data.id;
    const refused = await h.call("POST", `/v1/token/${target}/rotate`, { token: self.secret, body, headers: headers as Record<string, string> });
    expect([refused.status, refused.body.code]).toEqual([403, "current_secret_required"]);
    expect([(await verify(h, self.secret)).secret, (await verify(h, fresh)).secret, (await verify(h, child.body.data.accessToken)).secret]).toEqual(["previous", "current", "current"]);
  });

  it("refuses the old secret with the key on other routes, and once the replay window has passed", async () => {
    const { h, clock, self, fresh } = await selfRotated();
    const list = await h.call("GET", "/v1/token", { token: self.secret, headers: { "idempotency-key": KEY } });
    expect([list.status, list.body.code]).toEqual([403, "current_secret_required"]);
    clock.advance(600_000);
    const late = await h.call("POST", `/v1/token/${self.id}/rotate`, { token: self.secret, body: { grace_seconds: HOUR_SECONDS }, headers: { "idempotency-key": KEY } });
    expect([late.status, late.body.code]).toEqual([403, "current_secret_required"]);
    expectNoSecret(late.text, fresh);
  });

  it("refuses the retry once the token was rotated again (its old secret is then another)", async () => {
    const { h, self, fresh } = await selfRotated();
    const again = await h.call("POST", `/v1/token/${self.id}/rotate`, { token: fresh, body: { grace_seconds: HOUR_SECONDS } });
    rememberSecret(again.body.data.accessToken);
    const retryOld = await h.call("POST", `/v1/token/${self.id}/rotate`, { token: self.secret, body: { grace_seconds: HOUR_SECONDS }, headers: { "idempotency-key": KEY } });
    expect(retryOld.body.code).toBe("token_unknown");
    const retryFresh = await h.call("POST", `/v1/token/${self.id}/rotate`, { token: fresh, body: { grace_seconds: HOUR_SECONDS }, headers: { "idempotency-key": KEY } });
    expect([retryFresh.status, retryFresh.body.code]).toEqual([403, "current_secret_required"]);
    expectNoSecret(retryFresh.text, fresh);
  });
});

describe("bad rotation input changes nothing", () => {
  it.each([
    { label: "negative grace", body: { grace_seconds: -1 }, field: "grace_seconds" },
    { label: "grace past 30 days", body: { grace_seconds: 2_592_001 }, field: "grace_seconds" },
    { label: "fractional grace", body: { grace_seconds: 1.5 }, field: "grace_seconds" },
    { label: "grace as text", body: { grace_seconds: "1h" }, field: "grace_seconds" },
    { label: "no grace", body: {}, field: "grace_seconds" },
    { label: "an unknown field", body: { grace_seconds: 0, secret: "mine" }, field: "secret" },
  ])("$label: 422 naming $field", async ({ body, field }) => {
    const { h, token } = await setUp();
    const res = await rotate(h, token.id, body);
    expect([res.status, res.body.code]).toEqual([422, "validation_failed"]);
    expect(Object.keys(res.body.errors)).toContain(field);
    expect((await verify(h, token.secret)).secret).toBe("current");
    expect((await h.call("GET", `/v1/token/${token.id}`)).body.data.previous_secret).toBeNull();
  });

  it("refuses a short Idempotency-Key with 422 naming it", async () => {
    const { h, token } = await setUp();
    const res = await rotate(h, token.id, { grace_seconds: 0 }, { "idempotency-key": "1" });
    expect([res.status, Object.keys(res.body.errors ?? {})]).toEqual([422, ["idempotency_key"]]);
    expect((await verify(h, token.secret)).secret).toBe("current");
  });

  it("answers 404 for a deleted token, and for another account's", async () => {
    const { h, token } = await setUp();
    await h.call("DELETE", `/v1/token/${token.id}`);
    expect((await rotate(h, token.id, { grace_seconds: 0 })).status).toBe(404);
    await h.latchkey.accounts.create("acme");
    const foreign = await h.mint({ account: "acme" });
    expect((await rotate(h, foreign.id, { grace_seconds: 0 })).status).toBe(404);
    expect((await verify(h, foreign.secret)).secret).toBe("current");
    expect((await rotate(h, "tok_nope", { grace_seconds: 0 })).status).toBe(404);
  });

  it("needs tokens_full", async () => {
    const { h } = await setUp();
    const reader = await h.mint({ scopes: ["domains_read"] });
    const res = await h.call("POST", `/v1/token/${reader.id}/rotate`, { token: reader.secret, body: { grace_seconds: 0 } });
    expect([res.status, res.body.code]).toEqual([403, "scope_missing"]);
  });
});

describe("concurrent rotations", () => {
  it("with one Idempotency-Key make one new secret, answered to both", async () => {
    const { h, token } = await setUp();
    const key = "5b7c1d2e-0f9a-4c3b-8e6d-1a2b3c4d5e6f";
    const answers = await Promise.all([0, 1, 2].map(() => rotate(h, token.id, { grace_seconds: 60 }, { "idempotency-key": key })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => a.body.data.accessToken)).size).toBe(1);
    expect((await verify(h, token.secret)).secret).toBe("previous");
    const audit = await h.call("GET", "/v1/audit");
    expect(audit.body.data.filter((e: { action: string }) => e.action === "token.rotate")).toHaveLength(1);
  });

  it("without a key each build on the one before: the last answer is current, the one before it previous", async () => {
    const { h, token } = await setUp();
    const answers = await Promise.all([0, 1].map(() => rotate(h, token.id, { grace_seconds: 60 })));
    const secrets = answers.map((a) => a.body.data.accessToken as string);
    const roles = (await Promise.all(secrets.map((s) => verify(h, s)))).map((v) => v.secret).sort();
    expect(roles).toEqual(["current", "previous"]);
  });
});
