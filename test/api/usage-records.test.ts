/**
 * Usage records (issue 14): counts per token, hour, area and outcome code, answered before and after
 * they are written (never twice), written in batches (no write per verification: test/usage/usage-writes.test.ts), kept
 * for the retention period; last use with address, area and method; CSV; the token list by last use.
 */
import { describe, expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { openApiHarness, type ApiHarness } from "../helpers/api-harness.js";

const START = Date.parse("2026-12-06T10:15:00.000Z");

function verify(h: ApiHarness, secret: string, extra: Record<string, unknown> = {}) {
  return h.call("POST", "/v1/verify", { token: null, body: { token: secret, method: "GET", area: "domains", ...extra } });
}

async function flush(h: ApiHarness): Promise<void> {
  await h.latchkey.usageGate.recorder.flush();
  await h.latchkey.usageGate.limiter.flush();
  await h.latchkey.verifier.flushLastUsed();
}

describe("usage counts", () => {
  it("counts allowed and refused verifications by code, the same before and after the batch is written", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const token = await h.mint({ name: "reader", scopes: ["domains_read"] });
    for (let i = 0; i < 3; i++) await verify(h, token.secret);
    for (let i = 0; i < 2; i++) await verify(h, token.secret, { method: "DELETE" });
    await verify(h, token.secret, { area: "nope" });
    const url = `/v1/token/${token.id}/usage?from=2026-12-06T00:00:00Z&to=2026-12-07T00:00:00Z`;
    const before = (await h.call("GET", url)).body.data;
    expect(before.totals).toEqual({ ok: 3, scope_missing: 2, unknown_area: 1 });
    expect(before.areas).toEqual({ domains: { ok: 3, scope_missing: 2 }, unknown: { unknown_area: 1 } });
    expect(before.series).toHaveLength(24);
    expect(before.series[10]).toEqual({ start: "2026-12-06T10:00:00.000Z", counts: { ok: 3, scope_missing: 2, unknown_area: 1 } });
    await flush(h);
    const after = (await h.call("GET", url)).body.data;
    expect(after.totals).toEqual(before.totals);
    expect(after.series).toEqual(before.series);
    // More after the write adds to it, in the same hour row.
    await verify(h, token.secret);
    await flush(h);
    expect((await h.call("GET", url)).body.data.totals.ok).toBe(4);
  });

  it("keeps hours apart, sums them by day, and keeps the last use with its address, area and method", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const token = await h.mint();
    await verify(h, token.secret, { ip: "203.0.113.9" });
    clock.advance(3_600_000);
    await verify(h, token.secret, { method: "POST", area: "email", ip: "203.0.113.10" });
    clock.advance(86_400_000);
    await verify(h, token.secret);
    const hours = (await h.call("GET", `/v1/token/${token.id}/usage?from=2026-12-06&to=2026-12-08&granularity=hour`)).body.data;
    expect(hours.series.filter((b: { counts: object }) => Object.keys(b.counts).length > 0).map((b: { start: string }) => b.start)).toEqual([
      "2026-12-06T10:00:00.000Z",
      "2026-12-06T11:00:00.000Z",
      "2026-12-07T11:00:00.000Z",
    ]);
    await flush(h);
    const days = (await h.call("GET", `/v1/token/${token.id}/usage?from=2026-12-06&to=2026-12-08&granularity=day`)).body.data;
    expect(days.series).toEqual([
      { start: "2026-12-06T00:00:00.000Z", counts: { ok: 2 } },
      { start: "2026-12-07T00:00:00.000Z", counts: { ok: 1 } },
    ]);
    expect(days.last_use).toEqual({ used_at: "2026-12-07T11:15:00.000Z", ip: null, area: "domains", method: "GET" });
    const earlier = (await h.call("GET", `/v1/token/${token.id}/usage?from=2026-12-06&to=2026-12-08`)).body.data;
    expect(earlier.last_use.method).toBe("GET");
  });

  it("answers the account's usage with its busiest tokens first, and as CSV", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const busy = await h.mint({ name: "busy, \"quoted\"" });
    const quiet = await h.mint({ name: "=quiet" });
    for (let i = 0; i < 4; i++) await verify(h, busy.secret);
    await verify(h, quiet.secret, { area: "nope" });
    const report = (await h.call("GET", "/v1/usage?from=2026-12-06&to=2026-12-07")).body.data;
    // The root token's own management calls are counted too (area tokens); leave them aside.
    expect(report.tokens.filter((t: { token_id: string }) => t.token_id !== h.root.id)).toEqual([
      { token_id: busy.id, name: 'busy, "quoted"', total: 4, refused: 0 },
      { token_id: quiet.id, name: "=quiet", total: 1, refused: 1 },
    ]);
    expect(report.areas.domains).toEqual({ ok: 4 });
    expect(report.areas.unknown).toEqual({ unknown_area: 1 });
    const csv = await h.call("GET", "/v1/usage?from=2026-12-06&to=2026-12-07&format=csv");
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.text.split("\r\n").filter((line) => !line.includes(h.root.id))).toEqual([
      "hour,token_id,token_name,area,code,count",
      ...[
        `2026-12-06T10:00:00.000Z,${busy.id},"busy, ""quoted""",domains,ok,4`,
        `2026-12-06T10:00:00.000Z,${quiet.id},'=quiet,unknown,unknown_area,1`,
      ].sort(),
      "",
    ]);
  });

  it("deletes counts past the retention period (90 days) on a batch write", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const token = await h.mint();
    await verify(h, token.secret);
    await flush(h);
    clock.advance(91 * 86_400_000);
    await verify(h, token.secret);
    await flush(h);
    const report = (await h.call("GET", `/v1/token/${token.id}/usage?from=2026-12-01&to=2027-03-31&granularity=day`)).body.data;
    expect(report.totals).toEqual({ ok: 1 });
  });

  it("refuses an ip that is not an address with 422 (it would be shown as the last use)", async () => {
    const h = await openApiHarness({ clock: manualClock(START) });
    const token = await h.mint();
    for (const ip of ["<script>", "10.0.0.300", "x".repeat(46)]) expect((await verify(h, token.secret, { ip })).status, ip).toBe(422);
    expect((await verify(h, token.secret, { ip: "2001:db8::1" })).body.code).toBe("ok");
  });

  it("refuses bad ranges with 422 naming the field", async () => {
    const h = await openApiHarness({ clock: manualClock(START) });
    for (const [label, query, field] of [
      ["from not a date", "from=yesterday", "from"],
      ["to before from", "from=2026-12-06&to=2026-12-01", "to"],
      ["too many hours", "from=2026-01-01&to=2026-12-01", "from"],
      ["unknown granularity", "granularity=week", "granularity"],
    ] as const) {
      const res = await h.call("GET", `/v1/usage?${query}`);
      expect(res.status, label).toBe(422);
      expect(Object.keys(res.body.errors), label).toContain(field);
    }
  });
});

describe("the token list by last use", () => {
  it("filters tokens unused for N days (never used included) and sorts by last use", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const old = await h.mint({ name: "old" });
    const never = await h.mint({ name: "never" });
    await verify(h, old.secret);
    await flush(h);
    clock.advance(40 * 86_400_000);
    const fresh = await h.mint({ name: "fresh" });
    await verify(h, fresh.secret);
    await verify(h, h.root.secret);
    const unused = (await h.call("GET", "/v1/token?unused_days=30&sort=last_used_at")).body;
    expect(unused.data.map((t: { name: string }) => t.name)).toEqual(["never", "old"]);
    expect(unused.meta.total).toBe(2);
    const newest = (await h.call("GET", "/v1/token?sort=-last_used_at")).body.data.map((t: { name: string }) => t.name);
    expect(newest.slice(-2)).toEqual(["old", "never"]);
    expect(never.id).toBeTruthy();
  });
});
