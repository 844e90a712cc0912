/**
 * What a signed-in person sees of the account's tokens and audit log (break-test finding F14; issue
 * 10's "visibility follows the domain scope", issue 16's "a person's role is their ceiling"): only the
 * tokens within their role (its areas and its domains; an all-domains token is out of a
 * domain-limited role's reach), the same for show, rename, pause, delete and the cascade, and in the
 * audit log only events about those tokens and about themselves, with no one else's address.
 * SQLite and (postgres project) PostgreSQL.
 */
import { describe, expect, it } from "vitest";
import { cookieValue, openSessionHarness, type SessionHarness } from "../helpers/session-harness.js";
import { rememberSecret } from "../helpers/trace-log.js";

const OWNER = { email: "owner@example.com", password: "owner passphrase 1" };
const PASSWORD = "invitee passphrase 1";
type Session = { cookie: string; csrf: string };

async function owner(h: SessionHarness): Promise<Session> {
  await h.createUser(OWNER.email, OWNER.password);
  return h.signIn(OWNER.email, OWNER.password);
}

/** Invites a person with `role` and signs them in through the invitation. */
async function person(h: SessionHarness, o: Session, email: string, role: Record<string, unknown>): Promise<Session> {
  const invited = await h.call("POST", "/v1/users", { ...o, body: { email, ...role } });
  expect(invited.status).toBe(201);
  const code = (invited.body.data.invite_url as string).split("#code=")[1];
  const accepted = await h.call("POST", "/v1/invites/accept", { body: { code, password: PASSWORD } });
  expect(accepted.status).toBe(200);
  return { cookie: cookieValue(accepted.setCookie) as string, csrf: accepted.body.data.csrf_token as string };
}

async function token(h: SessionHarness, s: Session, body: Record<string, unknown>): Promise<string> {
  const made = await h.call("POST", "/v1/token", { ...s, body });
  expect(made.status).toBe(201);
  rememberSecret(made.body.data.accessToken);
  return made.body.data.id as string;
}

/** The account: two domains and tokens of every reach, made by the owner. */
async function account(h: SessionHarness) {
  const o = await owner(h);
  const a = (await h.call("POST", "/v1/domains", { ...o, body: { name: "a.example.com" } })).body.data.id as string;
  const b = (await h.call("POST", "/v1/domains", { ...o, body: { name: "b.example.com" } })).body.data.id as string;
  const ids = {
    full: await token(h, o, { name: "Full", has_full: true }),
    allTemplates: await token(h, o, { name: "All templates", scopes: ["templates_full"] }),
    aTemplates: await token(h, o, { name: "A templates", scopes: ["templates_full"], domains: [a] }),
    bTemplates: await token(h, o, { name: "B templates", scopes: ["templates_full"], domains: [b] }),
    aEmail: await token(h, o, { name: "A email", scopes: ["email_full"], domains: [a] }),
  };
  return { o, a, b, ids };
}

async function listed(h: SessionHarness, s: Session): Promise<string[]> {
  const res = await h.call("GET", "/v1/token?limit=100", s);
  expect(res.status).toBe(200);
  expect(res.body.meta.total).toBe(res.body.data.length);
  return (res.body.data as { name: string }[]).map((t) => t.name).sort();
}

