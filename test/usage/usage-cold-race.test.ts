/**
 * Concurrent cold verifications of one token share one database read (src/service/shared-reads.ts):
 * 50 first verifications of a limited token on a fresh instance (its cache empty) read the token at
 * most once, on SQLite and on PostgreSQL, and exactly `limit` of them are allowed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { Latchkey } from "../../src/service/latchkey.js";
import { dropSchema, freshPostgresUrl } from "../helpers/postgres-database.js";
import { recordStatements } from "../helpers/statement-log.js";
import { rememberSecret } from "../helpers/trace-log.js";

const START = Date.parse("2026-12-07T10:15:02.000Z");
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const close of closers.splice(0).reverse()) await close();
});

function databases(): [string, () => { url: string; cleanup: () => Promise<void> }][] {
  return [
    [
      "SQLite",
      () => {
        const dir = mkdtempSync(join(tmpdir(), "lk-cold-"));
        return { url: `sqlite:${join(dir, "db.sqlite")}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
      },
    ],
    [
      "PostgreSQL",
      () => {
        const { url, schema } = freshPostgresUrl("cold");
        return { url, cleanup: () => dropSchema(schema) };
      },
    ],
  ];
}

describe.each(databases())("50 concurrent first verifications of one limited token (%s)", (_name, database) => {
  it("read the token once and allow exactly the limit", async () => {
    const { url, cleanup } = database();
    closers.push(cleanup);
    const clock = manualClock(START);
    const maker = await Latchkey.open({ databaseUrl: url, clock });
    const { secret } = await maker.tokens.create(
      { principal: await maker.operator("default"), ip: null },
      { name: "limited", hasFull: true, rateLimits: [{ name: "burst", limit: 5, window_seconds: 10 }] },
    );
    rememberSecret(secret);
    await maker.close();
    const fresh = await Latchkey.open({ databaseUrl: url, clock });
    closers.push(() => fresh.close());
    const log = recordStatements(fresh);
    const answers = await Promise.all(Array.from({ length: 50 }, () => fresh.verify({ token: secret, method: "GET", area: "domains" })));
    log.stop();
    expect(log.matching(/secret_hash/).length, "reads of the token by its hash").toBeLessThanOrEqual(1);
    expect(answers.filter((a) => a.code === "ok")).toHaveLength(5);
    expect(answers.filter((a) => a.code !== "ok").every((a) => a.code === "rate_limited")).toBe(true);
    // The spy sees reads when there are some: after the cache is dropped, one more.
    fresh.verifier.invalidateAll();
    const again = recordStatements(fresh);
    await fresh.verify({ token: secret, method: "GET", area: "domains" });
    again.stop();
    expect(again.matching(/secret_hash/)).toHaveLength(1);
  });
});
