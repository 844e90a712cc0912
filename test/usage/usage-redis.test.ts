/**
 * Several instances share rate windows and credits through Redis (issue 14): together they never
 * allow more than the limit (the stated bound: 0 over, at most instances × (lease − 1) refused
 * early), credits are exact, and with Redis unreachable (a closed port, or a TCP proxy stopped
 * mid-run; the machine's Redis is never stopped) the documented direction holds: windows `open`
 * count in each instance, `closed` refuse with 503 limits_unavailable, credits always refuse.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { Latchkey } from "../../src/service/latchkey.js";
import type { WindowsWhenRedisDown } from "../../src/service/usage-limiter.js";
import { dropSchema, freshPostgresUrl } from "../helpers/postgres-database.js";
import { rememberSecret } from "../helpers/trace-log.js";

const REDIS_URL = process.env.LATCHKEY_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/**
 * Instances, each with its own limiter on `redisUrl`: one on a SQLite file, several over one
 * PostgreSQL schema (as several instances run). Not several on one SQLite file: two connections to
 * one file in one process can block each other (a waiting writer's busy handler blocks the thread
 * the other's open transaction needs), which a loaded run hit.
 */
async function openInstances(count: number, redisUrl: string, windowsWhenRedisDown: WindowsWhenRedisDown = "open"): Promise<Latchkey[]> {
  let url: string;
  if (count === 1) {
    const dir = mkdtempSync(join(tmpdir(), "latchkey-usage-"));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    url = `sqlite:${join(dir, "latchkey.db")}`;
  } else {
    const fresh = freshPostgresUrl("usage");
    closers.push(() => dropSchema(fresh.schema));
    url = fresh.url;
  }
  const keyPrefix = `latchkey-test:${randomBytes(6).toString("hex")}`;
  const instances: Latchkey[] = [];
  for (let i = 0; i < count; i++) {
    const latchkey = await Latchkey.open({ databaseUrl: url, usage: { redisUrl, keyPrefix, windowsWhenRedisDown } });
    closers.push(() => latchkey.close());
    await latchkey.usageGate.limiter.ready(redisUrl === REDIS_URL ? 10_000 : 300);
    instances.push(latchkey);
  }
  return instances;
}

async function limitedToken(latchkey: Latchkey, limits: { rateLimits?: unknown; credits?: unknown }): Promise<string> {
  const { secret } = await latchkey.tokens.create({ principal: await latchkey.operator("default"), ip: null }, { name: "limited", hasFull: true, ...limits });
  rememberSecret(secret);
  return secret;
}

/** Waits until Redis's clock is at least 3 s away from the end of an hour window. */
async function clearOfHourBoundary(): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const [seconds] = await redis.time();
    const left = 3600 - (Number(seconds) % 3600);
    if (left < 3) await new Promise((resolve) => setTimeout(resolve, left * 1000 + 200));
  } finally {
    redis.disconnect();
  }
}

async function codesOf(instances: Latchkey[], secret: string, count: number, cost?: number): Promise<string[]> {
  const answers = await Promise.all(
    Array.from({ length: count }, (_, i) => instances[i % instances.length]!.verify({ token: secret, method: "GET", area: "domains", ...(cost === undefined ? {} : { cost }) })),
  );
  return answers.map((a) => a.code);
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP proxy to the machine's Redis that can be stopped (its connections cut) mid-run. */
async function redisProxy(): Promise<{ url: string; stop: () => Promise<void> }> {
  const target = new URL(REDIS_URL);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  const stop = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  closers.push(async () => (server.listening ? stop() : undefined));
  return { url: `redis://127.0.0.1:${port}`, stop };
}

describe("two instances sharing Redis", () => {
  it("never allow more than the window's limit together (bound: 0 over, at most 2 x (lease - 1) early)", async () => {
    await clearOfHourBoundary();
    const instances = await openInstances(2, REDIS_URL);
    // limit 60: lease = 3 uses at a time, so at most 2 x 2 = 4 refused early.
    const secret = await limitedToken(instances[0]!, { rateLimits: [{ name: "hourly", limit: 60, window_seconds: 3600 }] });
    const codes = await codesOf(instances, secret, 200);
    const allowed = codes.filter((c) => c === "ok").length;
    expect(allowed).toBeLessThanOrEqual(60);
    expect(allowed).toBeGreaterThanOrEqual(60 - 4);
    expect(codes.filter((c) => c !== "ok").every((c) => c === "rate_limited")).toBe(true);
  });

  it("count exactly below a limit of 40 (a lease of 1)", async () => {
    await clearOfHourBoundary();
    const instances = await openInstances(2, REDIS_URL);
    const secret = await limitedToken(instances[0]!, { rateLimits: [{ name: "burst", limit: 5, window_seconds: 3600 }] });
    const codes = await codesOf(instances, secret, 30);
    expect(codes.filter((c) => c === "ok")).toHaveLength(5);
  });

  it("spend credits exactly, by cost", async () => {
    const instances = await openInstances(2, REDIS_URL);
    const secret = await limitedToken(instances[0]!, { credits: { remaining: 30 } });
    const codes = await codesOf(instances, secret, 40, 2);
    expect(codes.filter((c) => c === "ok")).toHaveLength(15);
    expect(codes.filter((c) => c === "credits_exhausted")).toHaveLength(25);
  });
});

describe("with Redis unreachable", () => {
  it("windows open (the default): each instance counts the window on its own", async () => {
    const [instance] = await openInstances(1, `redis://127.0.0.1:${await closedPort()}`, "open");
    const secret = await limitedToken(instance!, { rateLimits: [{ name: "burst", limit: 3, window_seconds: 3600 }] });
    expect(await codesOf([instance!], secret, 5)).toEqual(["ok", "ok", "ok", "rate_limited", "rate_limited"]);
  });

  it("windows closed: refused with 503 limits_unavailable and a Retry-After of 1 s", async () => {
    const [instance] = await openInstances(1, `redis://127.0.0.1:${await closedPort()}`, "closed");
    const secret = await limitedToken(instance!, { rateLimits: [{ name: "burst", limit: 3, window_seconds: 3600 }] });
    const answer = await instance!.verify({ token: secret, method: "GET", area: "domains" });
    expect(answer).toMatchObject({ allowed: false, status: 503, code: "limits_unavailable", retryAfterSeconds: 1 });
  });

  it("credits fail closed whatever the windows' direction", async () => {
    const [instance] = await openInstances(1, `redis://127.0.0.1:${await closedPort()}`, "open");
    const secret = await limitedToken(instance!, { credits: { remaining: 100 } });
    expect(await codesOf([instance!], secret, 2)).toEqual(["limits_unavailable", "limits_unavailable"]);
  });

  it("holds the direction when Redis goes away mid-run (a proxy stopped), and a token without limits is unaffected", async () => {
    await clearOfHourBoundary();
    const proxy = await redisProxy();
    const [instance] = await openInstances(1, proxy.url, "closed");
    const secret = await limitedToken(instance!, { rateLimits: [{ name: "burst", limit: 100, window_seconds: 3600 }], credits: { remaining: 100 } });
    const { secret: free } = await instance!.tokens.create({ principal: await instance!.operator("default"), ip: null }, { name: "free", hasFull: true });
    rememberSecret(free);
    expect(await codesOf([instance!], secret, 3)).toEqual(["ok", "ok", "ok"]);
    await proxy.stop();
    const after = await codesOf([instance!], secret, 3);
    expect(after).toEqual(["limits_unavailable", "limits_unavailable", "limits_unavailable"]);
    expect(await codesOf([instance!], free, 2)).toEqual(["ok", "ok"]);
  });
});
