/**
 * Accounts are walled off: every id-addressed route given another account's token or domain id
 * answers exactly as for an id that does not exist (DESIGN.md: "404 not found (also for another
 * account's ids)"), and changes nothing there.
 */
import { describe, expect, it } from "vitest";
import { openApiHarness, type ApiHarness, type MintedToken } from "../helpers/api-harness.js";

interface OtherAccount {
  readonly token: MintedToken;
  readonly domainId: string;
}

/** Creates the account `other` with a Full access token and a domain. */
async function otherAccount(h: ApiHarness): Promise<OtherAccount> {
  await h.latchkey.accounts.create("other");
  const token = await h.mint({ name: "Theirs", account: "other" });
  const domainId = await h.addDomain("their.example", "other");
  return { token, domainId };
}

/** [route, method, path for an id, body, which kind of id]. */
const ID_ROUTES: [string, string, (id: string) => string, unknown, "token" | "domain"][] = [
  ["GET /v1/token/{id}", "GET", (id) => `/v1/token/${id}`, undefined, "token"],
  ["PUT /v1/token/{id} (rename)", "PUT", (id) => `/v1/token/${id}`, { name: "Mine now" }, "token"],
  ["PUT /v1/token/{id} (pause)", "PUT", (id) => `/v1/token/${id}`, { status: "pause" }, "token"],
  ["PUT /v1/token/{id}/settings", "PUT", (id) => `/v1/token/${id}/settings`, { status: "pause" }, "token"],
  ["DELETE /v1/token/{id}", "DELETE", (id) => `/v1/token/${id}`, undefined, "token"],
  ["GET /v1/domains/{id}", "GET", (id) => `/v1/domains/${id}`, undefined, "domain"],
  ["DELETE /v1/domains/{id}", "DELETE", (id) => `/v1/domains/${id}`, undefined, "domain"],
];

describe.each(ID_ROUTES)("%s with another account's id", (_route, method, path, body, kind) => {
  it("answers 404 with the same body as for an unknown id", async () => {
    const h = await openApiHarness();
    const other = await otherAccount(h);
    const theirId = kind === "token" ? other.token.id : other.domainId;
    const unknownId = h.latchkey.ids(kind);
    const theirs = await h.call(method, path(theirId), { body });
    const unknown = await h.call(method, path(unknownId), { body });
    expect(theirs.status).toBe(404);
    expect(theirs.body.code).toBe("not_found");
    expect(theirs.body).toEqual(unknown.body);
  });

  it("leaves the other account's token and domain as they were", async () => {
    const h = await openApiHarness();
    const other = await otherAccount(h);
    const theirId = kind === "token" ? other.token.id : other.domainId;
    const before = await h.call("GET", `/v1/token/${other.token.id}`, { token: other.token.secret });
    await h.call(method, path(theirId), { body });
    expect((await h.call("GET", `/v1/token/${other.token.id}`, { token: other.token.secret })).body).toEqual(before.body);
    expect((await h.call("GET", `/v1/domains/${other.domainId}`, { token: other.token.secret })).status).toBe(200);
  });
});

describe("lists across accounts", () => {
  it("GET /v1/token shows only the caller's account's tokens", async () => {
    const h = await openApiHarness();
    const other = await otherAccount(h);
    const mine = await h.call("GET", "/v1/token");
    const theirs = await h.call("GET", "/v1/token", { token: other.token.secret });
    expect(mine.body.data.map((t: { id: string }) => t.id)).toEqual([h.root.id]);
    expect(theirs.body.data.map((t: { id: string }) => t.id)).toEqual([other.token.id]);
  });

  it("GET /v1/domains shows only the caller's account's domains", async () => {
    const h = await openApiHarness();
    const other = await otherAccount(h);
    const mine = await h.addDomain("mine.example");
    expect((await h.call("GET", "/v1/domains")).body.data.map((d: { id: string }) => d.id)).toEqual([mine]);
    expect((await h.call("GET", "/v1/domains", { token: other.token.secret })).body.data.map((d: { id: string }) => d.id)).toEqual([other.domainId]);
  });

  it("GET /v1/audit shows only the caller's account's events", async () => {
    const h = await openApiHarness();
    const other = await otherAccount(h);
    const mine = await h.call("GET", "/v1/audit?limit=100");
    const targets = mine.body.data.map((e: { target: { id: string } }) => e.target.id);
    expect(targets).not.toContain(other.token.id);
    expect(targets).not.toContain(other.domainId);
  });
});

describe("creating a token with another account's domain", () => {
  it("answers 422 naming domain_id, as for an unknown domain", async () => {
    const h = await openApiHarness();
    const other = await otherAccount(h);
    const res = await h.call("POST", "/v1/token", { body: { name: "Sneaky", scopes: ["email_full"], domain_id: other.domainId } });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors)).toEqual(["domain_id"]);
  });

  it("answers 422 naming domains for an id list", async () => {
    const h = await openApiHarness();
    const other = await otherAccount(h);
    const res = await h.call("POST", "/v1/token", { body: { name: "Sneaky", scopes: ["email_full"], domains: [other.domainId] } });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors)).toEqual(["domains"]);
  });

  it("does not let a domain of the same name in another account through verification", async () => {
    const h = await openApiHarness();
    await otherAccount(h);
    const token = await h.mint({ scopes: ["email_full"] });
    const res = await h.call("POST", "/v1/verify", { token: null, body: { token: token.secret, method: "POST", area: "email", domain: "their.example" } });
    expect(res.body).toMatchObject({ allowed: false, code: "domain_not_allowed" });
  });
});
