import { describe, expect, it } from "vitest";
import { limitsWithinParent, nextRefillMillis, parseCost, parseLimits, recordLimitsOfColumns, refillPeriod, retryAfterSeconds, windowStartMillis, type TokenLimits } from "./rate-limits.js";

describe("parseLimits", () => {
  it("reads windows and credits in their wire shapes", () => {
    expect(parseLimits([{ name: "burst", limit: 100, window_seconds: 1 }], { remaining: 1000, refill: { amount: 1000, interval: "daily" } })).toEqual({
      ok: true,
      limits: { windows: [{ name: "burst", limit: 100, windowSeconds: 1 }], credits: { remaining: 1000, refill: { amount: 1000, interval: "daily" } } },
    });
    expect(parseLimits(null, undefined)).toEqual({ ok: true, limits: { windows: [], credits: null } });
    expect(parseLimits([], { remaining: 0 })).toEqual({ ok: true, limits: { windows: [], credits: { remaining: 0, refill: null } } });
  });

  it("reports every problem by field (labelled cases)", () => {
    const cases: [string, unknown, unknown, string[]][] = [
      ["negative limit", [{ name: "a", limit: -1, window_seconds: 1 }], null, ["rate_limits[0].limit"]],
      ["window 0", [{ name: "a", limit: 1, window_seconds: 0 }], null, ["rate_limits[0].window_seconds"]],
      ["window over a year", [{ name: "a", limit: 1, window_seconds: 31_536_001 }], null, ["rate_limits[0].window_seconds"]],
      ["limit as text", [{ name: "a", limit: "5", window_seconds: 1 }], null, ["rate_limits[0].limit"]],
      ["extra field", [{ name: "a", limit: 1, window_seconds: 1, burst: 2 }], null, ["rate_limits[0].burst"]],
      ["not a list", { name: "a" }, null, ["rate_limits"]],
      ["eleven windows", Array.from({ length: 11 }, (_, i) => ({ name: `w${i}`, limit: 1, window_seconds: 1 })), null, ["rate_limits"]],
      ["unknown interval", null, { remaining: 1, refill: { amount: 1, interval: "weekly" } }, ["credits.refill.interval"]],
      ["NaN remaining", null, { remaining: Number.NaN }, ["credits.remaining"]],
      ["credits as a number", null, 5, ["credits"]],
      ["several at once", [{ name: "", limit: 0, window_seconds: -1 }], { remaining: -1 }, ["rate_limits[0].name", "rate_limits[0].limit", "rate_limits[0].window_seconds", "credits.remaining"]],
    ];
    for (const [label, windows, credits, fields] of cases) {
      const parsed = parseLimits(windows, credits);
      expect(parsed.ok, label).toBe(false);
      if (!parsed.ok) expect(Object.keys(parsed.problems), label).toEqual(fields);
    }
  });
});

describe("arithmetic", () => {
  it("aligns windows to the epoch and rounds Retry-After up to whole seconds, at least 1", () => {
    expect(windowStartMillis(Date.parse("2026-12-06T10:00:07.300Z"), 10)).toBe(Date.parse("2026-12-06T10:00:00.000Z"));
    expect(retryAfterSeconds(1000, 1001)).toBe(1);
    expect(retryAfterSeconds(1000, 3000)).toBe(2);
    expect(retryAfterSeconds(1000, 3001)).toBe(3);
    expect(retryAfterSeconds(5000, 5000)).toBe(1);
  });

  it("numbers refill periods by UTC day and UTC month, and finds the next one's start", () => {
    const lastOfYear = Date.parse("2026-12-31T23:59:59.999Z");
    expect(refillPeriod("daily", lastOfYear) + 1).toBe(refillPeriod("daily", Date.parse("2027-01-01T00:00:00.000Z")));
    expect(nextRefillMillis("daily", refillPeriod("daily", lastOfYear))).toBe(Date.parse("2027-01-01T00:00:00.000Z"));
    expect(nextRefillMillis("monthly", refillPeriod("monthly", lastOfYear))).toBe(Date.parse("2027-01-01T00:00:00.000Z"));
    expect(nextRefillMillis("monthly", refillPeriod("monthly", Date.parse("2027-01-31T12:00:00Z")))).toBe(Date.parse("2027-02-01T00:00:00.000Z"));
    expect(refillPeriod("monthly", Date.parse("2027-02-28T23:59:59Z"))).toBe(refillPeriod("monthly", Date.parse("2027-02-01T00:00:00Z")));
  });

  it("parses a cost: whole, 1..1,000,000, default 1", () => {
    expect(parseCost(undefined)).toEqual({ ok: true, cost: 1 });
    expect(parseCost(7)).toEqual({ ok: true, cost: 7 });
    for (const bad of [0, -1, 1.5, "2", 1_000_001]) expect(parseCost(bad).ok, String(bad)).toBe(false);
  });

  it("reads the joined columns of the verification read; none without a limits row", () => {
    expect(recordLimitsOfColumns({ limits: null })).toBeNull();
    expect(recordLimitsOfColumns({ limits: '{"rate_limits":[],"credits":null}', limits_version: 3 })).toBeNull();
    expect(recordLimitsOfColumns({ limits: '{"rate_limits":[],"credits":{"remaining":5,"refill":null}}', credits_remaining: "4", credits_period: null, limits_version: 2 })).toEqual({
      limits: { windows: [], credits: { remaining: 5, refill: null } },
      version: 2,
      creditsRemaining: 4,
      creditsPeriod: null,
    });
  });
});

describe("limitsWithinParent", () => {
  const parent: TokenLimits = { windows: [{ name: "burst", limit: 10, windowSeconds: 1 }], credits: { remaining: 100, refill: { amount: 50, interval: "daily" } } };
  const within = (child: TokenLimits) => Object.keys(limitsWithinParent(parent, child));

  it("accepts a child as strict or stricter (labelled cases)", () => {
    const ok: [string, TokenLimits][] = [
      ["same", parent],
      ["lower limit, longer window, fewer credits, smaller refill", { windows: [{ name: "x", limit: 5, windowSeconds: 2 }], credits: { remaining: 10, refill: { amount: 5, interval: "daily" } } }],
      ["no refill", { windows: [{ name: "b", limit: 1, windowSeconds: 1 }], credits: { remaining: 1, refill: null } }],
    ];
    for (const [label, child] of ok) expect(within(child), label).toEqual([]);
    expect(Object.keys(limitsWithinParent({ windows: [], credits: null }, { windows: [], credits: null }))).toEqual([]);
  });

  it("refuses a child looser anywhere (labelled cases)", () => {
    const bad: [string, TokenLimits, string[]][] = [
      ["no limits at all", { windows: [], credits: null }, ["rate_limits", "credits"]],
      ["a higher limit", { ...parent, windows: [{ name: "burst", limit: 11, windowSeconds: 1 }] }, ["rate_limits"]],
      ["a shorter window", { ...parent, windows: [{ name: "burst", limit: 10, windowSeconds: 0.5 }] }, ["rate_limits"]],
      ["more credits", { ...parent, credits: { remaining: 101, refill: null } }, ["credits.remaining"]],
      ["a bigger refill", { ...parent, credits: { remaining: 1, refill: { amount: 51, interval: "daily" } } }, ["credits.refill"]],
      ["another interval", { ...parent, credits: { remaining: 1, refill: { amount: 1, interval: "monthly" } } }, ["credits.refill"]],
    ];
    for (const [label, child, fields] of bad) expect(within(child), label).toEqual(fields);
  });
});
