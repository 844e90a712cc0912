/**
 * Issue 16's "Done when" edges not covered elsewhere: a replayed TOTP code counts toward the lock-out
 * like a wrong one; an invitation's code works once even when two accepts race; a bad password on
 * accept is a 422 naming `password` that changes nothing and leaves the code good; a bad query flag is a
 * 422 naming it. SQLite and (postgres project) PostgreSQL.
 */
import { generate } from "otplib";
import { describe, expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { cookieValue, openSessionHarness, type SessionHarness } from "../helpers/session-harness.js";

const NOW = Date.parse("2026-12-06T12:00:00.000Z");
const OWNER = { email: "owner@example.com", password: "owner passphrase 1" };
const PASSWORD = "invitee passphrase 1";

async function owner(h: SessionHarness): Promise<{ cookie: string; csrf: string }> {
  await h.createUser(OWNER.email, OWNER.password);
  return h.signIn(OWNER.email, OWNER.password);
}

async function invite(h: SessionHarness, o: { cookie: string; csrf: string }, email: string): Promise<string> {
  const invited = await h.call("POST", "/v1/users", { ...o, body: { email, role: "Designer" } });
  expect(invited.status).toBe(201);
  return (invited.body.data.invite_url as string).split("#code=")[1] as string;
}

describe("two-factor lock-out", () => {
  it("counts a replayed code as a failed step: replays lock the user out, and then a fresh code is refused too", async () => {
    const clock = manualClock(NOW);
    const h = await openSessionHarness({ clock });
    const o = await owner(h);
    const begun = await h.call("POST", "/v1/me/two-factor", o);
    const secret = begun.body.data.secret as string;
    const totp = () => generate({ secret, epoch: Math.floor(clock.nowMillis() / 1000) });
    expect((await h.call("POST", "/v1/me/two-factor/confirm", { ...o, body: { code: await totp() } })).status).toBe(200);
    clock.advance(30_000);
    const used = await totp();
    const challenge = async () => (await h.call("POST", "/v1/session", { body: OWNER })).body.data.challenge as string;
    expect((await h.call("POST", "/v1/session/two-factor", { body: { challenge: await challenge(), code: used } })).status).toBe(200);
    const c = await challenge();
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) answers.push((await h.call("POST", "/v1/session/two-factor", { body: { challenge: c, code: used } })).body.code as string);
    // The password counted as the first step of this sign-in, the replays as the next ones: locked after the fourth.
    expect(answers).toEqual(["two_factor_invalid", "two_factor_invalid", "two_factor_invalid", "two_factor_invalid", "rate_limited"]);
    clock.advance(30_000);
    const fresh = await h.call("POST", "/v1/session/two-factor", { body: { challenge: c, code: await totp() } });
    expect([fresh.status, fresh.body.code]).toEqual([429, "rate_limited"]);
    const events = await h.latchkey.store.query.selectFrom("audit_events").select(["action", "details"]).execute();
    // Each replay is audited: as a failed sign-in, the last one as the lock it caused.
    expect(events.map((e) => e.action).filter((a) => a === "user.sign_in_failed" || a === "user.lock").sort()).toEqual(["user.lock", "user.sign_in_failed", "user.sign_in_failed", "user.sign_in_failed"]);
  });
});

describe("invitation codes", () => {
  it("works once when two accepts race: one signs in, the other is refused, one person is made", async () => {
    const h = await openSessionHarness();
    const o = await owner(h);
    const code = await invite(h, o, "ada@example.com");
    const [a, b] = await Promise.all([
      h.call("POST", "/v1/invites/accept", { body: { code, password: PASSWORD } }),
      h.call("POST", "/v1/invites/accept", { body: { code, password: "another passphrase 2" } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 404]);
    expect([a.body.code, b.body.code]).toContain("invite_invalid");
    const users = (await h.call("GET", "/v1/users", o)).body.data.map((u: { email: string }) => u.email).sort();
    expect(users).toEqual(["ada@example.com", "owner@example.com"]);
  });

  it("answers a short password on accept with 422 naming password, makes no one, and the code stays good", async () => {
    const h = await openSessionHarness();
    const o = await owner(h);
    const code = await invite(h, o, "ada@example.com");
    const short = await h.call("POST", "/v1/invites/accept", { body: { code, password: "short" } });
    expect([short.status, short.body.code, Object.keys(short.body.errors)]).toEqual([422, "validation_failed", ["password"]]);
    expect(short.setCookie).toBeUndefined();
    expect((await h.call("GET", "/v1/users", o)).body.meta.total).toBe(1);
    expect((await h.call("GET", "/v1/invites", o)).body.meta.total).toBe(1);
    const accepted = await h.call("POST", "/v1/invites/accept", { body: { code, password: PASSWORD } });
    expect(accepted.status).toBe(200);
    expect(cookieValue(accepted.setCookie)).toBeDefined();
  });
});

describe("bad inputs of the Users API", () => {
  it("answers a pause_tokens that is not a boolean with 422 naming it, and removes no one", async () => {
    const h = await openSessionHarness();
    const o = await owner(h);
    const code = await invite(h, o, "ada@example.com");
    const ada = (await h.call("POST", "/v1/invites/accept", { body: { code, password: PASSWORD } })).body.data.user.id as string;
    const res = await h.call("DELETE", `/v1/users/${ada}?pause_tokens=perhaps`, o);
    expect([res.status, res.body.code]).toEqual([422, "validation_failed"]);
    expect(Object.keys(res.body.errors)).toEqual(["pause_tokens"]);
    expect((await h.call("GET", `/v1/users/${ada}`, o)).status).toBe(200);
  });

  it("answers an unknown invitation's resend and cancel with 404, and a malformed preview code with 404 invite_invalid", async () => {
    const h = await openSessionHarness();
    const o = await owner(h);
    expect((await h.call("POST", "/v1/invites/inv_nope/resend", o)).status).toBe(404);
    expect((await h.call("DELETE", "/v1/invites/inv_nope", o)).status).toBe(404);
    const preview = await h.call("POST", "/v1/invites/preview", { body: { code: "not a code" } });
    expect([preview.status, preview.body.code]).toEqual([404, "invite_invalid"]);
  });
});
