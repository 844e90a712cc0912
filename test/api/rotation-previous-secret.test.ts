/**
 * The previous secret of a rotated token is the same token (issue 13; break test B2-8, B2-9): during the
 * grace, its uses count against the token's one set of rate windows and credits, together with the
 * current secret's, and a canary's previous secret is still a canary (answered as unknown, audited).
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { generateSecret } from "../../src/core/token-secret.js";
import { openApiHarness, type ApiHarness } from "../helpers/api-harness.js";
import { rememberSecret } from "../helpers/trace-log.js";

const START = Date.parse("2026-12-06T10:00:00.400Z");
const HOUR_SECONDS = 3600;

async function created(h: ApiHarness, body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const res = await h.call("POST", "/v1/token", { body: { name: "limited", scopes: ["domains_read"], ...body } });
  expect(res.status, res.text).toBe(201);
  rememberSecret(res.body.data.accessToken);
  return { id: res.body.data.id, secret: res.body.data.accessToken };
}

async function rotated(h: ApiHarness, id: string, graceSeconds = HOUR_SECONDS): Promise<string> {
  const res = await h.call("POST", `/v1/token/${id}/rotate`, { body: { grace_seconds: graceSeconds } });
  expect(res.status, res.text).toBe(200);
  rememberSecret(res.body.data.accessToken);
  return res.body.data.accessToken;
}

async function verify(h: ApiHarness, secret: string, extra: Record<string, unknown> = {}) {
  const res = await h.call("POST", "/v1/verify", { token: null, body: { token: secret, method: "GET", area: "domains", ...extra } });
  expect(res.status).toBe(200);
  return res.body as { allowed: boolean; code: string; secret?: string };
}

async function creditsLeft(h: ApiHarness, id: string): Promise<number> {
  return (await h.call("GET", `/v1/token/${id}/limits`)).body.data.credits.remaining;
}

describe("the previous secret counts against the token's limits (B2-9)", () => {
  it("gives the two secrets together exactly the window's 2 uses", async () => {
    const h = await openApiHarness({ clock: manualClock(START) });
    const token = await created(h, { rate_limits: [{ name: "hourly", limit: 2, window_seconds: HOUR_SECONDS }] });
    const fresh = await rotated(h, token.id);
    const answers = [await verify(h, token.secret), await verify(h, fresh), await verify(h, token.secret), await verify(h, fresh)];
    expect(answers.map((a) => a.code)).toEqual(["ok", "ok", "rate_limited", "rate_limited"]);
    expect(answers[0]?.secret).toBe("previous");
  });

  it("counts uses made before the rotation against the old secret after it", async () => {
    const h = await openApiHarness({ clock: manualClock(START) });
    const token = await created(h, { rate_limits: [{ name: "hourly", limit: 2, window_seconds: HOUR_SECONDS }] });
    expect((await verify(h, token.secret)).code).toBe("ok");
    expect((await verify(h, token.secret)).code).toBe("ok");
    const fresh = await rotated(h, token.id);
    expect([(await verify(h, token.secret)).code, (await verify(h, fresh)).code]).toEqual(["rate_limited", "rate_limited"]);
  });

  it("spends the token's credits by cost whichever secret is used", async () => {
    const h = await openApiHarness({ clock: manualClock(START) });
    const token = await created(h, { credits: { remaining: 10 } });
    const fresh = await rotated(h, token.id);
    expect((await verify(h, token.secret, { cost: 3 })).code).toBe("ok");
    expect(await creditsLeft(h, token.id)).toBe(7);
    expect((await verify(h, fresh, { cost: 2 })).code).toBe("ok");
    expect(await creditsLeft(h, token.id)).toBe(5);
    expect((await verify(h, token.secret, { cost: 6 })).code).toBe("credits_exhausted");
    expect((await verify(h, token.secret, { cost: 5 })).code).toBe("ok");
    expect([(await verify(h, token.secret)).code, (await verify(h, fresh)).code]).toEqual(["credits_exhausted", "credits_exhausted"]);
    expect(await creditsLeft(h, token.id)).toBe(0);
  });

  it("binds the old secret to limits set after the rotation", async () => {
    const h = await openApiHarness({ clock: manualClock(START) });
    const token = await created(h, {});
    const fresh = await rotated(h, token.id);
    expect((await verify(h, token.secret)).code).toBe("ok"); // cached without limits
    const put = await h.call("PUT", `/v1/token/${token.id}/limits`, { body: { rate_limits: [{ name: "hourly", limit: 1, window_seconds: HOUR_SECONDS }] } });
    expect(put.status, put.text).toBe(200);
    expect([(await verify(h, token.secret)).code, (await verify(h, fresh)).code]).toEqual(["ok", "rate_limited"]);
  });
});

describe("a rotated canary's previous secret is still a canary (B2-8)", () => {
  it("is answered as an unknown token, on /v1/verify and the API, and each use is audited token.canary_use", async () => {
    const h = await openApiHarness({ clock: manualClock(START) });
    const bait = await created(h, { name: "bait", canary: true });
    await rotated(h, bait.id);
    const unknown = generateSecret("lk_", { bytes: (n) => randomBytes(n) });
    for (let use = 0; use < 2; use++) expect(await verify(h, bait.secret)).toEqual(await verify(h, unknown));
    expect((await verify(h, unknown)).code).toBe("token_unknown");
    const onApi = await h.call("GET", "/v1/scopes", { token: bait.secret });
    expect([onApi.status, onApi.body.code]).toEqual([401, "token_unknown"]);
    const operator = { principal: await h.latchkey.operator("default"), ip: null };
    // Canary uses are audited in the background: poll.
    await expect
      .poll(
        async () =>
          (await h.latchkey.auditEvents(operator, { page: 1, limit: 100 })).events.filter((e) => e.action === "token.canary_use" && e.target?.id === bait.id)
            .length,
      )
      .toBe(3);
  });
});

describe("a token used only through its previous secret is in use (B2-11)", () => {
  it("shows, filters and sorts by the later of the two secrets' last uses", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const idle = await created(h, { name: "idle" });
    const current = await created(h, { name: "current user" });
    const migrating = await created(h, { name: "migrating" });
    await rotated(h, migrating.id, 7 * 24 * HOUR_SECONDS);
    clock.advance(2 * 24 * HOUR_SECONDS * 1000);
    expect((await verify(h, current.secret)).code).toBe("ok");
    clock.advance(1000);
    expect((await verify(h, migrating.secret)).secret).toBe("previous");
    await h.latchkey.verifier.flushLastUsed();
    const usedAt = new Date(clock.nowMillis()).toISOString();

    const shown = (await h.call("GET", `/v1/token/${migrating.id}`)).body.data;
    expect([shown.last_used_at, shown.previous_secret.last_used_at]).toEqual([usedAt, usedAt]);
    const ours = [idle.id, current.id, migrating.id];
    const listed = async (query: string) =>
      ((await h.call("GET", `/v1/token?${query}&limit=100`)).body.data as { id: string; last_used_at: string | null }[]).filter((t) => ours.includes(t.id));
    expect((await listed("unused_days=1")).map((t) => t.id)).toEqual([idle.id]);
    expect((await listed("sort=last_used_at")).map((t) => t.id)).toEqual([idle.id, current.id, migrating.id]);
    expect((await listed("sort=-last_used_at")).map((t) => t.id)).toEqual([migrating.id, current.id, idle.id]);
    expect((await listed("sort=last_used_at")).find((t) => t.id === migrating.id)?.last_used_at).toBe(usedAt);
  });

  it("keeps the current secret's later use as the token's", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const token = await created(h, {});
    const fresh = await rotated(h, token.id);
    clock.advance(1000);
    await verify(h, token.secret);
    clock.advance(1000);
    await verify(h, fresh);
    await h.latchkey.verifier.flushLastUsed();
    const shown = (await h.call("GET", `/v1/token/${token.id}`)).body.data;
    expect([shown.last_used_at, shown.previous_secret.last_used_at]).toEqual([new Date(START + 2000).toISOString(), new Date(START + 1000).toISOString()]);
  });
});
