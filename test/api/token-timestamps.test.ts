/** created_at, updated_at and last_used_at of the token object, with time moved by a manual clock. */
import { describe, expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { openApiHarness } from "../helpers/api-harness.js";

const START = Date.parse("2030-05-01T09:00:00.000Z");
const MINUTE_MILLIS = 60_000;

describe("token timestamps", () => {
  it("sets created_at and updated_at to the clock's instant on create", async () => {
    const h = await openApiHarness({ clock: manualClock(START) });
    const res = await h.call("POST", "/v1/token", { body: { name: "Timed", scopes: ["email_full"] } });
    expect(res.body.data.created_at).toBe("2030-05-01T09:00:00.000Z");
    expect(res.body.data.updated_at).toBe("2030-05-01T09:00:00.000Z");
  });

  it("moves updated_at, not created_at, on a rename", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const token = await h.mint({ scopes: ["email_full"] });
    clock.advance(5 * MINUTE_MILLIS);
    const res = await h.call("PUT", `/v1/token/${token.id}`, { body: { name: "Later" } });
    expect(res.body.data.created_at).toBe("2030-05-01T09:00:00.000Z");
    expect(res.body.data.updated_at).toBe("2030-05-01T09:05:00.000Z");
  });

  it("moves updated_at on a pause", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const token = await h.mint({ scopes: ["email_full"] });
    clock.advance(MINUTE_MILLIS);
    const res = await h.call("PUT", `/v1/token/${token.id}/settings`, { body: { status: "pause" } });
    expect(res.body.data.updated_at).toBe("2030-05-01T09:01:00.000Z");
  });

  it("records last_used_at of an allowed verification once last-used instants are flushed", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const token = await h.mint({ scopes: ["email_full"] });
    clock.advance(2 * MINUTE_MILLIS);
    await h.call("POST", "/v1/verify", { token: null, body: { token: token.secret, method: "POST", area: "email" } });
    await h.latchkey.verifier.flushLastUsed();
    const res = await h.call("GET", `/v1/token/${token.id}`);
    expect(res.body.data.last_used_at).toBe("2030-05-01T09:02:00.000Z");
  });

  it("leaves last_used_at alone for a refused verification", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const token = await h.mint({ scopes: ["email_full"] });
    await h.call("POST", "/v1/verify", { token: null, body: { token: token.secret, method: "GET", area: "domains" } });
    await h.latchkey.verifier.flushLastUsed();
    expect((await h.call("GET", `/v1/token/${token.id}`)).body.data.last_used_at).toBeNull();
  });

  it("records last_used_at of a token used on the management API", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const caller = await h.mint({ scopes: ["tokens_full"] });
    clock.advance(3 * MINUTE_MILLIS);
    await h.call("GET", "/v1/token", { token: caller.secret });
    await h.latchkey.verifier.flushLastUsed();
    expect((await h.call("GET", `/v1/token/${caller.id}`)).body.data.last_used_at).toBe("2030-05-01T09:03:00.000Z");
  });
});