describe("a person sees and manages the tokens within their role", () => {
  it("a domain-limited Custom User: only tokens within its areas and domains; the rest is 404 for every action", async () => {
    const h = await openSessionHarness();
    const { o, a, ids } = await account(h);
    const c = await person(h, o, "custom@example.com", { role: "Custom User", permissions: ["templates_full", "activity_read"], domains: [a] });
    const own = await token(h, c, { name: "Own", scopes: ["templates_full"], domains: [a] });
    expect(await listed(h, c)).toEqual(["A templates", "Own"]);
    for (const id of [ids.full, ids.allTemplates, ids.bTemplates, ids.aEmail]) {
      const answers = [
        await h.call("GET", `/v1/token/${id}`, c),
        await h.call("PUT", `/v1/token/${id}`, { ...c, body: { name: "Taken" } }),
        await h.call("PUT", `/v1/token/${id}`, { ...c, body: { status: "pause" } }),
        await h.call("POST", `/v1/token/${id}/pause`, { ...c, body: { cascade: true } }),
        await h.call("GET", `/v1/token/${id}/family`, c),
        await h.call("DELETE", `/v1/token/${id}`, c),
      ];
      expect(answers.map((r) => [r.status, r.body?.code])).toEqual(Array(answers.length).fill([404, "not_found"]));
    }
    // Nothing changed: the owner still sees every token as it was.
    const all = (await h.call("GET", "/v1/token?limit=100", o)).body.data as { name: string; status: string }[];
    expect(all.map((t) => [t.name, t.status]).sort()).toEqual(
      ["A email", "A templates", "All templates", "B templates", "Full", "Own"].map((name) => [name, "unpause"]),
    );
    // Within reach: every action works.
    expect((await h.call("PUT", `/v1/token/${ids.aTemplates}`, { ...c, body: { name: "A renamed", status: "pause" } })).status).toBe(200);
    expect((await h.call("DELETE", `/v1/token/${own}`, c)).status).toBe(204);
  });

  it("a Designer for all domains: template tokens of every domain, none with other areas or Full access; an Admin sees all", async () => {
    const h = await openSessionHarness();
    const { o } = await account(h);
    const d = await person(h, o, "designer@example.com", { role: "Designer" });
    expect(await listed(h, d)).toEqual(["A templates", "All templates", "B templates"]);
    const admin = await person(h, o, "admin@example.com", { role: "Admin" });
    expect(await listed(h, admin)).toEqual(["A email", "A templates", "All templates", "B templates", "Full"]);
  });

  it("an Accountant (no area) sees no token of the account", async () => {
    const h = await openSessionHarness();
    const { o } = await account(h);
    const accountant = await person(h, o, "accountant@example.com", { role: "Accountant" });
    expect(await listed(h, accountant)).toEqual([]);
  });
});

describe("a person's audit log", () => {
  it("holds only events about the tokens within reach and about themselves, and no one else's address or e-mail", async () => {
    const h = await openSessionHarness();
    const { o, a, ids } = await account(h);
    // Someone fails to sign in as the owner: an event about the owner, with the address tried.
    expect((await h.call("POST", "/v1/session", { body: { email: OWNER.email, password: "wrong passphrase 1" } })).status).toBe(401);
    const c = await person(h, o, "custom@example.com", { role: "Custom User", permissions: ["templates_full"], domains: [a] });
    await h.call("PUT", `/v1/token/${ids.aTemplates}`, { ...c, body: { name: "A renamed" } });
    const res = await h.call("GET", "/v1/audit?limit=100", c);
    expect(res.status).toBe(200);
    const events = res.body.data as { action: string; actor: { type: string; id: string | null }; target: { type: string; id: string }; ip: string | null }[];
    const me = (await h.call("GET", "/v1/session", c)).body.data.user.id as string;
    expect(events.map((e) => `${e.action} ${e.target.type === "token" ? e.target.id : e.target.type}`).sort()).toEqual(
      // The role's domain is theirs to see; domain b, the owner's invitation of them and the failed sign-in are not.
      ["domain.create domain", `token.create ${ids.aTemplates}`, `token.rename ${ids.aTemplates}`, "user.accept_invite user"].sort(),
    );
    expect(events.find((e) => e.action === "user.accept_invite")?.target.id).toBe(me);
    expect(events.find((e) => e.action === "domain.create")?.target.id).toBe(a);
    // Only their own actions keep their address; the owner's (who made the token) is hidden.
    for (const e of events) expect([e.action, e.ip === null]).toEqual([e.action, !(e.actor.type === "user" && e.actor.id === me)]);
    expect(JSON.stringify(res.body)).not.toContain(OWNER.email);
    expect(res.body.meta.total).toBe(events.length);
    // The owner still reads the whole log, the failed sign-in included.
    const whole = (await h.call("GET", "/v1/audit?limit=100", o)).body.data as { action: string }[];
    expect(whole.map((e) => e.action)).toContain("user.sign_in_failed");
    expect(whole.length).toBeGreaterThan(events.length);
  });
});
