/**
 * Guessing is limited per client address (issue #4): failed verifications and failed authentications
 * past the limit get 429 with Retry-After; successes from the same address are never counted nor
 * slowed; counters live in memory, or in Redis shared by every instance.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { generateSecret } from "../../src/core/token-secret.js";
import { cryptoRandom } from "../../src/core/random-source.js";
import { buildApp, type App } from "../../src/http/app.js";
import { createFailureLimiter, type FailureLimiter } from "../../src/service/failure-limiter.js";
import { Latchkey } from "../../src/service/latchkey.js";
import { rememberSecret, testLogger } from "../helpers/trace-log.js";

const REDIS_URL = process.env.LATCHKEY_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function openApp(limiter: FailureLimiter, extra: { verifyKey?: string } = {}): Promise<{ app: App; latchkey: Latchkey; secret: string }> {
  const latchkey = await Latchkey.open({ databaseUrl: "sqlite::memory:" });
  const app = await buildApp(latchkey, { logger: testLogger(), failureLimiter: limiter, ...extra });
  closers.push(async () => {
    await app.close();
    await latchkey.close();
  });
  const { secret } = await latchkey.tokens.create({ principal: await latchkey.operator("default"), ip: null }, { name: "good", hasFull: true });
  rememberSecret(secret);
  return { app, latchkey, secret };
}

/** The status a verify answer tells the protected API to send: the decision's, or the HTTP status of an error. */
function answered(response: { statusCode: number; json(): { status?: number } }): number {
  return response.statusCode === 200 ? (response.json().status ?? 200) : response.statusCode;
}

/** A well-formed secret (valid checksum) that no token has. */
const unknownSecret = (): string => generateSecret("lk_", cryptoRandom);

function verify(app: App, token: string, ip = "198.51.100.7") {
  return app.inject({ method: "POST", url: "/v1/verify", remoteAddress: ip, payload: { token, method: "GET", area: "sms" } });
}

