/**
 * Per-token rate windows and credits over the API (issue 14), on a fixed clock: exact counts, 429
 * answered as data by POST /v1/verify and as HTTP 429 with Retry-After by the management API, refill
 * on schedule, and every bad input refused with 422 changing nothing.
 */
import { describe, expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { openApiHarness, type ApiHarness } from "../helpers/api-harness.js";

/** 2026-12-06T10:00:00.400Z: 400 ms into a second, 10 h into a UTC day. */
const START = Date.parse("2026-12-06T10:00:00.400Z");

async function limitedToken(h: ApiHarness, limits: Record<string, unknown>, scopes?: string[]): Promise<{ id: string; secret: string }> {
  const res = await h.call("POST", "/v1/token", { body: { name: "limited", ...(scopes === undefined ? { has_full: true } : { scopes }), ...limits } });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.data.id, secret: res.body.data.accessToken };
}

function verify(h: ApiHarness, secret: string, extra: Record<string, unknown> = {}) {
  return h.call("POST", "/v1/verify", { token: null, body: { token: secret, method: "GET", area: "domains", ...extra } });
}

describe("rate windows", () => {
  it("allows exactly 5 in a 1 s window, then 429 rate_limited naming it with a correct Retry-After, and again in the next window", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const token = await limitedToken(h, { rate_limits: [{ name: "burst", limit: 5, window_seconds: 1 }] });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await verify(h, token.secret)).body);
    expect(answers.slice(0, 5).map((a) => a.code)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
    expect(answers[5]).toMatchObject({ allowed: false, status: 429, code: "rate_limited", window: "burst", retry_after_seconds: 1 });
    expect(answers[5].message).toContain("burst");
    clock.advance(599); // 999 ms: still the same window
    expect((await verify(h, token.secret)).body.code).toBe("rate_limited");
    clock.advance(1); // the next second
    expect((await verify(h, token.secret)).body).toMatchObject({ allowed: true, code: "ok" });
  });

  it("gives Retry-After as the whole seconds left in the window, rounded up", async () => {
    const clock = manualClock(Date.parse("2026-12-06T10:00:03.200Z"));
    const h = await openApiHarness({ clock });
    const token = await limitedToken(h, { rate_limits: [{ name: "minute", limit: 1, window_seconds: 10 }] });
    expect((await verify(h, token.secret)).body.code).toBe("ok");
    // The window is 10:00:00..10:00:10; 6.8 s are left.
    expect((await verify(h, token.secret)).body).toMatchObject({ code: "rate_limited", retry_after_seconds: 7 });
  });

  it("names the first full window of several", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const token = await limitedToken(h, { rate_limits: [{ name: "burst", limit: 3, window_seconds: 1 }, { name: "hourly", limit: 4, window_seconds: 3600 }] });
    for (let i = 0; i < 3; i++) expect((await verify(h, token.secret)).body.code).toBe("ok");
    expect((await verify(h, token.secret)).body.window).toBe("burst");
    clock.advance(1000);
    expect((await verify(h, token.secret)).body.code).toBe("ok");
    const hourly = (await verify(h, token.secret)).body;
    expect(hourly).toMatchObject({ code: "rate_limited", window: "hourly", retry_after_seconds: 3600 - 1 });
  });

  it("does not count a request refused by another check", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const token = await limitedToken(h, { rate_limits: [{ name: "burst", limit: 2, window_seconds: 60 }] }, ["domains_read"]);
    for (let i = 0; i < 5; i++) expect((await verify(h, token.secret, { method: "POST" })).body.code).toBe("scope_missing");
    expect((await verify(h, token.secret)).body.code).toBe("ok");
    expect((await verify(h, token.secret)).body.code).toBe("ok");
    expect((await verify(h, token.secret)).body.code).toBe("rate_limited");
  });

  it("answers the management API with HTTP 429 and Retry-After once the token's window is full", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const token = await limitedToken(h, { rate_limits: [{ name: "api", limit: 2, window_seconds: 60 }] });
    expect((await h.call("GET", "/v1/token", { token: token.secret })).status).toBe(200);
    expect((await h.call("GET", "/v1/domains", { token: token.secret })).status).toBe(200);
    const limited = await h.call("GET", "/v1/token", { token: token.secret });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("rate_limited");
    expect(limited.headers["retry-after"]).toBe("60");
  });
});

