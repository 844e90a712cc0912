/**
 * The sign-in lock-out of an address nobody has (break-test finding F16) is kept where a known user's
 * is, in the database: with two instances on one PostgreSQL, wrong passwords sent in turn to each lock
 * an unknown address after as many attempts as a known one, the lock holds on both instances and after
 * a restart, and every answer (status, code, Retry-After) is the one a known address gets.
 */
import { afterEach, expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { buildApp, type App } from "../../src/http/app.js";
import { sessionResolver } from "../../src/http/session-cookie.js";
import { Latchkey } from "../../src/service/latchkey.js";
import { LOCK_MILLIS, MAX_FAILED_ATTEMPTS } from "../../src/service/sign-in-attempts.js";
import { TEST_SECRET_KEY } from "../helpers/session-harness.js";
import { dropSchema, freshPostgresUrl } from "../helpers/postgres-database.js";
import { testLogger } from "../helpers/trace-log.js";

const KNOWN = { email: "ada@example.com", password: "the right passphrase" };
const UNKNOWN = "nobody@example.com";
const clock = manualClock(Date.parse("2026-12-07T12:00:00.000Z"));

const opened: { latchkey: Latchkey; app: App }[] = [];
const schemas: string[] = [];

afterEach(async () => {
  for (const { latchkey, app } of opened.splice(0)) {
    await app.close();
    await latchkey.close();
  }
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

async function instance(url: string): Promise<{ latchkey: Latchkey; app: App }> {
  const latchkey = await Latchkey.open({ databaseUrl: url, secretKey: TEST_SECRET_KEY, clock });
  const app = await buildApp(latchkey, { logger: testLogger(), principalResolvers: [sessionResolver(latchkey.users)] });
  const opening = { latchkey, app };
  opened.push(opening);
  return opening;
}

/** A wrong password for `email` through `app`: the status, code and Retry-After it is answered with. */
async function wrongPassword(app: App, email: string): Promise<[number, string, unknown]> {
  const res = await app.inject({
    method: "POST",
    url: "/v1/session",
    headers: { "content-type": "application/json" },
    payload: JSON.stringify({ email, password: "a wrong passphrase" }),
  });
  return [res.statusCode, (JSON.parse(res.body) as { code: string }).code, res.headers["retry-after"]];
}

it("locks an unknown address across two instances and a restart, answering exactly as for a known one", async () => {
  const { url, schema } = freshPostgresUrl("lockout");
  schemas.push(schema);
  const a = await instance(url);
  const b = await instance(url);
  const accountId = (await a.latchkey.accounts.find("default")).id;
  await a.latchkey.users.create({ accountId, ...KNOWN });

  const answers = async (email: string): Promise<[number, string, unknown][]> => {
    const seen: [number, string, unknown][] = [];
    for (let i = 0; i < MAX_FAILED_ATTEMPTS + 2; i++) seen.push(await wrongPassword((i % 2 === 0 ? a : b).app, email));
    return seen;
  };
  const known = await answers(KNOWN.email);
  const unknown = await answers(UNKNOWN);
  const retryAfter = String(LOCK_MILLIS / 1000);
  expect(known).toEqual([
    ...Array(MAX_FAILED_ATTEMPTS).fill([401, "invalid_credentials", undefined]),
    [429, "rate_limited", retryAfter],
    [429, "rate_limited", retryAfter],
  ]);
  expect(unknown).toEqual(known);

  // A restarted instance still refuses both, as long as the lock lasts, and then counts afresh.
  const c = await instance(url);
  clock.advance(60_000);
  expect(await wrongPassword(c.app, UNKNOWN)).toEqual(await wrongPassword(c.app, KNOWN.email));
  expect((await wrongPassword(c.app, UNKNOWN))[1]).toBe("rate_limited");
  clock.advance(LOCK_MILLIS);
  expect(await wrongPassword(c.app, UNKNOWN)).toEqual([401, "invalid_credentials", undefined]);
  expect(await wrongPassword(b.app, KNOWN.email)).toEqual([401, "invalid_credentials", undefined]);
});
