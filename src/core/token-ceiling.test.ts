import { describe, expect, it } from "vitest";
import { SEED_CATALOGUE } from "./catalogue.js";
import { manualClock } from "./clock.js";
import { FULL_ACCESS, parseScopes, type PermissionSet } from "./permissions.js";
import { exceedsCeiling, type Grant } from "./token-ceiling.js";

const clock = manualClock(Date.UTC(2026, 0, 15, 12));
const DAY_MILLIS = 86_400_000;
const IN_A_DAY = clock.nowMillis() + DAY_MILLIS;
const IN_A_WEEK = clock.nowMillis() + 7 * DAY_MILLIS;

function custom(...scopes: string[]): PermissionSet {
  const parsed = parseScopes(SEED_CATALOGUE, scopes);
  if (!parsed.ok) throw new Error(`test set-up: ${scopes.join(",")} refused`);
  return parsed.permissions;
}

function grant(overrides: Partial<Grant>): Grant {
  return { permissions: custom("tokens_full"), allDomains: true, domainIds: [], expiresAtMillis: null, ...overrides };
}

const lacking = (creator: Partial<Grant>, wanted: Partial<Grant>): string[] => exceedsCeiling(SEED_CATALOGUE, grant(creator), grant(wanted));

describe("exceedsCeiling: scopes", () => {
  it("lacks nothing when the wanted grant equals the creator's", () => {
    expect(lacking({}, {})).toEqual([]);
  });

  it("lacks nothing when a Full access creator grants Full access", () => {
    expect(lacking({ permissions: FULL_ACCESS }, { permissions: FULL_ACCESS })).toEqual([]);
  });

  it("lacks nothing when a Full access creator grants any Custom set", () => {
    expect(lacking({ permissions: FULL_ACCESS }, { permissions: custom("users_full", "email_full") })).toEqual([]);
  });

  it("lacks nothing when the creator holds full where read is wanted", () => {
    expect(lacking({ permissions: custom("domains_full") }, { permissions: custom("domains_read") })).toEqual([]);
  });

  it("lacks the scope string of an area the creator does not hold", () => {
    expect(lacking({ permissions: custom("tokens_full") }, { permissions: custom("analytics_full") })).toEqual(["analytics_full"]);
  });

  it("lacks the full scope when the creator holds only read", () => {
    expect(lacking({ permissions: custom("analytics_read") }, { permissions: custom("analytics_full") })).toEqual(["analytics_full"]);
  });

  it("lacks full_access when a Custom creator grants Full access", () => {
    expect(lacking({ permissions: custom("tokens_full") }, { permissions: FULL_ACCESS })).toEqual(["full_access"]);
  });
});

describe("exceedsCeiling: domains", () => {
  it("lacks nothing when a creator for all domains grants one domain", () => {
    expect(lacking({ allDomains: true }, { allDomains: false, domainIds: ["dom_a"] })).toEqual([]);
  });

  it("lacks nothing when a creator for all domains grants all domains", () => {
    expect(lacking({ allDomains: true }, { allDomains: true })).toEqual([]);
  });

  it("lacks all_domains when a creator for some domains grants all", () => {
    expect(lacking({ allDomains: false, domainIds: ["dom_a", "dom_b"] }, { allDomains: true })).toEqual(["all_domains"]);
  });

  it("lacks nothing when the wanted domains are a subset of the creator's", () => {
    expect(lacking({ allDomains: false, domainIds: ["dom_a", "dom_b"] }, { allDomains: false, domainIds: ["dom_b"] })).toEqual([]);
  });

  it("lacks domain:<id> for each wanted domain outside the creator's", () => {
    const result = lacking({ allDomains: false, domainIds: ["dom_a"] }, { allDomains: false, domainIds: ["dom_a", "dom_b", "dom_c"] });
    expect(result).toEqual(["domain:dom_b", "domain:dom_c"]);
  });
});

describe("exceedsCeiling: expiry", () => {
  it("lacks nothing when neither expires", () => {
    expect(lacking({ expiresAtMillis: null }, { expiresAtMillis: null })).toEqual([]);
  });

  it("lacks nothing when a creator that never expires grants an expiring token", () => {
    expect(lacking({ expiresAtMillis: null }, { expiresAtMillis: IN_A_WEEK })).toEqual([]);
  });

  it("lacks nothing when the new token expires before its creator", () => {
    expect(lacking({ expiresAtMillis: IN_A_WEEK }, { expiresAtMillis: IN_A_DAY })).toEqual([]);
  });

  it("lacks nothing when the new token expires on the same instant as its creator", () => {
    expect(lacking({ expiresAtMillis: IN_A_DAY }, { expiresAtMillis: IN_A_DAY })).toEqual([]);
  });

  it("lacks expires_at when the new token would expire one millisecond after its creator", () => {
    expect(lacking({ expiresAtMillis: IN_A_DAY }, { expiresAtMillis: IN_A_DAY + 1 })).toEqual(["expires_at"]);
  });

  it("lacks expires_at when an expiring creator grants a token that never expires", () => {
    expect(lacking({ expiresAtMillis: IN_A_DAY }, { expiresAtMillis: null })).toEqual(["expires_at"]);
  });
});

describe("exceedsCeiling: several at once", () => {
  it("lists a scope, a domain and the expiry together, in that order", () => {
    const result = lacking(
      { permissions: custom("tokens_full"), allDomains: false, domainIds: ["dom_a"], expiresAtMillis: IN_A_DAY },
      { permissions: custom("tokens_full", "sms_read"), allDomains: false, domainIds: ["dom_b"], expiresAtMillis: IN_A_WEEK },
    );
    expect(result).toEqual(["sms_read", "domain:dom_b", "expires_at"]);
  });

  it("lists full_access, all_domains and the expiry together", () => {
    const result = lacking({ allDomains: false, domainIds: ["dom_a"], expiresAtMillis: IN_A_DAY }, { permissions: FULL_ACCESS, allDomains: true, expiresAtMillis: null });
    expect(result).toEqual(["full_access", "all_domains", "expires_at"]);
  });
});