describe("credits", () => {
  it("spend the stated cost and refill to the amount at the next UTC day", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const token = await limitedToken(h, { credits: { remaining: 10, refill: { amount: 7, interval: "daily" } } });
    expect((await verify(h, token.secret, { cost: 4 })).body.code).toBe("ok");
    expect((await verify(h, token.secret)).body.code).toBe("ok");
    expect((await h.call("GET", `/v1/token/${token.id}/limits`)).body.data.credits.remaining).toBe(5);
    const exhausted = (await verify(h, token.secret, { cost: 6 })).body;
    // 14 h to midnight UTC.
    expect(exhausted).toMatchObject({ allowed: false, status: 429, code: "credits_exhausted", retry_after_seconds: 14 * 3600 });
    expect((await h.call("GET", `/v1/token/${token.id}/limits`)).body.data.credits.remaining).toBe(5);
    clock.set(Date.parse("2026-12-07T00:00:00.000Z"));
    expect((await verify(h, token.secret, { cost: 6 })).body.code).toBe("ok");
    expect((await h.call("GET", `/v1/token/${token.id}/limits`)).body.data.credits.remaining).toBe(1);
  });

  it("refill monthly at the first UTC day of the next month", async () => {
    const clock = manualClock(Date.parse("2026-12-31T23:59:59.000Z"));
    const h = await openApiHarness({ clock });
    const token = await limitedToken(h, { credits: { remaining: 1, refill: { amount: 3, interval: "monthly" } } });
    expect((await verify(h, token.secret)).body.code).toBe("ok");
    expect((await verify(h, token.secret)).body).toMatchObject({ code: "credits_exhausted", retry_after_seconds: 1 });
    clock.set(Date.parse("2027-01-01T00:00:00.000Z"));
    for (let i = 0; i < 3; i++) expect((await verify(h, token.secret)).body.code).toBe("ok");
    expect((await verify(h, token.secret)).body.code).toBe("credits_exhausted");
  });

  it("without a refill run out for good, with no retry_after_seconds", async () => {
    const h = await openApiHarness({ clock: manualClock(START) });
    const token = await limitedToken(h, { credits: { remaining: 2 } });
    expect((await verify(h, token.secret, { cost: 2 })).body.code).toBe("ok");
    const answer = (await verify(h, token.secret)).body;
    expect(answer).toMatchObject({ status: 429, code: "credits_exhausted" });
    expect(answer.retry_after_seconds).toBeUndefined();
  });

  it("survive a restart of the counters: the batch write keeps what was spent", async () => {
    const h = await openApiHarness({ clock: manualClock(START) });
    const token = await limitedToken(h, { credits: { remaining: 5 } });
    await verify(h, token.secret, { cost: 3 });
    await h.latchkey.usageGate.limiter.flush();
    h.latchkey.usageGate.limiter.forget(token.id);
    h.latchkey.verifier.invalidateAll();
    expect((await h.call("GET", `/v1/token/${token.id}/limits`)).body.data.credits.remaining).toBe(2);
    expect((await verify(h, token.secret, { cost: 3 })).body.code).toBe("credits_exhausted");
  });
});

