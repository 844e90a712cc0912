/**
 * TOTP secrets sealed at rest (issue 16; src/service/secret-key.ts): a database dump gives no second
 * factor away. On a SQLite file without LATCHKEY_SECRET_KEY the key is made into `latchkey-secret.key`
 * (0600) beside it and reused; on PostgreSQL without one, enrolment answers 503 `secret_key_unavailable`
 * and everything else works; secrets stored plain before sealing keep working and are sealed at the next
 * start; a sealed secret under another key answers 503 for TOTP codes while recovery codes still work.
 * Real SQLite files and PostgreSQL schemas.
 */
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "otplib";
import { describe, expect, it, onTestFinished } from "vitest";
import { manualClock, type ManualClock } from "../../src/core/clock.js";
import { parseSecretKey, SECRET_KEY_FILE_NAME } from "../../src/service/secret-key.js";
import { openMailHarness, type MailHarness } from "../helpers/mail-harness.js";
import { dropSchema, freshPostgresUrl } from "../helpers/postgres-database.js";

const NOW = Date.parse("2026-12-06T12:00:00.000Z");
const EMAIL = "ada@example.com";
const PASSWORD = "a long enough password";
const KEY = new Uint8Array(32).fill(42);

/** A database that outlives one harness: a SQLite file in a fresh folder, or a fresh PostgreSQL schema. */
function persistentDatabase(kind: "sqlite" | "postgres"): { url: string; folder: string | null } {
  if (kind === "sqlite") {
    const folder = mkdtempSync(join(tmpdir(), "lk-totp-"));
    return { url: `sqlite:${join(folder, "latchkey.db")}`, folder };
  }
  const { url, schema } = freshPostgresUrl("totp");
  onTestFinished(() => dropSchema(schema));
  return { url, folder: null };
}

/** Enrols EMAIL through the API; returns the secret the app would show and the recovery codes. */
async function enrol(h: MailHarness, clock: ManualClock): Promise<{ secret: string; recoveryCodes: string[] }> {
  const session = await h.signIn(EMAIL, PASSWORD);
  const begun = await h.call("POST", "/v1/me/two-factor", { session });
  expect(begun.status).toBe(200);
  const secret = begun.body.data.secret as string;
  const confirmed = await h.call("POST", "/v1/me/two-factor/confirm", { session, body: { code: await totpOf(secret, clock) } });
  expect(confirmed.status).toBe(200);
  return { secret, recoveryCodes: confirmed.body.data.recovery_codes as string[] };
}

async function totpOf(secret: string, clock: ManualClock): Promise<string> {
  return generate({ secret, epoch: Math.floor(clock.nowMillis() / 1000) });
}

/** Password then second factor; the status of the second step (and its error code). */
async function signInWith(h: MailHarness, code: string): Promise<{ status: number; code: string | undefined }> {
  const first = await h.call("POST", "/v1/session", { token: null, body: { email: EMAIL, password: PASSWORD } });
  expect(first.status).toBe(202);
  const second = await h.call("POST", "/v1/session/two-factor", { token: null, body: { challenge: first.body.data.challenge, code } });
  return { status: second.status, code: second.body?.code };
}

async function storedSecret(h: MailHarness): Promise<string> {
  const row = await h.latchkey.store.query.selectFrom("user_two_factor").select("secret").executeTakeFirstOrThrow();
  return row.secret;
}

