/**
 * Usage on PostgreSQL (issue 14): N verifications become N usage counts once the batch is written,
 * and the warm loop writes nothing to the database (INSERT/UPDATE/DELETE statements on the usage,
 * limits and tokens tables counted through the pool: zero until the batch flush).
 */
import { afterEach, expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { Latchkey } from "../../src/service/latchkey.js";
import { dropSchema, freshPostgresUrl } from "../helpers/postgres-database.js";
import { recordStatements, WRITE_STATEMENT } from "../helpers/statement-log.js";
import { rememberSecret } from "../helpers/trace-log.js";

const START = Date.parse("2026-12-07T10:15:00.000Z");
const N = 300;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Writes of the verification's own tables (the instance's heartbeat and registry rows are not its). */
const VERIFICATION_TABLES = /\b(token_usage|token_last_use|token_limits|tokens|previous_secrets)\b/;

it(`counts ${N} verifications with no database write until the batch flush (PostgreSQL)`, async () => {
  const { url, schema } = freshPostgresUrl("usagewrites");
  closers.push(() => dropSchema(schema));
  const latchkey = await Latchkey.open({ databaseUrl: url, clock: manualClock(START) });
  closers.push(() => latchkey.close());
  const create = async (limits: object) => {
    const { token, secret } = await latchkey.tokens.create(
      { principal: await latchkey.operator("default"), ip: null },
      { name: "t", hasFull: true, ...limits },
    );
    rememberSecret(secret);
    return { id: token.id, secret };
  };
  const limited = await create({ rateLimits: [{ name: "burst", limit: 100_000, window_seconds: 60 }], credits: { remaining: 100_000 } });
  const plain = await create({});
  const flush = async () => {
    await latchkey.usageGate.recorder.flush();
    await latchkey.usageGate.limiter.flush();
    await latchkey.verifier.flushLastUsed();
  };
  // Warm the cache, then write what that cost.
  for (const t of [limited, plain]) expect((await latchkey.verify({ token: t.secret, method: "GET", area: "domains" })).code).toBe("ok");
  await flush();
  const log = recordStatements(latchkey);
  for (let i = 0; i < N; i++) {
    for (const t of [limited, plain]) expect((await latchkey.verify({ token: t.secret, method: "GET", area: "domains" })).code).toBe("ok");
  }
  const writes = () => log.statements.filter((s) => WRITE_STATEMENT.test(s) && VERIFICATION_TABLES.test(s));
  expect(writes(), "writes during the warm loop").toEqual([]);
  await flush();
  expect(writes().length, "the batch writes").toBeGreaterThan(0);
  log.stop();
  const operator = { principal: await latchkey.operator("default"), ip: null };
  for (const t of [limited, plain]) {
    const report = await latchkey.usage.tokenUsage(operator, t.id, { from: "2026-12-07", to: "2026-12-08", granularity: "day" });
    // The warm-up verification and the N of the loop.
    expect(report.totals.ok).toBe(N + 1);
  }
  const rows = await latchkey.store.db
    .selectFrom("token_usage")
    .select((eb) => eb.fn.sum<string>("count").as("n"))
    .where("token_id", "=", limited.id)
    .executeTakeFirst();
  expect(Number(rows?.n), "usage counts in the database").toBe(N + 1);
});
