/**
 * Readiness on PostgreSQL: /readyz fails while the instance does not hear other instances' changes,
 * and the verifier reads the database meanwhile (fail closed); both recover on their own.
 */
import { afterEach, expect, it } from "vitest";
import { buildApp, type App } from "../../src/http/app.js";
import { Latchkey } from "../../src/service/latchkey.js";
import { MIGRATION_LOCK_KEY } from "../../src/store/store.js";
import { testLogger } from "../helpers/trace-log.js";
import { adminQuery, dropSchema, freshPostgresUrl } from "../helpers/postgres-database.js";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function openOnPostgres(): Promise<{ latchkey: Latchkey; app: App }> {
  const { url, schema } = freshPostgresUrl("ready");
  const latchkey = await Latchkey.open({ databaseUrl: url });
  const app = await buildApp(latchkey, { logger: testLogger() });
  cleanup = async () => {
    await app.close();
    await latchkey.close();
    await dropSchema(schema);
  };
  return { latchkey, app };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it("is ready once subscribed, with the cache on", async () => {
  const { latchkey, app } = await openOnPostgres();
  // Building the app can hold the event loop past the feed's 500 ms (no heartbeat heard meanwhile), so
  // the feed may be catching up for a moment: ready within a few seconds, then live and trusted.
  await until(async () => (await app.inject({ method: "GET", url: "/readyz" })).statusCode === 200, "readiness");
  expect(latchkey.changeFeedState).toBe("live");
  expect(latchkey.verifier.isCacheTrusted).toBe(true);
});

it("is not ready, and bypasses its cache, while the notification connection is down; then recovers", async () => {
  const { latchkey, app } = await openOnPostgres();
  const pid = latchkey.listener?.backendPid;
  expect(pid).toBeTypeOf("number");
  await adminQuery("select pg_terminate_backend($1)", [pid]);
  await until(async () => !latchkey.verifier.isCacheTrusted, "the cache to be bypassed");
  const down = await app.inject({ method: "GET", url: "/readyz" });
  // Either still down, or already resubscribed (a fresh connection): never ready with a stale cache.
  if (down.statusCode === 503) expect(down.json()).toMatchObject({ code: "unavailable" });
  await until(async () => (await app.inject({ method: "GET", url: "/readyz" })).statusCode === 200, "readiness");
  expect(latchkey.listener?.backendPid).not.toBe(pid);
  expect(latchkey.verifier.isCacheTrusted).toBe(true);
});

it("fails readiness when the database is unreachable", async () => {
  const { url, schema } = freshPostgresUrl("gone");
  const latchkey = await Latchkey.open({ databaseUrl: url });
  const app = await buildApp(latchkey, { logger: testLogger() });
  cleanup = async () => {
    await app.close();
    await latchkey.close().catch(() => undefined);
    await dropSchema(schema);
  };
  await latchkey.store.close();
  expect((await app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(503);
});

it("holds no migration lock once opened, so the next instance can start", async () => {
  const { latchkey } = await openOnPostgres();
  // Other test runs on the same server take the lock for moments of their own; a leak would hold it for good.
  const held = async (): Promise<number> => Number((await adminQuery<{ n: string }>("select count(*) as n from pg_locks where locktype = 'advisory' and objid = $1 and granted", [MIGRATION_LOCK_KEY]))[0]?.n);
  await until(async () => (await held()) === 0, "no session to hold the migration lock");
  // Under load the feed may be re-subscribing after a missed heartbeat; it must get there.
  await until(async () => latchkey.listener?.isSubscribed === true, "the change feed subscribed");
});
