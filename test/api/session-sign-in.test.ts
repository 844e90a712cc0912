/** POST/GET/DELETE /v1/session: signing people in and out of the dashboard, and the lock-out. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { LOCK_MILLIS, SESSION_MILLIS } from "../../src/service/user-service.js";
import { openSessionHarness } from "../helpers/session-harness.js";

const EMAIL = "ada@example.com";
const PASSWORD = "correct horse battery";

describe("signing in", () => {
  it("answers 200 with the user and a CSRF token, and sets an httpOnly SameSite=Strict cookie", async () => {
    const h = await openSessionHarness();
    await h.createUser(EMAIL, PASSWORD);
    const res = await h.call("POST", "/v1/session", { body: { email: EMAIL, password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body.data.user).toMatchObject({ email: EMAIL, role: "Admin", account_id: h.accountId });
    expect(res.body.data.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.setCookie).toMatch(/^latchkey_session=[A-Za-z0-9_-]{43};/);
    expect(res.setCookie).toContain("HttpOnly");
    expect(res.setCookie).toContain("SameSite=Strict");
    expect(res.setCookie).toContain("Path=/");
    expect(res.setCookie).toContain("Max-Age=43200");
    expect(res.setCookie).not.toContain("Secure");
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("marks the cookie Secure when the request came over https", async () => {
    const h = await openSessionHarness({ trustProxy: true });
    await h.createUser(EMAIL, PASSWORD);
    const res = await h.call("POST", "/v1/session", { body: { email: EMAIL, password: PASSWORD }, headers: { "x-forwarded-proto": "https" } });
    expect(res.setCookie).toContain("Secure");
  });

  it("treats the e-mail address case-insensitively", async () => {
    const h = await openSessionHarness();
    await h.createUser("Ada@Example.COM", PASSWORD);
    const res = await h.call("POST", "/v1/session", { body: { email: " ADA@example.com ", password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body.data.user.email).toBe(EMAIL);
  });

  it("refuses a wrong password with 401 invalid_credentials and sets no cookie", async () => {
    const h = await openSessionHarness();
    await h.createUser(EMAIL, PASSWORD);
    const res = await h.call("POST", "/v1/session", { body: { email: EMAIL, password: "wrong password!" } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("invalid_credentials");
    expect(res.setCookie).toBeUndefined();
  });

  it("answers an unknown e-mail address exactly like a wrong password", async () => {
    const h = await openSessionHarness();
    const res = await h.call("POST", "/v1/session", { body: { email: "nobody@example.com", password: PASSWORD } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("invalid_credentials");
  });

  it("records failed sign-ins in the audit log, without the password", async () => {
    const h = await openSessionHarness();
    await h.createUser(EMAIL, PASSWORD);
    await h.call("POST", "/v1/session", { body: { email: EMAIL, password: "wrong password!" } });
    const { cookie } = await h.signIn(EMAIL, PASSWORD);
    const audit = await h.call("GET", "/v1/audit", { cookie });
    const actions = audit.body.data.map((e: { action: string }) => e.action);
    expect(actions).toContain("user.sign_in_failed");
    expect(JSON.stringify(audit.body)).not.toContain("wrong password!");
  });
});

describe("lock-out", () => {
  it("locks the user after 5 failed attempts: even the right password gets 429 rate_limited with Retry-After", async () => {
    const h = await openSessionHarness({ clock: manualClock(Date.UTC(2026, 0, 1)) });
    await h.createUser(EMAIL, PASSWORD);
    for (let i = 0; i < 5; i++) expect((await h.call("POST", "/v1/session", { body: { email: EMAIL, password: `wrong ${i} password` } })).status).toBe(401);
    const res = await h.call("POST", "/v1/session", { body: { email: EMAIL, password: PASSWORD } });
    expect(res.status).toBe(429);
    expect(res.body.code).toBe("rate_limited");
    expect(res.headers["retry-after"]).toBe(String(LOCK_MILLIS / 1000));
  });

  it("lets the user in again once the 15 minutes have passed", async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const h = await openSessionHarness({ clock });
    await h.createUser(EMAIL, PASSWORD);
    for (let i = 0; i < 5; i++) await h.call("POST", "/v1/session", { body: { email: EMAIL, password: `wrong ${i} password` } });
    clock.advance(LOCK_MILLIS - 1000);
    expect((await h.call("POST", "/v1/session", { body: { email: EMAIL, password: PASSWORD } })).headers["retry-after"]).toBe("1");
    clock.advance(1000);
    expect((await h.call("POST", "/v1/session", { body: { email: EMAIL, password: PASSWORD } })).status).toBe(200);
  });

  it("counts parallel guesses, so a burst cannot get past the limit", async () => {
    const h = await openSessionHarness({ clock: manualClock(Date.UTC(2026, 0, 1)) });
    await h.createUser(EMAIL, PASSWORD);
    const statuses = await Promise.all(Array.from({ length: 8 }, (_, i) => h.call("POST", "/v1/session", { body: { email: EMAIL, password: `guess ${i} password` } }).then((r) => r.status)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
  });

  it("resets the count on a correct password", async () => {
    const h = await openSessionHarness({ clock: manualClock(Date.UTC(2026, 0, 1)) });
    await h.createUser(EMAIL, PASSWORD);
    for (let i = 0; i < 4; i++) await h.call("POST", "/v1/session", { body: { email: EMAIL, password: `wrong ${i} password` } });
    await h.signIn(EMAIL, PASSWORD);
    for (let i = 0; i < 4; i++) expect((await h.call("POST", "/v1/session", { body: { email: EMAIL, password: `wrong ${i} password` } })).status).toBe(401);
    expect((await h.call("POST", "/v1/session", { body: { email: EMAIL, password: PASSWORD } })).status).toBe(200);
  });
});

describe("the session", () => {
  it("GET /v1/session tells who is signed in, with the same CSRF token", async () => {
    const h = await openSessionHarness();
    await h.createUser(EMAIL, PASSWORD);
    const { cookie, csrf } = await h.signIn(EMAIL, PASSWORD);
    const res = await h.call("GET", "/v1/session", { cookie });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ user: { email: EMAIL }, csrf_token: csrf });
  });

  it("GET /v1/session without a cookie answers 200 with data null, so the page's check logs no failed request", async () => {
    const h = await openSessionHarness();
    const res = await h.call("GET", "/v1/session");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: null });
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("GET /v1/session with an ended session's cookie answers data null and clears the cookie", async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const h = await openSessionHarness({ clock });
    await h.createUser(EMAIL, PASSWORD);
    const { cookie } = await h.signIn(EMAIL, PASSWORD);
    clock.advance(SESSION_MILLIS);
    const res = await h.call("GET", "/v1/session", { cookie });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: null });
    expect(res.setCookie).toMatch(/^latchkey_session=;.*Max-Age=0/);
  });

  it("stores only the SHA-256 of the session secret", async () => {
    const h = await openSessionHarness();
    await h.createUser(EMAIL, PASSWORD);
    const { cookie } = await h.signIn(EMAIL, PASSWORD);
    const store = h.latchkey.store;
    expect(await store.findSession(cookie)).toBeUndefined();
    expect(await store.findSession(createHash("sha256").update(cookie).digest("hex"))).toBeDefined();
  });

  it("ends 12 hours after sign-in", async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const h = await openSessionHarness({ clock });
    await h.createUser(EMAIL, PASSWORD);
    const { cookie } = await h.signIn(EMAIL, PASSWORD);
    clock.advance(SESSION_MILLIS - 1);
    expect((await h.call("GET", "/v1/token", { cookie })).status).toBe(200);
    clock.advance(1);
    const res = await h.call("GET", "/v1/token", { cookie });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("session_missing");
  });
});

describe("the cookie as a principal on /v1", () => {
  it("lists and creates tokens for the whole account", async () => {
    const h = await openSessionHarness();
    await h.createUser(EMAIL, PASSWORD);
    const { cookie, csrf } = await h.signIn(EMAIL, PASSWORD);
    const created = await h.call("POST", "/v1/token", { cookie, csrf, body: { name: "From the dashboard", has_full: true } });
    expect(created.status).toBe(201);
    const list = await h.call("GET", "/v1/token", { cookie });
    expect(list.body.data.map((t: { name: string }) => t.name)).toEqual(["From the dashboard"]);
  });

  it("refuses a state-changing request without X-CSRF-Token with 403 csrf_failed, and does nothing", async () => {
    const h = await openSessionHarness();
    await h.createUser(EMAIL, PASSWORD);
    const { cookie } = await h.signIn(EMAIL, PASSWORD);
    const res = await h.call("POST", "/v1/token", { cookie, body: { name: "Forged", has_full: true } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("csrf_failed");
    expect((await h.call("GET", "/v1/token", { cookie })).body.meta.total).toBe(0);
  });

  it("refuses another session's CSRF token", async () => {
    const h = await openSessionHarness();
    await h.createUser(EMAIL, PASSWORD);
    const first = await h.signIn(EMAIL, PASSWORD);
    const second = await h.signIn(EMAIL, PASSWORD);
    const res = await h.call("POST", "/v1/domains", { cookie: first.cookie, csrf: second.csrf, body: { name: "example.com" } });
    expect(res.body.code).toBe("csrf_failed");
  });

  it("keeps API tokens working unchanged", async () => {
    const h = await openSessionHarness();
    const { secret } = await h.latchkey.tokens.create({ principal: await h.latchkey.operator("default"), ip: null }, { name: "API", hasFull: true });
    const res = await h.call("POST", "/v1/domains", { bearer: secret, body: { name: "example.com" } });
    expect(res.status).toBe(201);
  });
});

describe("signing out", () => {
  it("ends the session and clears the cookie", async () => {
    const h = await openSessionHarness();
    await h.createUser(EMAIL, PASSWORD);
    const { cookie, csrf } = await h.signIn(EMAIL, PASSWORD);
    const res = await h.call("DELETE", "/v1/session", { cookie, csrf });
    expect(res.status).toBe(204);
    expect(res.setCookie).toMatch(/^latchkey_session=;.*Max-Age=0/);
    expect((await h.call("GET", "/v1/session", { cookie })).body).toEqual({ data: null });
    expect((await h.call("GET", "/v1/token", { cookie })).body.code).toBe("session_missing");
  });

  it("needs the CSRF token, so another site cannot sign a person out", async () => {
    const h = await openSessionHarness();
    await h.createUser(EMAIL, PASSWORD);
    const { cookie } = await h.signIn(EMAIL, PASSWORD);
    expect((await h.call("DELETE", "/v1/session", { cookie })).body.code).toBe("csrf_failed");
    expect((await h.call("GET", "/v1/session", { cookie })).status).toBe(200);
  });

  it("answers 204 when there is no session", async () => {
    const h = await openSessionHarness();
    expect((await h.call("DELETE", "/v1/session")).status).toBe(204);
  });
});
