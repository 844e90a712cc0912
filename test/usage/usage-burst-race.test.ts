/**
 * A burst of concurrent verifications never passes a window's limit (issue 14): the limiter holds
 * each use in its local window synchronously, before any await, and reconciles with Redis after (a
 * refused reservation is released). 60 concurrent verifications of a `limit 5 per 10 s` token on
 * PostgreSQL: exactly 5 allowed without Redis and with it; two instances sharing Redis allow no more
 * than the limit plus the stated bound (0 over).
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { Latchkey } from "../../src/service/latchkey.js";
import { dropSchema, freshPostgresUrl } from "../helpers/postgres-database.js";
import { rememberSecret } from "../helpers/trace-log.js";

const REDIS_URL = process.env.LATCHKEY_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const LIMITS = { rateLimits: [{ name: "burst", limit: 5, window_seconds: 10 }], credits: { remaining: 1000 } };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** `count` instances over one fresh PostgreSQL schema, with Redis (own key prefix) or without. */
async function instances(count: number, redis: boolean): Promise<Latchkey[]> {
  const { url, schema } = freshPostgresUrl("burst");
  closers.push(() => dropSchema(schema));
  const keyPrefix = `latchkey-test:${randomBytes(6).toString("hex")}`;
  const opened: Latchkey[] = [];
  for (let i = 0; i < count; i++) {
    const latchkey = await Latchkey.open({
      databaseUrl: url,
      ...(redis ? { usage: { redisUrl: REDIS_URL, keyPrefix } } : { clock: manualClock(Date.parse("2026-12-07T10:15:02.000Z")) }),
    });
    closers.push(() => latchkey.close());
    await latchkey.usageGate.limiter.ready(10_000);
    opened.push(latchkey);
  }
  return opened;
}

async function limitedSecret(latchkey: Latchkey): Promise<string> {
  const { secret } = await latchkey.tokens.create({ principal: await latchkey.operator("default"), ip: null }, { name: "limited", hasFull: true, ...LIMITS });
  rememberSecret(secret);
  return secret;
}

/** Waits until Redis's clock (and so this machine's) is at least 6 s away from the end of a 10 s window. */
async function clearOfWindowEnd(): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const [seconds, micros] = await redis.time();
    const left = 10_000 - ((Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)) % 10_000);
    if (left < 6_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
  } finally {
    redis.disconnect();
  }
}

async function burst(on: Latchkey[], secret: string): Promise<string[]> {
  const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => on[i % on.length]!.verify({ token: secret, method: "GET", area: "domains" })));
  return answers.map((a) => a.code);
}

describe("60 concurrent verifications of a token limited to 5 per 10 s, with credits (PostgreSQL)", () => {
  it("allow exactly 5 without Redis", async () => {
    const [one] = await instances(1, false);
    const codes = await burst([one!], await limitedSecret(one!));
    expect(codes.filter((c) => c === "ok")).toHaveLength(5);
    expect(codes.filter((c) => c === "rate_limited")).toHaveLength(55);
  });

  it("allow exactly 5 with Redis", async () => {
    const [one] = await instances(1, true);
    const secret = await limitedSecret(one!);
    await clearOfWindowEnd();
    const codes = await burst([one!], secret);
    expect(codes.filter((c) => c === "ok")).toHaveLength(5);
    expect(codes.filter((c) => c === "rate_limited")).toHaveLength(55);
  });

  it("allow exactly 5 once the cache is warm, with Redis", async () => {
    const [one] = await instances(1, true);
    const secret = await limitedSecret(one!);
    await clearOfWindowEnd();
    expect((await one!.verify({ token: secret, method: "GET", area: "domains" })).code).toBe("ok");
    const codes = await burst([one!], secret);
    expect(codes.filter((c) => c === "ok")).toHaveLength(4);
  });

  it("allow no more than the limit (bound: 0 over) on two instances sharing Redis", async () => {
    const pair = await instances(2, true);
    const secret = await limitedSecret(pair[0]!);
    await clearOfWindowEnd();
    const codes = await burst(pair, secret);
    // A limit below 40 is leased one use at a time: exact.
    expect(codes.filter((c) => c === "ok")).toHaveLength(5);
    expect(codes.filter((c) => c !== "ok").every((c) => c === "rate_limited")).toBe(true);
  });
});