describe("bad input gets 422 and changes nothing", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["a negative limit", { rate_limits: [{ name: "burst", limit: -1, window_seconds: 1 }] }, "rate_limits[0].limit"],
    ["a window of 0 seconds", { rate_limits: [{ name: "burst", limit: 5, window_seconds: 0 }] }, "rate_limits[0].window_seconds"],
    ["a fractional limit", { rate_limits: [{ name: "burst", limit: 1.5, window_seconds: 1 }] }, "rate_limits[0].limit"],
    ["two windows of one name", { rate_limits: [{ name: "a", limit: 1, window_seconds: 1 }, { name: "a", limit: 2, window_seconds: 2 }] }, "rate_limits[1].name"],
    ["a bad window name", { rate_limits: [{ name: "Burst!", limit: 1, window_seconds: 1 }] }, "rate_limits[0].name"],
    ["an unknown refill interval", { credits: { remaining: 5, refill: { amount: 5, interval: "weekly" } } }, "credits.refill.interval"],
    ["negative credits", { credits: { remaining: -1 } }, "credits.remaining"],
    ["a refill of 0", { credits: { remaining: 1, refill: { amount: 0, interval: "daily" } } }, "credits.refill.amount"],
  ];

  it("on PUT /v1/token/{id}/limits, naming the field (labelled cases)", async () => {
    const h = await openApiHarness({ clock: manualClock(START) });
    const token = await limitedToken(h, { rate_limits: [{ name: "keep", limit: 9, window_seconds: 9 }], credits: { remaining: 9 } });
    const before = (await h.call("GET", `/v1/token/${token.id}/limits`)).body;
    for (const [label, body, field] of cases) {
      const res = await h.call("PUT", `/v1/token/${token.id}/limits`, { body });
      expect(res.status, label).toBe(422);
      expect(res.body.code, label).toBe("validation_failed");
      expect(Object.keys(res.body.errors), label).toContain(field);
      expect((await h.call("GET", `/v1/token/${token.id}/limits`)).body, label).toEqual(before);
    }
  });

  it("on POST /v1/token, creating nothing (labelled cases)", async () => {
    const h = await openApiHarness({ clock: manualClock(START) });
    for (const [label, body, field] of cases) {
      const res = await h.call("POST", "/v1/token", { body: { name: "x", has_full: true, ...body } });
      expect(res.status, label).toBe(422);
      expect(Object.keys(res.body.errors), label).toContain(field);
    }
    expect((await h.call("GET", "/v1/token")).body.meta.total).toBe(1);
  });

  it("on POST /v1/verify: a cost above what the credits can ever cover, a cost of 0 or below; nothing is spent", async () => {
    const h = await openApiHarness({ clock: manualClock(START) });
    const token = await limitedToken(h, { credits: { remaining: 3 } });
    const refillable = await limitedToken(h, { credits: { remaining: 3, refill: { amount: 4, interval: "daily" } } });
    for (const [label, secret, cost] of [
      ["cost above remaining, no refill", token.secret, 4],
      ["cost above remaining and the refill", refillable.secret, 5],
      ["cost 0", token.secret, 0],
      ["negative cost", token.secret, -2],
      ["fractional cost", token.secret, 1.5],
    ] as const) {
      const res = await verify(h, secret, { cost });
      expect(res.status, label).toBe(422);
      expect(Object.keys(res.body.errors), label).toEqual(["cost"]);
    }
    expect((await h.call("GET", `/v1/token/${token.id}/limits`)).body.data.credits.remaining).toBe(3);
    expect((await h.call("GET", `/v1/token/${refillable.id}/limits`)).body.data.credits.remaining).toBe(3);
    expect((await verify(h, token.secret, { cost: 3 })).body.code).toBe("ok");
  });
});

