/**
 * Conditions of use (issue 13): `not_before` and `allowed_ips`, set at creation and immutable; the
 * client address of POST /v1/verify (`ip`) and of the management API (the request's); a child's
 * conditions within its parent's; bad input refused with 422 naming the field, changing nothing.
 */
import { describe, expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { openApiHarness, type ApiHarness } from "../helpers/api-harness.js";
import { rememberSecret } from "../helpers/trace-log.js";

const NOW = Date.parse("2030-03-10T12:00:00.000Z");

async function create(h: ApiHarness, body: Record<string, unknown>, token?: string) {
  const res = await h.call("POST", "/v1/token", { body: { name: "Conditioned", scopes: ["domains_read", "tokens_full"], ...body }, ...(token === undefined ? {} : { token }) });
  if (res.status === 201) rememberSecret(res.body.data.accessToken);
  return res;
}

async function verifyCode(h: ApiHarness, secret: string, ip?: string | null): Promise<string> {
  const res = await h.call("POST", "/v1/verify", { token: null, body: { token: secret, method: "GET", area: "domains", ...(ip === undefined ? {} : { ip }) } });
  return res.body.code;
}

async function tokenCount(h: ApiHarness): Promise<number> {
  return (await h.call("GET", "/v1/token")).body.meta.total;
}

describe("allowed_ips", () => {
  it("stores the list in canonical form and allows only addresses within it", async () => {
    const h = await openApiHarness();
    const res = await create(h, { allowed_ips: ["203.0.113.0/24", "2001:DB8:0:0::/32", "198.51.100.7", "::ffff:192.0.2.1"] });
    expect(res.status).toBe(201);
    expect(res.body.data.allowed_ips).toEqual(["203.0.113.0/24", "2001:db8::/32", "198.51.100.7/32", "192.0.2.1/32"]);
    const secret = res.body.data.accessToken as string;
    const cases = [
      { ip: "203.0.113.9", code: "ok" },
      { ip: "203.0.114.1", code: "ip_not_allowed" },
      { ip: "2001:db8:ffff::1", code: "ok" },
      { ip: "2001:db9::1", code: "ip_not_allowed" },
      { ip: "198.51.100.7", code: "ok" },
      { ip: "198.51.100.8", code: "ip_not_allowed" },
      { ip: "::ffff:203.0.113.9", code: "ok" },
      { ip: "192.0.2.1", code: "ok" },
      { ip: "fe80::1%eth0", code: "validation_failed" }, // not an address: the call itself is refused (422 naming ip)
      { ip: "not an address", code: "validation_failed" }, // not an address: the call itself is refused (422 naming ip)
      { ip: "203.0.113", code: "validation_failed" }, // not an address: the call itself is refused (422 naming ip)
      { ip: "", code: "validation_failed" }, // not an address: the call itself is refused (422 naming ip)
      { ip: null, code: "ip_not_allowed" },
      { ip: undefined, code: "ip_not_allowed" },
    ];
    const results = [];
    for (const c of cases) results.push({ ip: c.ip, code: await verifyCode(h, secret, c.ip) });
    expect(results).toEqual(cases);
  });

  it("answers 403 ip_not_allowed as the protected API's status", async () => {
    const h = await openApiHarness();
    const secret = (await create(h, { allowed_ips: ["10.0.0.0/8"] })).body.data.accessToken as string;
    const res = await h.call("POST", "/v1/verify", { token: null, body: { token: secret, method: "GET", area: "domains", ip: "192.168.1.1" } });
    expect(res.body).toMatchObject({ allowed: false, status: 403, code: "ip_not_allowed" });
  });

  it("costs nothing to a token without a list: any address or none (a non-address is a 422 of the call)", async () => {
    const h = await openApiHarness();
    const secret = (await create(h, {})).body.data.accessToken as string;
    expect([await verifyCode(h, secret), await verifyCode(h, secret, "192.0.2.1"), await verifyCode(h, secret, "2001:db8::1"), await verifyCode(h, secret, "junk")]).toEqual(["ok", "ok", "ok", "validation_failed"]);
  });

  it("binds the management API to the request's address", async () => {
    const h = await openApiHarness();
    const elsewhere = (await create(h, { allowed_ips: ["10.0.0.0/8"] })).body.data.accessToken as string;
    const here = (await create(h, { allowed_ips: ["127.0.0.1"] })).body.data.accessToken as string;
    const refused = await h.call("GET", "/v1/token", { token: elsewhere });
    expect([refused.status, refused.body.code]).toEqual([403, "ip_not_allowed"]);
    expect((await h.call("GET", "/v1/token", { token: here })).status).toBe(200);
  });

  it.each([
    { label: "a CIDR with host bits set", entry: "10.1.0.0/8" },
    { label: "an IPv6 CIDR with host bits set", entry: "2001:db8::1/32" },
    { label: "an IPv6 zone", entry: "fe80::1%eth0" },
    { label: "a zone on a range", entry: "fe80::%25eth0/64" },
    { label: "a short IPv4 form", entry: "127.1" },
    { label: "a hexadecimal IPv4 form", entry: "0x7f.0.0.1" },
    { label: "a prefix too long", entry: "10.0.0.0/33" },
    { label: "a prefix with a sign", entry: "10.0.0.0/+8" },
    { label: "a name", entry: "example.com" },
    { label: "spaces", entry: " 10.0.0.1" },
  ])("refuses $label with 422 naming allowed_ips, creating nothing", async ({ entry }) => {
    const h = await openApiHarness();
    const before = await tokenCount(h);
    const res = await create(h, { allowed_ips: ["192.0.2.0/24", entry] });
    expect([res.status, res.body.code, Object.keys(res.body.errors ?? {})]).toEqual([422, "validation_failed", ["allowed_ips"]]);
    expect(res.body.errors.allowed_ips).toHaveLength(1);
    expect(await tokenCount(h)).toBe(before);
  });

  it("refuses an empty list", async () => {
    const h = await openApiHarness();
    const res = await create(h, { allowed_ips: [] });
    expect([res.status, Object.keys(res.body.errors ?? {})]).toEqual([422, ["allowed_ips"]]);
  });
});

describe("not_before", () => {
  it("refuses the token before the instant with token_not_yet_valid (401) and allows it from then", async () => {
    const clock = manualClock(NOW);
    const h = await openApiHarness({ clock });
    const res = await create(h, { not_before: "2030-03-10T13:00:00+01:00", expires_at: "2030-04-01" });
    expect([res.status, res.body.data.not_before]).toEqual([201, "2030-03-10T12:00:00.000Z"]);
    const later = await create(h, { not_before: "2030-03-10T12:00:01Z" });
    const secret = later.body.data.accessToken as string;
    const refused = await h.call("POST", "/v1/verify", { token: null, body: { token: secret, method: "GET", area: "domains" } });
    expect(refused.body).toMatchObject({ allowed: false, status: 401, code: "token_not_yet_valid" });
    expect((await h.call("GET", "/v1/scopes", { token: secret })).body.code).toBe("token_not_yet_valid");
    clock.advance(999);
    expect(await verifyCode(h, secret)).toBe("token_not_yet_valid");
    clock.advance(1);
    expect(await verifyCode(h, secret)).toBe("ok");
  });

  it.each([
    { label: "after expires_at", body: { not_before: "2030-05-01T00:00:00Z", expires_at: "2030-04-01" } },
    { label: "equal to expires_at", body: { not_before: "2030-04-02T00:00:00Z", expires_at: "2030-04-01" } },
    { label: "a date without a time", body: { not_before: "2030-04-01" } },
    { label: "no offset", body: { not_before: "2030-04-01T00:00:00" } },
    { label: "not a real instant", body: { not_before: "2030-02-30T00:00:00Z" } },
  ])("refuses not_before $label with 422 naming not_before, creating nothing", async ({ body }) => {
    const h = await openApiHarness({ clock: manualClock(NOW) });
    const before = await tokenCount(h);
    const res = await create(h, body);
    expect([res.status, Object.keys(res.body.errors ?? {})]).toEqual([422, ["not_before"]]);
    expect(await tokenCount(h)).toBe(before);
  });
});

describe("conditions are immutable", () => {
  it.each(["allowed_ips", "not_before"])("PUT with %s is refused with 422 and the seed's advice", async (field) => {
    const h = await openApiHarness();
    const token = await create(h, { allowed_ips: ["127.0.0.1"] });
    const res = await h.call("PUT", `/v1/token/${token.body.data.id}`, { body: { [field]: field === "allowed_ips" ? [] : "2030-01-01T00:00:00Z" } });
    expect([res.status, Object.keys(res.body.errors ?? {})]).toEqual([422, [field]]);
    expect((await h.call("GET", `/v1/token/${token.body.data.id}`)).body.data.allowed_ips).toEqual(["127.0.0.1/32"]);
  });
});

describe("a child's conditions within its parent's", () => {
  async function parentWith(h: ApiHarness, body: Record<string, unknown>): Promise<string> {
    const res = await create(h, body);
    expect(res.status).toBe(201);
    return res.body.data.accessToken as string;
  }

  it("inherits the parent's list and start when it names none", async () => {
    const h = await openApiHarness({ clock: manualClock(NOW) });
    const parent = await parentWith(h, { allowed_ips: ["127.0.0.1", "10.0.0.0/8"], not_before: "2030-03-01T00:00:00Z" });
    const child = await create(h, { scopes: ["domains_read"] }, parent);
    expect(child.status).toBe(201);
    expect([child.body.data.allowed_ips, child.body.data.not_before]).toEqual([["127.0.0.1/32", "10.0.0.0/8"], "2030-03-01T00:00:00.000Z"]);
  });

  it("accepts a list and start within the parent's", async () => {
    const h = await openApiHarness({ clock: manualClock(NOW) });
    const parent = await parentWith(h, { allowed_ips: ["127.0.0.1", "10.0.0.0/8"], not_before: "2030-03-01T00:00:00Z" });
    const child = await create(h, { scopes: ["domains_read"], allowed_ips: ["10.20.0.0/16", "10.1.2.3"], not_before: "2030-03-02T00:00:00Z" }, parent);
    expect([child.status, child.body.data.allowed_ips]).toEqual([201, ["10.20.0.0/16", "10.1.2.3/32"]]);
  });

  it.each([
    { label: "a range wider than the parent's", body: { allowed_ips: ["10.0.0.0/7"] }, lacking: ["allowed_ips"] },
    { label: "an address outside", body: { allowed_ips: ["192.168.0.1"] }, lacking: ["allowed_ips"] },
    { label: "an earlier start", body: { not_before: "2030-02-01T00:00:00Z" }, lacking: ["not_before"] },
  ])("refuses $label with 403 ceiling_exceeded naming it, creating nothing", async ({ body, lacking }) => {
    const h = await openApiHarness({ clock: manualClock(NOW) });
    const parent = await parentWith(h, { allowed_ips: ["127.0.0.1", "10.0.0.0/8"], not_before: "2030-03-01T00:00:00Z" });
    const before = await tokenCount(h);
    const res = await create(h, { scopes: ["domains_read"], ...body }, parent);
    expect([res.status, res.body.code, res.body.lacking]).toEqual([403, "ceiling_exceeded", lacking]);
    expect(await tokenCount(h)).toBe(before);
  });
});
