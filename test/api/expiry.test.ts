/**
 * Expiry: `YYYY-MM-DD` lasts through the end of that UTC day, RFC 3339 with an offset is stored and
 * returned in UTC, a past expiry is refused, and an expired token is refused everywhere. Time is moved
 * with a manual clock.
 */
import { describe, expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { openApiHarness, type ApiHarness } from "../helpers/api-harness.js";

const NOW = Date.parse("2030-03-10T12:00:00.000Z");

async function create(h: ApiHarness, expiresAt: string) {
  return h.call("POST", "/v1/token", { body: { name: "Expiring", scopes: ["email_full", "tokens_full"], expires_at: expiresAt } });
}

async function verifyCode(h: ApiHarness, secret: string): Promise<string> {
  const res = await h.call("POST", "/v1/verify", { token: null, body: { token: secret, method: "POST", area: "email" } });
  return res.body.code;
}

describe("expires_at as YYYY-MM-DD", () => {
  it("is stored as the start of the next UTC day", async () => {
    const h = await openApiHarness({ clock: manualClock(NOW) });
    const res = await create(h, "2030-03-12");
    expect(res.status).toBe(201);
    expect(res.body.data.expires_at).toBe("2030-03-13T00:00:00.000Z");
  });

  it("accepts today, which lasts until midnight UTC", async () => {
    const h = await openApiHarness({ clock: manualClock(NOW) });
    const res = await create(h, "2030-03-10");
    expect(res.status).toBe(201);
    expect(res.body.data.expires_at).toBe("2030-03-11T00:00:00.000Z");
  });

  it("lets the token work at the last millisecond of that day", async () => {
    const clock = manualClock(NOW);
    const h = await openApiHarness({ clock });
    const res = await create(h, "2030-03-10");
    clock.set(Date.parse("2030-03-10T23:59:59.999Z"));
    expect(await verifyCode(h, res.body.data.accessToken)).toBe("ok");
  });

  it("expires the token at midnight UTC after that day", async () => {
    const clock = manualClock(NOW);
    const h = await openApiHarness({ clock });
    const res = await create(h, "2030-03-10");
    clock.set(Date.parse("2030-03-11T00:00:00.000Z"));
    expect(await verifyCode(h, res.body.data.accessToken)).toBe("token_expired");
  });

  it("refuses yesterday with 422 naming expires_at", async () => {
    const h = await openApiHarness({ clock: manualClock(NOW) });
    const res = await create(h, "2030-03-09");
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors)).toEqual(["expires_at"]);
  });
});

describe("expires_at as RFC 3339 with an offset", () => {
  it("is returned in UTC by create and by show", async () => {
    const h = await openApiHarness({ clock: manualClock(NOW) });
    const res = await create(h, "2030-06-01T18:30:00+02:00");
    expect(res.body.data.expires_at).toBe("2030-06-01T16:30:00.000Z");
    const shown = await h.call("GET", `/v1/token/${res.body.data.id}`);
    expect(shown.body.data.expires_at).toBe("2030-06-01T16:30:00.000Z");
  });

  it("accepts Z and a negative offset", async () => {
    const h = await openApiHarness({ clock: manualClock(NOW) });
    expect((await create(h, "2030-06-01T16:30:00Z")).body.data.expires_at).toBe("2030-06-01T16:30:00.000Z");
    expect((await create(h, "2030-06-01T11:30:00-05:00")).body.data.expires_at).toBe("2030-06-01T16:30:00.000Z");
  });

  it("expires the token exactly at that instant", async () => {
    const clock = manualClock(NOW);
    const h = await openApiHarness({ clock });
    const res = await create(h, "2030-03-10T15:00:00+02:00");
    clock.set(Date.parse("2030-03-10T12:59:59.999Z"));
    expect(await verifyCode(h, res.body.data.accessToken)).toBe("ok");
    clock.set(Date.parse("2030-03-10T13:00:00.000Z"));
    expect(await verifyCode(h, res.body.data.accessToken)).toBe("token_expired");
  });

  it.each([
    ["one second ago", "2030-03-10T11:59:59Z"],
    ["now", "2030-03-10T12:00:00Z"],
    ["in the past with an offset", "2030-03-10T13:00:00+02:00"],
  ])("refuses an instant %s with 422 naming expires_at", async (_when, expiresAt) => {
    const h = await openApiHarness({ clock: manualClock(NOW) });
    const res = await create(h, expiresAt);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation_failed");
    expect(Object.keys(res.body.errors)).toEqual(["expires_at"]);
  });

  it("creates no token when the expiry is refused", async () => {
    const h = await openApiHarness({ clock: manualClock(NOW) });
    await create(h, "2030-01-01");
    expect((await h.call("GET", "/v1/token")).body.meta.total).toBe(1);
  });
});

describe("an expired token", () => {
  it.each([
    ["GET", "/v1/token"],
    ["POST", "/v1/token"],
    ["GET", "/v1/audit"],
    ["GET", "/v1/scopes"],
    ["GET", "/v1/domains"],
  ])("gets 401 token_expired on %s %s", async (method, path) => {
    const clock = manualClock(NOW);
    const h = await openApiHarness({ clock });
    const token = await h.mint({ expiresAt: "2030-03-11T00:00:00Z" });
    clock.advance(86_400_000);
    const res = await h.call(method, path, { token: token.secret, body: method === "POST" ? { name: "x", scopes: ["email_full"] } : undefined });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("token_expired");
  });

  it("is refused by /v1/verify with token_expired and status 401", async () => {
    const clock = manualClock(NOW);
    const h = await openApiHarness({ clock });
    const token = await h.mint({ scopes: ["email_full"], expiresAt: "2030-03-10" });
    clock.advance(12 * 3_600_000);
    const res = await h.call("POST", "/v1/verify", { token: null, body: { token: token.secret, method: "POST", area: "email" } });
    expect(res.body).toEqual({ allowed: false, status: 401, code: "token_expired", message: expect.any(String) });
  });

  it("still shows in the list with its expiry", async () => {
    const clock = manualClock(NOW);
    const h = await openApiHarness({ clock });
    const token = await h.mint({ scopes: ["email_full"], expiresAt: "2030-03-10" });
    clock.advance(86_400_000);
    const res = await h.call("GET", `/v1/token/${token.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data.expires_at).toBe("2030-03-11T00:00:00.000Z");
  });
});
