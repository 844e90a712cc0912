/**
 * Issue 16's sign-in part: two-factor with TOTP (wrong and replayed codes fail and count toward the
 * lock-out; recovery codes work once), change-password ending other sessions, reset codes that work
 * once and expire, unlock, step-up, and the deployment's one set-up code. Runs on SQLite (api) and
 * PostgreSQL (postgres project).
 */
import { generate } from "otplib";
import { describe, expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { Latchkey } from "../../src/service/latchkey.js";
import { testDatabase } from "../helpers/api-harness.js";
import { openSessionHarness } from "../helpers/session-harness.js";

const NOW = Date.parse("2026-12-06T12:00:00.000Z");
const EMAIL = "ada@example.com";
const PASSWORD = "a long enough password";

async function enrolled() {
  const clock = manualClock(NOW);
  const h = await openSessionHarness({ clock });
  await h.createUser(EMAIL, PASSWORD);
  const { cookie, csrf } = await h.signIn(EMAIL, PASSWORD);
  const begun = await h.call("POST", "/v1/me/two-factor", { cookie, csrf });
  expect(begun.status).toBe(200);
  const secret = begun.body.data.secret as string;
  const totp = (offsetSeconds = 0) => generate({ secret, epoch: Math.floor(clock.nowMillis() / 1000) + offsetSeconds });
  const confirmed = await h.call("POST", "/v1/me/two-factor/confirm", { cookie, csrf, body: { code: await totp() } });
  expect(confirmed.status).toBe(200);
  return { h, clock, cookie, csrf, totp, recoveryCodes: confirmed.body.data.recovery_codes as string[] };
}

async function challenge(h: Awaited<ReturnType<typeof enrolled>>["h"]): Promise<string> {
  const res = await h.call("POST", "/v1/session", { body: { email: EMAIL, password: PASSWORD } });
  expect(res.status).toBe(202);
  expect(res.setCookie).toBeUndefined();
  return res.body.data.challenge as string;
}

describe("two-factor sign-in", () => {
  it("opens a session with the password and a fresh code, and refuses the same code again", async () => {
    const { h, clock, totp, recoveryCodes } = await enrolled();
    expect(recoveryCodes).toHaveLength(10);
    clock.advance(30_000);
    const code = await totp();
    const first = await h.call("POST", "/v1/session/two-factor", { body: { challenge: await challenge(h), code } });
    expect(first.status).toBe(200);
    expect(first.body.data.two_factor).toEqual({ enabled: true, required: false });
    const replay = await h.call("POST", "/v1/session/two-factor", { body: { challenge: await challenge(h), code } });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe("two_factor_invalid");
  });

  it("refuses a wrong code, and five wrong codes lock the user out even with a right one", async () => {
    const { h, clock, totp } = await enrolled();
    clock.advance(30_000);
    const c = await challenge(h);
    const wrong = await h.call("POST", "/v1/session/two-factor", { body: { challenge: c, code: "000000" === (await totp()) ? "111111" : "000000" } });
    expect(wrong.body.code).toBe("two_factor_invalid");
    for (let i = 0; i < 3; i++) await h.call("POST", "/v1/session/two-factor", { body: { challenge: c, code: "000000" === (await totp()) ? "111111" : "000000" } });
    // The right password counted as the first attempt (it does not clear the count), the four wrong
    // codes as the next four: the user is locked, and a right code is refused too.
    const locked = await h.call("POST", "/v1/session/two-factor", { body: { challenge: c, code: await totp() } });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe("rate_limited");
    const actions = (await h.latchkey.store.query.selectFrom("audit_events").select(["action", "actor_type"]).execute());
    expect(actions.filter((a) => a.action === "user.sign_in_failed" || a.action === "user.lock").every((a) => a.actor_type === "anonymous")).toBe(true);
    expect(actions.map((a) => a.action)).toContain("user.lock");
  });

  it("accepts each recovery code once", async () => {
    const { h, recoveryCodes } = await enrolled();
    const code = recoveryCodes[0]!;
    expect((await h.call("POST", "/v1/session/two-factor", { body: { challenge: await challenge(h), code } })).status).toBe(200);
    const again = await h.call("POST", "/v1/session/two-factor", { body: { challenge: await challenge(h), code } });
    expect(again.body.code).toBe("two_factor_invalid");
  });

  it("asks for a fresh second factor before a Full access token, and disable needs a current code", async () => {
    const { h, clock, cookie, csrf, totp } = await enrolled();
    clock.advance(6 * 60_000);
    const refused = await h.call("POST", "/v1/token", { cookie, csrf, body: { name: "Full", has_full: true } });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("two_factor_step_up_required");
    expect((await h.call("POST", "/v1/me/step-up", { cookie, csrf, body: { code: await totp() } })).status).toBe(204);
    expect((await h.call("POST", "/v1/token", { cookie, csrf, body: { name: "Full", has_full: true } })).status).toBe(201);
    clock.advance(30_000);
    expect((await h.call("POST", "/v1/me/two-factor/disable", { cookie, csrf, body: { code: "123456" === (await totp()) ? "654321" : "123456" } })).status).toBe(401);
    expect((await h.call("GET", "/v1/me/two-factor", { cookie })).body.data.enabled).toBe(true);
    expect((await h.call("POST", "/v1/me/two-factor/disable", { cookie, csrf, body: { code: await totp() } })).status).toBe(204);
    expect((await h.call("POST", "/v1/session", { body: { email: EMAIL, password: PASSWORD } })).status).toBe(200);
  });

  it("never returns the secret after enrolment", async () => {
    const { h, cookie } = await enrolled();
    const status = await h.call("GET", "/v1/me/two-factor", { cookie });
    expect(Object.keys(status.body.data).sort()).toEqual(["enabled", "pending", "recovery_codes_left", "required"]);
  });
});

describe("recovery", () => {
  it("changes the password and ends the user's other sessions, not this one", async () => {
    const h = await openSessionHarness();
    await h.createUser(EMAIL, PASSWORD);
    const here = await h.signIn(EMAIL, PASSWORD);
    const other = await h.signIn(EMAIL, PASSWORD);
    const res = await h.call("POST", "/v1/me/password", { cookie: here.cookie, csrf: here.csrf, body: { current_password: PASSWORD, new_password: "another long password" } });
    expect(res.status).toBe(204);
    expect((await h.call("GET", "/v1/session", { cookie: here.cookie })).body.data).not.toBeNull();
    expect((await h.call("GET", "/v1/session", { cookie: other.cookie })).body.data).toBeNull();
    expect((await h.call("POST", "/v1/session", { body: { email: EMAIL, password: PASSWORD } })).status).toBe(401);
    expect((await h.call("POST", "/v1/session", { body: { email: EMAIL, password: "another long password" } })).status).toBe(200);
  });

  it("sets a password with a reset code once, and not after it expires", async () => {
    const clock = manualClock(NOW);
    const h = await openSessionHarness({ clock });
    await h.createUser(EMAIL, PASSWORD);
    const kept = await h.signIn(EMAIL, PASSWORD);
    const { code } = await h.latchkey.recovery.issueResetCode(EMAIL);
    expect((await h.call("POST", "/v1/password-reset/complete", { body: { code, password: "a brand new password" } })).status).toBe(204);
    expect((await h.call("GET", "/v1/session", { cookie: kept.cookie })).body.data).toBeNull();
    const again = await h.call("POST", "/v1/password-reset/complete", { body: { code, password: "yet another password" } });
    expect(again.status).toBe(422);
    expect(Object.keys(again.body.errors)).toEqual(["code"]);
    const late = await h.latchkey.recovery.issueResetCode(EMAIL);
    clock.advance(60 * 60_000);
    expect((await h.call("POST", "/v1/password-reset/complete", { body: { code: late.code, password: "yet another password" } })).status).toBe(422);
    expect((await h.call("POST", "/v1/session", { body: { email: EMAIL, password: "a brand new password" } })).status).toBe(200);
  });

  it("answers a reset request the same for a known and an unknown address", async () => {
    const h = await openSessionHarness();
    await h.createUser(EMAIL, PASSWORD);
    const known = await h.call("POST", "/v1/password-reset", { body: { email: EMAIL } });
    const unknown = await h.call("POST", "/v1/password-reset", { body: { email: "nobody@example.com" } });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(known.body).toEqual(unknown.body);
  });

  it("unlock ends a lock-out", async () => {
    const h = await openSessionHarness();
    await h.createUser(EMAIL, PASSWORD);
    for (let i = 0; i < 5; i++) await h.call("POST", "/v1/session", { body: { email: EMAIL, password: "wrong wrong wrong" } });
    expect((await h.call("POST", "/v1/session", { body: { email: EMAIL, password: PASSWORD } })).status).toBe(429);
    expect((await h.latchkey.recovery.unlock(EMAIL)).wasLocked).toBe(true);
    expect((await h.call("POST", "/v1/session", { body: { email: EMAIL, password: PASSWORD } })).status).toBe(200);
  });

  it("answers 422 naming the field for every bad input, and changes nothing", async () => {
    const h = await openSessionHarness();
    await h.createUser(EMAIL, PASSWORD);
    const { cookie, csrf } = await h.signIn(EMAIL, PASSWORD);
    const cases: { label: string; url: string; body: unknown; field: string }[] = [
      { label: "short new password", url: "/v1/me/password", body: { current_password: PASSWORD, new_password: "short" }, field: "new_password" },
      { label: "wrong current password", url: "/v1/me/password", body: { current_password: "not the password", new_password: "another long password" }, field: "current_password" },
      { label: "unchanged password", url: "/v1/me/password", body: { current_password: PASSWORD, new_password: PASSWORD }, field: "new_password" },
      { label: "reset code of another shape", url: "/v1/password-reset/complete", body: { code: "abc", password: "a brand new password" }, field: "code" },
      { label: "reset with a short password", url: "/v1/password-reset/complete", body: { code: "A".repeat(43), password: "short" }, field: "password" },
      { label: "confirm without enrolment", url: "/v1/me/two-factor/confirm", body: { code: "123456" }, field: "code" },
    ];
    for (const c of cases) {
      const res = await h.call("POST", c.url, { cookie, csrf, body: c.body });
      expect(res.status, c.label).toBe(422);
      expect(Object.keys(res.body.errors ?? {}), c.label).toContain(c.field);
    }
    for (const [label, query, field] of [["bad kind", "action=DROP", "action"], ["bad token", "token=usr_1", "token"], ["bad person", "user=x", "user"]] as const) {
      const res = await h.call("GET", `/v1/audit?${query}`, { cookie });
      expect(res.status, label).toBe(422);
      expect(Object.keys(res.body.errors), label).toEqual([field]);
    }
    expect((await h.call("POST", "/v1/session", { body: { email: EMAIL, password: PASSWORD } })).status).toBe(200);
  });
});

describe("activity filters", () => {
  it("narrows events by kind, token and person", async () => {
    const h = await openSessionHarness();
    await h.createUser(EMAIL, PASSWORD);
    const { cookie, csrf } = await h.signIn(EMAIL, PASSWORD);
    const made = await h.call("POST", "/v1/token", { cookie, csrf, body: { name: "Filtered", scopes: ["email_full"] } });
    await h.call("POST", "/v1/session", { body: { email: EMAIL, password: "wrong wrong wrong" } });
    const kinds = await h.call("GET", "/v1/audit?action=user.*", { cookie });
    expect(kinds.body.data.map((e: { action: string }) => e.action).sort()).toEqual(["user.create", "user.sign_in_failed"]);
    const byToken = await h.call("GET", `/v1/audit?token=${made.body.data.id}`, { cookie });
    expect(byToken.body.data.map((e: { action: string }) => e.action)).toEqual(["token.create"]);
    const userId = (await h.call("GET", "/v1/session", { cookie })).body.data.user.id;
    const byPerson = await h.call("GET", `/v1/audit?user=${userId}&action=token.create`, { cookie });
    expect(byPerson.body.data).toHaveLength(1);
    const failed = kinds.body.data.find((e: { action: string }) => e.action === "user.sign_in_failed");
    expect(failed.actor).toEqual({ type: "anonymous", id: null });
  });
});

describe("set-up code", () => {
  it("is one code for the deployment: a second instance on the same database accepts it", async () => {
    const database = await testDatabase();
    const a = await Latchkey.open({ databaseUrl: database.url === "sqlite::memory:" ? `sqlite:${(await import("node:os")).tmpdir()}/lk-setup-${Date.now()}.db` : database.url });
    try {
      const url = (a.store.dialect.kind === "sqlite" ? null : database.url) ?? null;
      const code = await a.users.openSetup();
      expect(code).not.toBeNull();
      if (url !== null) {
        const b = await Latchkey.open({ databaseUrl: url });
        try {
          expect(await b.users.openSetup()).toBeNull();
          expect(await b.users.isSetupOpen()).toBe(true);
          const account = await b.accounts.find("default");
          await b.users.completeSetup(code!, { accountId: account.id, email: EMAIL, password: PASSWORD }, { ip: null });
          expect(await a.users.isSetupOpen()).toBe(false);
        } finally {
          await b.close();
        }
      } else {
        expect(await a.users.openSetup()).toBeNull();
        const renewed = await a.users.renewSetup();
        const account = await a.accounts.find("default");
        await expect(a.users.completeSetup(code!, { accountId: account.id, email: EMAIL, password: PASSWORD }, { ip: null })).rejects.toMatchObject({ code: "setup_closed" });
        await a.users.completeSetup(renewed!, { accountId: account.id, email: EMAIL, password: PASSWORD }, { ip: null });
        expect(await a.users.isSetupOpen()).toBe(false);
      }
    } finally {
      await a.close();
      await database.cleanup();
    }
  });
});

describe("account policy", () => {
  it("requires two-factor of the owner once set: other routes answer 403 until they enrol", async () => {
    const h = await openSessionHarness();
    await h.createUser(EMAIL, PASSWORD);
    const { cookie, csrf } = await h.signIn(EMAIL, PASSWORD);
    const set = await h.call("PUT", "/v1/account/policy", { cookie, csrf, body: { max_lifetime_days: null, expiry_required: false, allowed_ips_required: false, two_factor_required_for_admins: true } });
    expect(set.body.data.two_factor_required_for_admins).toBe(true);
    const refused = await h.call("GET", "/v1/token", { cookie });
    expect([refused.status, refused.body.code]).toEqual([403, "two_factor_enrollment_required"]);
    expect((await h.call("GET", "/v1/me/two-factor", { cookie })).body.data.required).toBe(true);
  });
});