describe("in memory", () => {
  it("answers 429 with Retry-After once an address has failed more than the limit", async () => {
    const { app } = await openApp(createFailureLimiter({ failuresPerWindow: 5 }));
    for (let i = 0; i < 5; i++) expect((await verify(app, unknownSecret())).json().code).toBe("token_unknown");
    const limited = await verify(app, unknownSecret());
    // The verify contract holds (issue 14): HTTP 200, the refusal as data.
    expect(limited.statusCode).toBe(200);
    expect(limited.json()).toMatchObject({ allowed: false, status: 429, code: "rate_limited" });
    expect(limited.json().retry_after_seconds).toBeGreaterThanOrEqual(1);
  });

  it("counts malformed tokens as failures too", async () => {
    const { app } = await openApp(createFailureLimiter({ failuresPerWindow: 3 }));
    for (let i = 0; i < 3; i++) await verify(app, "lk_nope");
    expect(answered(await verify(app, "lk_nope"))).toBe(429);
  });

  it("still answers a valid token from a limited address, without delay", async () => {
    const { app, secret } = await openApp(createFailureLimiter({ failuresPerWindow: 2 }));
    for (let i = 0; i < 3; i++) await verify(app, unknownSecret());
    expect(answered(await verify(app, unknownSecret()))).toBe(429);
    const good = await verify(app, secret);
    expect(good.statusCode).toBe(200);
    expect(good.json().code).toBe("ok");
  });

  it("never counts successes", async () => {
    const { app, secret } = await openApp(createFailureLimiter({ failuresPerWindow: 2 }));
    for (let i = 0; i < 50; i++) expect((await verify(app, secret)).json().code).toBe("ok");
    expect((await verify(app, unknownSecret())).json().code).toBe("token_unknown");
  });

  it("keeps addresses apart", async () => {
    const { app } = await openApp(createFailureLimiter({ failuresPerWindow: 2 }));
    for (let i = 0; i < 3; i++) await verify(app, unknownSecret(), "198.51.100.1");
    expect(answered(await verify(app, unknownSecret(), "198.51.100.1"))).toBe(429);
    expect(answered(await verify(app, unknownSecret(), "198.51.100.2"))).toBe(401);
  });

  it("limits failed authentications on the management API the same way", async () => {
    const { app, secret } = await openApp(createFailureLimiter({ failuresPerWindow: 3 }));
    const list = (token: string) => app.inject({ method: "GET", url: "/v1/token", remoteAddress: "198.51.100.9", headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 3; i++) expect((await list(unknownSecret())).statusCode).toBe(401);
    const limited = await list(unknownSecret());
    expect(limited.statusCode).toBe(429);
    expect(limited.headers["retry-after"]).toBeDefined();
    expect((await list(secret)).statusCode).toBe(200);
  });

  it("does not limit paused or expired tokens' owners as guessers (they are not guesses)", async () => {
    const { app, latchkey } = await openApp(createFailureLimiter({ failuresPerWindow: 2 }));
    const actor = { principal: await latchkey.operator("default"), ip: null };
    const { token, secret } = await latchkey.tokens.create(actor, { name: "p", hasFull: true });
    await latchkey.tokens.update(actor, token.id, { status: "pause" });
    for (let i = 0; i < 5; i++) expect((await verify(app, secret)).json().code).toBe("token_paused");
  });

  it("turns off with a limit of 0", async () => {
    const { app } = await openApp(createFailureLimiter({ failuresPerWindow: 0 }));
    for (let i = 0; i < 40; i++) expect(answered(await verify(app, unknownSecret()))).toBe(401);
  });

  it("applies the default of 30 a minute when no limiter is given", async () => {
    const latchkey = await Latchkey.open({ databaseUrl: "sqlite::memory:" });
    const app = await buildApp(latchkey, { logger: false });
    closers.push(async () => {
      await app.close();
      await latchkey.close();
    });
    for (let i = 0; i < 30; i++) expect(answered(await verify(app, unknownSecret()))).toBe(401);
    expect(answered(await verify(app, unknownSecret()))).toBe(429);
  });
});

describe("in Redis, shared by instances", () => {
  it("counts failures made on one instance against the same address on another", async () => {
    const keyPrefix = `latchkey-test:${randomBytes(6).toString("hex")}`;
    const limiters = [createFailureLimiter({ failuresPerWindow: 4, redisUrl: REDIS_URL, keyPrefix }), createFailureLimiter({ failuresPerWindow: 4, redisUrl: REDIS_URL, keyPrefix })];
    for (const limiter of limiters) await limiter.ready(10_000);
    const [one, two] = [await openApp(limiters[0]!), await openApp(limiters[1]!)];
    for (let i = 0; i < 2; i++) expect(answered(await verify(one.app, unknownSecret()))).toBe(401);
    for (let i = 0; i < 2; i++) expect(answered(await verify(two.app, unknownSecret()))).toBe(401);
    expect(answered(await verify(one.app, unknownSecret()))).toBe(429);
    expect(answered(await verify(two.app, unknownSecret()))).toBe(429);
  });
});

describe("the verify key", () => {
  const key = "k".repeat(8) + randomBytes(8).toString("hex");

  it("refuses /v1/verify without the key, and with a wrong one", async () => {
    const { app, secret } = await openApp(createFailureLimiter({ failuresPerWindow: 30 }), { verifyKey: key });
    expect((await verify(app, secret)).json()).toMatchObject({ code: "verify_key_invalid" });
    const wrong = await app.inject({ method: "POST", url: "/v1/verify", headers: { "x-latchkey-verify-key": `${key}x` }, payload: { token: secret, method: "GET", area: "sms" } });
    expect(wrong.statusCode).toBe(401);
  });

  it("answers with the key", async () => {
    const { app, secret } = await openApp(createFailureLimiter({ failuresPerWindow: 30 }), { verifyKey: key });
    const right = await app.inject({ method: "POST", url: "/v1/verify", headers: { "x-latchkey-verify-key": key }, payload: { token: secret, method: "GET", area: "sms" } });
    expect(right.statusCode).toBe(200);
    expect(right.json().code).toBe("ok");
  });

  it("counts wrong keys as failures", async () => {
    const { app, secret } = await openApp(createFailureLimiter({ failuresPerWindow: 2 }), { verifyKey: key });
    for (let i = 0; i < 2; i++) expect((await verify(app, secret)).statusCode).toBe(401);
    expect(answered(await verify(app, secret))).toBe(429);
  });
});

describe("dashboard sign-in", () => {
  it("limits wrong passwords per address, across e-mail addresses", async () => {
    const { app, latchkey } = await openApp(createFailureLimiter({ failuresPerWindow: 3 }));
    const account = (await latchkey.accounts.find("default")).id;
    for (const email of ["a@example.com", "b@example.com"]) await latchkey.users.create({ accountId: account, email, password: "correct horse battery" }, { ip: null });
    const signIn = (email: string, password: string) => app.inject({ method: "POST", url: "/v1/session", remoteAddress: "203.0.113.5", payload: { email, password } });
    expect((await signIn("a@example.com", "wrong password 1")).statusCode).toBe(401);
    expect((await signIn("b@example.com", "wrong password 2")).statusCode).toBe(401);
    expect((await signIn("nobody@example.com", "wrong password 3")).statusCode).toBe(401);
    const limited = await signIn("b@example.com", "wrong password 4");
    expect(limited.statusCode).toBe(429);
    expect(limited.headers["retry-after"]).toBeDefined();
    expect((await signIn("a@example.com", "correct horse battery")).statusCode).toBe(200);
  });
});

describe("lock-out of unknown addresses", () => {
  it("answers an unknown address as it would a known one: 401 five times, then 429", async () => {
    const { app, latchkey } = await openApp(createFailureLimiter({ failuresPerWindow: 0 }));
    const account = (await latchkey.accounts.find("default")).id;
    await latchkey.users.create({ accountId: account, email: "known@example.com", password: "correct horse battery" }, { ip: null });
    const statuses = async (email: string): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < 6; i++) out.push((await app.inject({ method: "POST", url: "/v1/session", payload: { email, password: `wrong password ${i}` } })).statusCode);
      return out;
    };
    const known = await statuses("known@example.com");
    expect(known).toEqual([401, 401, 401, 401, 401, 429]);
    expect(await statuses("nobody@example.com")).toEqual(known);
  });
});
