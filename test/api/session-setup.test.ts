/** GET/POST /v1/setup: creating the first user with the one-time code `latchkey serve` prints. */
import { describe, expect, it } from "vitest";
import { cookieValue, openSessionHarness } from "../helpers/session-harness.js";

const OWNER = { email: "owner@example.com", password: "a long enough password" };

describe("set-up", () => {
  it("is closed until a code is issued", async () => {
    const h = await openSessionHarness();
    expect((await h.call("GET", "/v1/setup")).body).toEqual({ data: { open: false } });
    await h.latchkey.users.openSetup();
    expect((await h.call("GET", "/v1/setup")).body).toEqual({ data: { open: true } });
  });

  it("creates the owner of the default account with the code, and signs them in", async () => {
    const h = await openSessionHarness();
    const code = await h.latchkey.users.openSetup();
    const res = await h.call("POST", "/v1/setup", { body: { code, ...OWNER } });
    expect(res.status).toBe(200);
    expect(res.body.data.user).toMatchObject({ email: OWNER.email, role: "Admin", account_id: h.accountId });
    const cookie = cookieValue(res.setCookie);
    expect((await h.call("GET", "/v1/session", { cookie })).status).toBe(200);
    expect((await h.call("GET", "/v1/setup")).body.data.open).toBe(false);
  });

  it("refuses a wrong code with 403 setup_closed and creates nobody", async () => {
    const h = await openSessionHarness();
    await h.latchkey.users.openSetup();
    const res = await h.call("POST", "/v1/setup", { body: { code: "not-the-code", ...OWNER } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("setup_closed");
    expect(await h.latchkey.users.count()).toBe(0);
  });

  it("refuses the code a second time", async () => {
    const h = await openSessionHarness();
    const code = await h.latchkey.users.openSetup();
    await h.call("POST", "/v1/setup", { body: { code, ...OWNER } });
    const again = await h.call("POST", "/v1/setup", { body: { code, email: "second@example.com", password: OWNER.password } });
    expect(again.body.code).toBe("setup_closed");
  });

  it("issues no code once a user exists", async () => {
    const h = await openSessionHarness();
    await h.createUser(OWNER.email, OWNER.password);
    expect(await h.latchkey.users.openSetup()).toBeNull();
  });

  it("answers 422 for a short password and keeps the code valid", async () => {
    const h = await openSessionHarness();
    const code = await h.latchkey.users.openSetup();
    const short = await h.call("POST", "/v1/setup", { body: { code, email: OWNER.email, password: "short" } });
    expect(short.status).toBe(422);
    expect(Object.keys(short.body.errors)).toEqual(["password"]);
    expect((await h.call("POST", "/v1/setup", { body: { code, ...OWNER } })).status).toBe(200);
  });

  it("answers 422 for an address that is not an e-mail address", async () => {
    const h = await openSessionHarness();
    const code = await h.latchkey.users.openSetup();
    const res = await h.call("POST", "/v1/setup", { body: { code, email: "owner", password: OWNER.password } });
    expect(Object.keys(res.body.errors)).toEqual(["email"]);
  });

  it("records user.create in the audit log", async () => {
    const h = await openSessionHarness();
    const code = await h.latchkey.users.openSetup();
    const cookie = cookieValue((await h.call("POST", "/v1/setup", { body: { code, ...OWNER } })).setCookie);
    const audit = await h.call("GET", "/v1/audit", { cookie });
    expect(audit.body.data.map((e: { action: string }) => e.action)).toContain("user.create");
  });
});
