/**
 * The account policy (issue 13): GET/PUT /v1/account/policy, who may use it, its rules enforced at
 * creation with 422 naming the rule, existing tokens listed as out of policy and still working.
 */
import { describe, expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { openApiHarness, type ApiHarness } from "../helpers/api-harness.js";
import { rememberSecret } from "../helpers/trace-log.js";

const NOW = Date.parse("2030-03-10T12:00:00.000Z");
const STRICT = { max_lifetime_days: 30, expiry_required: true, allowed_ips_required: true };

async function setPolicy(h: ApiHarness, body: unknown, token?: string) {
  return h.call("PUT", "/v1/account/policy", { body, ...(token === undefined ? {} : { token }) });
}

async function create(h: ApiHarness, body: Record<string, unknown>) {
  const res = await h.call("POST", "/v1/token", { body: { name: "New", scopes: ["domains_read"], ...body } });
  if (res.status === 201) rememberSecret(res.body.data.accessToken);
  return res;
}

describe("GET /v1/account/policy", () => {
  it("answers no policy for a fresh account", async () => {
    const h = await openApiHarness();
    const res = await h.call("GET", "/v1/account/policy");
    expect([res.status, res.body.data]).toEqual([200, { max_lifetime_days: null, expiry_required: false, allowed_ips_required: false, two_factor_required_for_admins: false, updated_at: null, out_of_policy: [], out_of_policy_total: 0 }]);
  });

  it.each([
    { label: "Custom access with tokens_full", scopes: ["tokens_full"], domains: "all", code: "scope_missing" },
    { label: "Full access for one domain", scopes: undefined, domains: "one", code: "all_domains_required" },
  ])("is refused to $label (403 $code), and so is PUT", async ({ scopes, domains, code }) => {
    const h = await openApiHarness();
    const domain = await h.addDomain("example.com");
    const token = await h.mint({ ...(scopes === undefined ? {} : { scopes }), domains: domains === "all" ? "all" : [domain] });
    const read = await h.call("GET", "/v1/account/policy", { token: token.secret });
    const write = await setPolicy(h, STRICT, token.secret);
    expect([read.status, read.body.code, write.status, write.body.code]).toEqual([403, code, 403, code]);
    expect((await h.call("GET", "/v1/account/policy")).body.data.expiry_required).toBe(false);
  });
});

describe("PUT /v1/account/policy", () => {
  it("lists only the out-of-policy tokens within the caller's view (F17): a Full access child sees its own subtree", async () => {
    const h = await openApiHarness({ clock: manualClock(NOW) });
    const child = await h.mint({ name: "Full child" });
    const sibling = await h.mint({ name: "Sibling", scopes: ["domains_read"] });
    const made = await h.call("POST", "/v1/token", { token: child.secret, body: { name: "Grandchild", scopes: ["domains_read"] } });
    expect(made.status).toBe(201);
    rememberSecret(made.body.data.accessToken);
    expect((await setPolicy(h, STRICT)).body.data.out_of_policy_total).toBe(4);
    const seen = await h.call("GET", "/v1/account/policy", { token: child.secret });
    expect(seen.status).toBe(200);
    const ids = (seen.body.data.out_of_policy as { id: string }[]).map((t) => t.id).sort();
    expect(ids).toEqual([child.id, made.body.data.id].sort());
    expect(ids).not.toContain(sibling.id);
    expect(seen.body.data.out_of_policy_total).toBe(2);
  });

  it("sets the policy, audits it, and lists existing tokens outside it while they keep working", async () => {
    const h = await openApiHarness({ clock: manualClock(NOW) });
    const old = await h.mint({ name: "Old and open", scopes: ["domains_read"] });
    const res = await setPolicy(h, STRICT);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ ...STRICT, updated_at: "2030-03-10T12:00:00.000Z" });
    const outside = res.body.data.out_of_policy as { id: string; rules: string[] }[];
    expect(outside.find((t) => t.id === old.id)).toEqual({ id: old.id, name: "Old and open", rules: ["expiry_required", "allowed_ips_required"] });
    expect(res.body.data.out_of_policy_total).toBe(2); // the harness's root token too
    const verdict = await h.call("POST", "/v1/verify", { token: null, body: { token: old.secret, method: "GET", area: "domains" } });
    expect(verdict.body.code).toBe("ok");
    const audit = await h.call("GET", "/v1/audit");
    expect(audit.body.data[0]).toMatchObject({ action: "account.policy.update", details: STRICT });
  });

  it.each([
    { label: "zero days", body: { ...STRICT, max_lifetime_days: 0 }, field: "max_lifetime_days" },
    { label: "a fraction of a day", body: { ...STRICT, max_lifetime_days: 1.5 }, field: "max_lifetime_days" },
    { label: "more than ten years", body: { ...STRICT, max_lifetime_days: 3651 }, field: "max_lifetime_days" },
    { label: "a flag as text", body: { ...STRICT, expiry_required: "yes" }, field: "expiry_required" },
    { label: "a missing field", body: { max_lifetime_days: 30, expiry_required: true }, field: "allowed_ips_required" },
  ])("refuses $label with 422 naming $field, changing nothing", async ({ body, field }) => {
    const h = await openApiHarness();
    const res = await setPolicy(h, body);
    expect([res.status, res.body.code]).toEqual([422, "validation_failed"]);
    expect(Object.keys(res.body.errors)).toContain(field);
    expect((await h.call("GET", "/v1/account/policy")).body.data.updated_at).toBeNull();
  });
});

