/**
 * The Users API and invitations (issue 16) in-process, on SQLite and (postgres project) PostgreSQL.
 */
import { describe, expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { INVITE_MILLIS } from "../../src/service/invite-service.js";
import { cookieValue, openSessionHarness, type SessionHarness } from "../helpers/session-harness.js";

const OWNER = { email: "owner@example.com", password: "owner passphrase 1" };
const PASSWORD = "invitee passphrase 1";

async function owner(h: SessionHarness): Promise<{ cookie: string; csrf: string }> {
  await h.createUser(OWNER.email, OWNER.password);
  return h.signIn(OWNER.email, OWNER.password);
}

function codeOf(body: { data: { invite_url: string } }): string {
  // Relative (`/invite#code=...`) without LATCHKEY_PUBLIC_URL, as these harnesses run.
  return body.data.invite_url.split("#code=")[1] as string;
}

describe("users and invitations", () => {
  it("a Designer cannot create a token outside the role: 403 naming what is lacking; within it: 201", async () => {
    const h = await openSessionHarness();
    const o = await owner(h);
    const invited = await h.call("POST", "/v1/users", { ...o, body: { email: "designer@example.com", role: "Designer" } });
    expect(invited.status).toBe(201);
    const accepted = await h.call("POST", "/v1/invites/accept", { body: { code: codeOf(invited.body), password: PASSWORD } });
    expect(accepted.status).toBe(200);
    const d = { cookie: cookieValue(accepted.setCookie) as string, csrf: accepted.body.data.csrf_token as string };
    const outside = await h.call("POST", "/v1/token", { ...d, body: { name: "too much", scopes: ["templates_full", "email_full"] } });
    expect(outside.status).toBe(403);
    expect(outside.body).toMatchObject({ code: "ceiling_exceeded", lacking: ["email_full"] });
    const inside = await h.call("POST", "/v1/token", { ...d, body: { name: "templates", scopes: ["templates_full"] } });
    expect(inside.status).toBe(201);
    expect((await h.call("GET", "/v1/users", d)).body).toMatchObject({ code: "scope_missing", required: "users_read" });
  });

  it("an invitation works once, not after a resend, not after expiry", async () => {
    const clock = manualClock(Date.UTC(2026, 5, 1));
    const h = await openSessionHarness({ clock });
    const o = await owner(h);
    const first = await h.call("POST", "/v1/users", { ...o, body: { email: "a@example.com", role: "Manager" } });
    const resent = await h.call("POST", `/v1/invites/${first.body.data.id}/resend`, o);
    expect((await h.call("POST", "/v1/invites/accept", { body: { code: codeOf(first.body), password: PASSWORD } })).body.code).toBe("invite_invalid");
    expect((await h.call("POST", "/v1/invites/accept", { body: { code: codeOf(resent.body), password: PASSWORD } })).status).toBe(200);
    expect((await h.call("POST", "/v1/invites/accept", { body: { code: codeOf(resent.body), password: PASSWORD } })).body.code).toBe("invite_invalid");

    const late = await h.call("POST", "/v1/users", { ...o, body: { email: "b@example.com", role: "Designer" } });
    clock.advance(INVITE_MILLIS);
    expect((await h.call("POST", "/v1/invites/accept", { body: { code: codeOf(late.body), password: PASSWORD } })).body.code).toBe("invite_invalid");
  });

  it("refuses removing or demoting the last Admin", async () => {
    const h = await openSessionHarness();
    const o = await owner(h);
    const me = (await h.call("GET", "/v1/users", o)).body.data[0].id as string;
    const demote = await h.call("PUT", `/v1/users/${me}`, { ...o, body: { role: "Designer" } });
    expect([demote.status, demote.body.code]).toEqual([409, "last_admin"]);
    const remove = await h.call("DELETE", `/v1/users/${me}`, o);
    expect([remove.status, remove.body.code]).toEqual([409, "last_admin"]);
    expect((await h.call("GET", `/v1/users/${me}`, o)).body.data.role).toBe("Admin");
  });

  it("answers every bad input with 422 naming the field, and changes nothing", async () => {
    const h = await openSessionHarness();
    const o = await owner(h);
    const me = (await h.call("GET", "/v1/users", o)).body.data[0].id as string;
    const cases: [string, string, string, unknown, string][] = [
      ["no email", "POST", "/v1/users", { role: "Admin" }, "email"],
      ["bad email", "POST", "/v1/users", { email: "nope", role: "Admin" }, "email"],
      ["unknown role", "POST", "/v1/users", { email: "x@example.com", role: "Owner" }, "role"],
      ["custom without permissions", "POST", "/v1/users", { email: "x@example.com", role: "Custom User" }, "permissions"],
      ["unknown permission", "POST", "/v1/users", { email: "x@example.com", role: "Custom User", permissions: ["email_read"] }, "permissions"],
      ["unknown domain", "POST", "/v1/users", { email: "x@example.com", role: "Manager", domains: ["dom_nope"] }, "domains"],
      ["templates not an array", "POST", "/v1/users", { email: "x@example.com", role: "Manager", templates: "t" }, "templates"],
      ["periodic not boolean", "POST", "/v1/users", { email: "x@example.com", role: "Manager", requires_periodic_password_change: "yes" }, "requires_periodic_password_change"],
      ["unknown field", "POST", "/v1/users", { email: "x@example.com", role: "Manager", admin: true }, "admin"],
      ["update with nothing", "PUT", `/v1/users/${me}`, {}, "role"],
      ["update to unknown role", "PUT", `/v1/users/${me}`, { role: "root" }, "role"],
      ["short password on accept", "POST", "/v1/invites/accept", { code: "x".repeat(43), password: "short" }, "password"],
    ];
    for (const [label, method, url, body, field] of cases) {
      const res = await h.call(method, url, { ...o, body });
      expect([label, res.status, res.body.code]).toEqual([label, res.status === 404 ? 404 : 422, res.status === 404 ? "invite_invalid" : "validation_failed"]);
      if (res.status === 422) expect([label, Object.keys(res.body.errors ?? {})]).toContainEqual(expect.arrayContaining([field]));
    }
    expect((await h.call("GET", "/v1/invites", o)).body.meta.total).toBe(0);
    expect((await h.call("GET", "/v1/users", o)).body.data.map((u: { role: string }) => u.role)).toEqual(["Admin"]);
  });
});
