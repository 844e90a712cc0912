/**
 * No database write per verification (issue 14): verifications of tokens with and without limits
 * change no row until the batch is written, counted by SQLite's own change counter.
 */
import { expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { openApiHarness, type ApiHarness } from "../helpers/api-harness.js";

const START = Date.parse("2026-12-06T10:15:00.000Z");

function verify(h: ApiHarness, secret: string) {
  return h.call("POST", "/v1/verify", { token: null, body: { token: secret, method: "GET", area: "domains" } });
}

/** Rows changed by this SQLite connection so far (SQLite counts every insert, update and delete). */
function changes(h: ApiHarness): number {
  const dialect = h.latchkey.store.dialect;
  if (dialect.kind !== "sqlite") throw new Error("SQLite only");
  return (dialect.sqlite.prepare("select total_changes() as n").get() as { n: number }).n;
}

async function flush(h: ApiHarness): Promise<void> {
  await h.latchkey.usageGate.recorder.flush();
  await h.latchkey.usageGate.limiter.flush();
  await h.latchkey.verifier.flushLastUsed();
}

  it("makes no database write per verification: 500 verifications, then one batch", async () => {
    const clock = manualClock(START);
    const h = await openApiHarness({ clock });
    const token = await h.mint();
    const limited = (await h.call("POST", "/v1/token", { body: { name: "limited", has_full: true, rate_limits: [{ name: "burst", limit: 1000, window_seconds: 1 }], credits: { remaining: 10_000 } } })).body.data;
    await verify(h, token.secret);
    await verify(h, limited.accessToken);
    await flush(h);
    const before = changes(h);
    for (let i = 0; i < 250; i++) {
      await h.latchkey.verify({ token: token.secret, method: "GET", area: "domains" });
      await h.latchkey.verify({ token: limited.accessToken, method: "GET", area: "domains" });
    }
    expect(changes(h) - before, "rows written by 500 verifications").toBe(0);
    await flush(h);
    // One batch: a usage row per token and code, a last use per token, the credits, the last-used instants.
    expect(changes(h) - before).toBeLessThanOrEqual(8);
    expect((await h.call("GET", `/v1/token/${limited.id}/limits`)).body.data.credits.remaining).toBe(10_000 - 251);
  });