describe("the policy at creation", () => {
  it.each([
    { label: "no expiry under expiry_required", policy: { max_lifetime_days: null, expiry_required: true, allowed_ips_required: false }, body: {}, field: "expires_at", rule: "expiry_required" },
    { label: "no expiry under a lifetime limit", policy: { max_lifetime_days: 30, expiry_required: false, allowed_ips_required: false }, body: {}, field: "expires_at", rule: "max_lifetime_days" },
    { label: "an expiry past the limit", policy: { max_lifetime_days: 30, expiry_required: false, allowed_ips_required: false }, body: { expires_at: "2030-04-10T12:00:01Z" }, field: "expires_at", rule: "max_lifetime_days" },
    { label: "no address list under allowed_ips_required", policy: { max_lifetime_days: null, expiry_required: false, allowed_ips_required: true }, body: {}, field: "allowed_ips", rule: "allowed_ips_required" },
  ])("refuses $label with 422 naming $field and the rule, creating nothing", async ({ policy, body, field, rule }) => {
    const h = await openApiHarness({ clock: manualClock(NOW) });
    expect((await setPolicy(h, policy)).status).toBe(200);
    const before = (await h.call("GET", "/v1/token")).body.meta.total;
    const res = await create(h, body);
    expect([res.status, Object.keys(res.body.errors ?? {})]).toEqual([422, [field]]);
    expect(res.body.errors[field][0]).toContain(rule);
    expect((await h.call("GET", "/v1/token")).body.meta.total).toBe(before);
  });

  it("accepts a token within every rule", async () => {
    const h = await openApiHarness({ clock: manualClock(NOW) });
    await setPolicy(h, STRICT);
    const res = await create(h, { expires_at: "2030-04-09T12:00:00Z", allowed_ips: ["192.0.2.0/24"] });
    expect(res.status).toBe(201);
  });

  it("reports every field at once, with the policy's problems beside the others", async () => {
    const h = await openApiHarness({ clock: manualClock(NOW) });
    await setPolicy(h, STRICT);
    const res = await create(h, { name: "" });
    expect(Object.keys(res.body.errors).sort()).toEqual(["allowed_ips", "expires_at", "name"]);
  });
});

describe("POST /v1/token/lookup", () => {
  it("answers the id and name of the token a secret belongs to, current or previous", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ name: "Leaked", scopes: ["domains_read"] });
    const current = await h.call("POST", "/v1/token/lookup", { body: { secret: token.secret } });
    expect([current.status, current.body.data]).toEqual([200, { id: token.id, name: "Leaked", secret: "current" }]);
    expect(current.text).not.toContain(token.secret);
    const rotated = await h.call("POST", `/v1/token/${token.id}/rotate`, { body: { grace_seconds: 60 } });
    rememberSecret(rotated.body.data.accessToken);
    const previous = await h.call("POST", "/v1/token/lookup", { body: { secret: token.secret } });
    expect(previous.body.data).toEqual({ id: token.id, name: "Leaked", secret: "previous" });
    const audit = await h.call("GET", "/v1/audit");
    expect(audit.body.data[0]).toMatchObject({ action: "token.lookup", target: { id: token.id } });
    expect(audit.text).not.toContain(token.secret);
  });

  it("gives the same 404 for a token beyond the caller's reach, another account's, a deleted one, an unknown or malformed secret", async () => {
    const h = await openApiHarness();
    const domain = await h.addDomain("example.com");
    const caller = await h.mint({ scopes: ["tokens_full", "domains_read"], domains: [domain] });
    const stronger = await h.mint({ name: "Stronger" });
    await h.latchkey.accounts.create("acme");
    const foreign = await h.mint({ account: "acme" });
    const deleted = await h.mint({ scopes: ["domains_read"] });
    await h.call("DELETE", `/v1/token/${deleted.id}`);
    const unknown = `${h.root.secret.slice(0, -8)}AAAAAAAA`;
    const answers = [];
    for (const secret of [stronger.secret, h.root.secret, foreign.secret, deleted.secret, unknown, "not a secret"]) {
      const res = await h.call("POST", "/v1/token/lookup", { token: caller.secret, body: { secret } });
      answers.push([res.status, res.body.code, res.body.message]);
    }
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(new Set([JSON.stringify([404, "not_found", "No token you may manage has this secret."])]));
    // A sibling within the caller's domains is beyond its reach too (its subtree only, break-test F2); its own child is not.
    const sibling = await h.mint({ scopes: ["domains_read"], domains: [domain] });
    expect((await h.call("POST", "/v1/token/lookup", { token: caller.secret, body: { secret: sibling.secret } })).status).toBe(404);
    const mine = (await h.call("POST", "/v1/token", { token: caller.secret, body: { name: "Mine", scopes: ["domains_read"], domains: [domain] } })).body.data;
    rememberSecret(mine.accessToken);
    expect((await h.call("POST", "/v1/token/lookup", { token: caller.secret, body: { secret: mine.accessToken } })).body.data.id).toBe(mine.id);
  });

  it("needs tokens_full, and a secret in the body", async () => {
    const h = await openApiHarness();
    const reader = await h.mint({ scopes: ["domains_read"] });
    const refused = await h.call("POST", "/v1/token/lookup", { token: reader.secret, body: { secret: reader.secret } });
    expect([refused.status, refused.body.code]).toEqual([403, "scope_missing"]);
    const empty = await h.call("POST", "/v1/token/lookup", { body: {} });
    expect([empty.status, Object.keys(empty.body.errors ?? {})]).toEqual([422, ["secret"]]);
  });
});