describe.each(["sqlite", "postgres"] as const)("TOTP secrets at rest on %s", (kind) => {
  it("stores the secret sealed, not as the app's base32, and signs in with it", async () => {
    const clock = manualClock(NOW);
    const db = persistentDatabase(kind);
    const h = await openMailHarness({ smtpUrl: null, clock, databaseUrl: db.url, secretKey: kind === "postgres" ? KEY : null });
    await h.createUser(EMAIL, PASSWORD);
    const { secret } = await enrol(h, clock);
    const stored = await storedSecret(h);
    expect(stored).toMatch(/^v1\./);
    expect(stored).not.toContain(secret);
    clock.advance(30_000);
    expect(await signInWith(h, await totpOf(secret, clock))).toEqual({ status: 200, code: undefined });
  });

  it("keeps a secret stored plain before sealing working, and seals it at the next start", async () => {
    const clock = manualClock(NOW);
    const db = persistentDatabase(kind);
    const before = await openMailHarness({ smtpUrl: null, clock, databaseUrl: db.url, secretKey: KEY });
    await before.createUser(EMAIL, PASSWORD);
    const { secret } = await enrol(before, clock);
    // What migration 0010's rows hold: the base32 secret itself.
    await before.latchkey.store.query.updateTable("user_two_factor").set({ secret }).execute();
    clock.advance(30_000);
    expect(await signInWith(before, await totpOf(secret, clock))).toMatchObject({ status: 200 });
    const after = await openMailHarness({ smtpUrl: null, clock, databaseUrl: db.url, secretKey: KEY });
    const stored = await storedSecret(after);
    expect(stored).toMatch(/^v1\./);
    expect(stored).not.toContain(secret);
    clock.advance(30_000);
    expect(await signInWith(after, await totpOf(secret, clock))).toMatchObject({ status: 200 });
  });

  it("answers a TOTP code 503 under another key, and a recovery code still signs in", async () => {
    const clock = manualClock(NOW);
    const db = persistentDatabase(kind);
    const first = await openMailHarness({ smtpUrl: null, clock, databaseUrl: db.url, secretKey: KEY });
    await first.createUser(EMAIL, PASSWORD);
    const { secret, recoveryCodes } = await enrol(first, clock);
    const other = await openMailHarness({ smtpUrl: null, clock, databaseUrl: db.url, secretKey: new Uint8Array(32).fill(1) });
    clock.advance(30_000);
    expect(await signInWith(other, await totpOf(secret, clock))).toEqual({ status: 503, code: "secret_key_unavailable" });
    expect(await signInWith(other, recoveryCodes[0] as string)).toMatchObject({ status: 200 });
  });
});

describe("the key when none is configured", () => {
  it("SQLite file: made beside the database (mode 0600) and reused by the next start", async () => {
    const clock = manualClock(NOW);
    const db = persistentDatabase("sqlite");
    const first = await openMailHarness({ smtpUrl: null, clock, databaseUrl: db.url });
    const keyFile = join(db.folder as string, SECRET_KEY_FILE_NAME);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = readFileSync(keyFile, "utf8");
    expect(parseSecretKey(key)).toHaveLength(32);
    await first.createUser(EMAIL, PASSWORD);
    const { secret } = await enrol(first, clock);
    const second = await openMailHarness({ smtpUrl: null, clock, databaseUrl: db.url });
    expect(readFileSync(keyFile, "utf8")).toBe(key);
    clock.advance(30_000);
    expect(await signInWith(second, await totpOf(secret, clock))).toMatchObject({ status: 200 });
  });

  it("PostgreSQL: enrolment answers 503 secret_key_unavailable and stores nothing; sign-in and tokens work", async () => {
    const db = persistentDatabase("postgres");
    const h = await openMailHarness({ smtpUrl: null, databaseUrl: db.url });
    await h.createUser(EMAIL, PASSWORD);
    const session = await h.signIn(EMAIL, PASSWORD);
    const begun = await h.call("POST", "/v1/me/two-factor", { session });
    expect([begun.status, begun.body.code]).toEqual([503, "secret_key_unavailable"]);
    expect(begun.text).toContain("LATCHKEY_SECRET_KEY");
    expect(await h.latchkey.store.query.selectFrom("user_two_factor").selectAll().execute()).toEqual([]);
    expect((await h.call("GET", "/v1/me/two-factor", { session })).body.data).toMatchObject({ enabled: false, pending: false });
    expect((await h.call("POST", "/v1/token", { session, body: { name: "reports", scopes: ["analytics_read"] } })).status).toBe(201);
  });
});
