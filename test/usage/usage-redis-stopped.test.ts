/**
 * Redis stopped mid-run (issue 14): this test starts its own redis-server on a free port (the
 * machine's Redis is never stopped), counts through it, then kills it. The documented direction
 * holds (README "Limits"; LATCHKEY_RATE_LIMIT_WHEN_REDIS_DOWN): `open` counts each window in each
 * instance, the uses it allowed through Redis in that window included, so together at most
 * `instances × limit` in a window; `closed` refuses windows with 503 limits_unavailable; credits
 * always refuse; a token without limits is unaffected.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { Latchkey } from "../../src/service/latchkey.js";
import type { WindowsWhenRedisDown } from "../../src/service/usage-limiter.js";
import { dropSchema, freshPostgresUrl } from "../helpers/postgres-database.js";
import { rememberSecret } from "../helpers/trace-log.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A redis-server of this test's own, answering PING; `kill` stops it (SIGKILL) and waits for its exit. */
async function ownRedis(): Promise<{ url: string; kill: () => Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  closers.push(kill);
  const url = `redis://127.0.0.1:${port}`;
  await expect
    .poll(async () => {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on("error", () => undefined);
      try {
        await probe.connect();
        return await probe.ping();
      } catch {
        return "down";
      } finally {
        probe.disconnect();
      }
    })
    .toBe("PONG");
  return { url, kill };
}

async function instances(count: number, redisUrl: string, windowsWhenRedisDown: WindowsWhenRedisDown): Promise<Latchkey[]> {
  const { url, schema } = freshPostgresUrl("redisdown");
  closers.push(() => dropSchema(schema));
  const keyPrefix = `latchkey-test:${randomBytes(6).toString("hex")}`;
  const opened: Latchkey[] = [];
  for (let i = 0; i < count; i++) {
    const latchkey = await Latchkey.open({ databaseUrl: url, usage: { redisUrl, keyPrefix, windowsWhenRedisDown } });
    closers.push(() => latchkey.close());
    await latchkey.usageGate.limiter.ready(10_000);
    opened.push(latchkey);
  }
  return opened;
}

async function token(latchkey: Latchkey, limits: { rateLimits?: unknown; credits?: unknown }): Promise<string> {
  const { secret } = await latchkey.tokens.create({ principal: await latchkey.operator("default"), ip: null }, { name: "t", hasFull: true, ...limits });
  rememberSecret(secret);
  return secret;
}

const ask = async (latchkey: Latchkey, secret: string): Promise<string> => (await latchkey.verify({ token: secret, method: "GET", area: "domains" })).code;

/** Waits until this machine's clock is at least 60 s away from the end of an hour window (Redis's own clock is the same machine's). */
async function clearOfHourEnd(): Promise<void> {
  const left = 3_600_000 - (Date.now() % 3_600_000);
  if (left < 60_000) await new Promise((resolve) => setTimeout(resolve, left + 500));
}

const HOURLY = { rateLimits: [{ name: "hourly", limit: 5, window_seconds: 3600 }] };

describe("Redis killed mid-run", () => {
  it("open: each instance goes on counting the window alone, its Redis uses included: at most instances x limit together", async () => {
    await clearOfHourEnd();
    const redis = await ownRedis();
    const pair = await instances(2, redis.url, "open");
    const secret = await token(pair[0]!, HOURLY);
    const credits = await token(pair[0]!, { credits: { remaining: 100 } });
    const free = await token(pair[0]!, {});
    // Through Redis: 3 uses, the shared limit of 5 holds across both instances.
    expect([await ask(pair[0]!, secret), await ask(pair[1]!, secret), await ask(pair[0]!, secret)]).toEqual(["ok", "ok", "ok"]);
    expect(await ask(pair[1]!, credits)).toBe("ok");
    await redis.kill();
    const after: string[][] = [[], []];
    for (let i = 0; i < 8; i++) for (const [n, instance] of pair.entries()) after[n]!.push(await ask(instance, secret));
    // Instance 0 had allowed 2 of its 5 through Redis, instance 1 had allowed 1.
    expect(after[0]!.filter((c) => c === "ok")).toHaveLength(3);
    expect(after[1]!.filter((c) => c === "ok")).toHaveLength(4);
    expect([...after[0]!, ...after[1]!].filter((c) => c !== "ok").every((c) => c === "rate_limited")).toBe(true);
    const total = 3 + after.flat().filter((c) => c === "ok").length;
    expect(total).toBeLessThanOrEqual(2 * 5);
    for (const instance of pair) expect(await ask(instance, credits)).toBe("limits_unavailable");
    for (const instance of pair) expect(await ask(instance, free)).toBe("ok");
  });

  it("closed: windows and credits are refused with 503 limits_unavailable, a token without limits is unaffected", async () => {
    await clearOfHourEnd();
    const redis = await ownRedis();
    const [one] = await instances(1, redis.url, "closed");
    const secret = await token(one!, HOURLY);
    const credits = await token(one!, { credits: { remaining: 100 } });
    const free = await token(one!, {});
    expect(await ask(one!, secret)).toBe("ok");
    expect(await ask(one!, credits)).toBe("ok");
    await redis.kill();
    for (let i = 0; i < 3; i++) {
      const answer = await one!.verify({ token: secret, method: "GET", area: "domains" });
      expect(answer).toMatchObject({ allowed: false, status: 503, code: "limits_unavailable", retryAfterSeconds: 1 });
      expect(await ask(one!, credits)).toBe("limits_unavailable");
    }
    expect(await ask(one!, free)).toBe("ok");
  });
});