describe("managing limits", () => {
  it("replaces limits at once and removes them with empty values", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const token = await limitedToken(h, { rate_limits: [{ name: "burst", limit: 1, window_seconds: 60 }] });
    expect((await verify(h, token.secret)).body.code).toBe("ok");
    expect((await verify(h, token.secret)).body.code).toBe("rate_limited");
    const put = await h.call("PUT", `/v1/token/${token.id}/limits`, { body: { rate_limits: [{ name: "burst", limit: 3, window_seconds: 60 }], credits: { remaining: 100, refill: { amount: 100, interval: "monthly" } } } });
    expect(put.status).toBe(200);
    expect(put.body.data).toEqual({ rate_limits: [{ name: "burst", limit: 3, window_seconds: 60 }], credits: { remaining: 100, refill: { amount: 100, interval: "monthly" } } });
    for (let i = 0; i < 3; i++) expect((await verify(h, token.secret)).body.code).toBe("ok");
    expect((await verify(h, token.secret)).body.code).toBe("rate_limited");
    expect((await h.call("PUT", `/v1/token/${token.id}/limits`, { body: { rate_limits: [], credits: null } })).body.data).toEqual({ rate_limits: [], credits: null });
    for (let i = 0; i < 10; i++) expect((await verify(h, token.secret)).body.code).toBe("ok");
    const audit = (await h.call("GET", "/v1/audit")).body.data.map((e: { action: string }) => e.action);
    expect(audit.filter((a: string) => a === "token.limits")).toHaveLength(2);
  });

  it("keeps PUT /v1/token/{id} as MailerSend has it: limit fields are not accepted there", async () => {
    const h = await openApiHarness();
    const token = await h.mint();
    const res = await h.call("PUT", `/v1/token/${token.id}`, { body: { name: "renamed", rate_limits: [] } });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors)).toEqual(["rate_limits"]);
  });

  it("refuses a child looser than its parent (the creating token), with ceiling_exceeded", async () => {
    const h = await openApiHarness({ clock: manualClock(START) });
    const parent = await limitedToken(h, { rate_limits: [{ name: "burst", limit: 10, window_seconds: 1 }], credits: { remaining: 50 } });
    const make = (limits: Record<string, unknown>) => h.call("POST", "/v1/token", { token: parent.secret, body: { name: "child", has_full: true, ...limits } });
    expect((await make({})).body.code).toBe("ceiling_exceeded");
    expect((await make({ rate_limits: [{ name: "burst", limit: 11, window_seconds: 1 }], credits: { remaining: 50 } })).body.code).toBe("ceiling_exceeded");
    expect((await make({ rate_limits: [{ name: "burst", limit: 10, window_seconds: 1 }], credits: { remaining: 51 } })).body.code).toBe("ceiling_exceeded");
    const child = await make({ rate_limits: [{ name: "slow", limit: 5, window_seconds: 2 }], credits: { remaining: 20 } });
    expect(child.status).toBe(201);
    // Later changes stay within the parent too, even by the operator's root token.
    const loosen = await h.call("PUT", `/v1/token/${child.body.data.id}/limits`, { body: { rate_limits: [{ name: "slow", limit: 500, window_seconds: 2 }], credits: { remaining: 20 } } });
    expect(loosen.status).toBe(403);
    expect(loosen.body.code).toBe("ceiling_exceeded");
  });

  it("refuses a token changing its own limits, which would restart its counters (found by the break test)", async () => {
    const h = await openApiHarness({ clock: manualClock(START) });
    const token = await limitedToken(h, { rate_limits: [{ name: "burst", limit: 2, window_seconds: 3600 }], credits: { remaining: 5 } });
    expect((await verify(h, token.secret)).body.code).toBe("ok");
    // Its own request is the window's second use.
    const again = await h.call("PUT", `/v1/token/${token.id}/limits`, { token: token.secret, body: { rate_limits: [{ name: "burst", limit: 2, window_seconds: 3600 }], credits: { remaining: 5 } } });
    expect([again.status, again.body.code]).toEqual([403, "ceiling_exceeded"]);
    expect((await verify(h, token.secret)).body.code).toBe("rate_limited");
  });

  it("bounds a child's credits by what the creating token has left, not what it was given (found by the break test)", async () => {
    const h = await openApiHarness({ clock: manualClock(START) });
    const parent = await limitedToken(h, { credits: { remaining: 10 } });
    for (let i = 0; i < 7; i++) await h.call("GET", "/v1/scopes", { token: parent.secret });
    // 7 management requests + this create's own authentication: 2 left.
    const tooMany = await h.call("POST", "/v1/token", { token: parent.secret, body: { name: "child", has_full: true, credits: { remaining: 5 } } });
    expect([tooMany.status, tooMany.body.code]).toEqual([403, "ceiling_exceeded"]);
    const fits = await h.call("POST", "/v1/token", { token: parent.secret, body: { name: "child", has_full: true, credits: { remaining: 1 } } });
    expect(fits.status).toBe(201);
  });

  it("needs tokens_full and answers 404 for another account's token", async () => {
    const h = await openApiHarness();
    const reader = await h.mint({ scopes: ["domains_read"] });
    const target = await h.mint();
    expect((await h.call("GET", `/v1/token/${target.id}/limits`, { token: reader.secret })).body.code).toBe("scope_missing");
    expect((await h.call("PUT", `/v1/token/${target.id}/limits`, { token: reader.secret, body: { credits: { remaining: 1 } } })).status).toBe(403);
    expect((await h.call("GET", "/v1/token/tok_nope/limits")).status).toBe(404);
  });
});
