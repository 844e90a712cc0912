import { describe, expect, it } from "vitest";
import { SEED_CATALOGUE } from "./catalogue.js";
import { FULL_ACCESS, parseScopes, scopeStrings, type PermissionSet } from "./permissions.js";
import { foldLineage, intersectPermissions, MAX_LINEAGE_DEPTH, parentInactive, withinSubtree, type AncestorState, type OwnGrant } from "./token-lineage.js";
import { decide, type TokenRecord } from "./verify-decision.js";

const NOW = Date.parse("2030-01-01T00:00:00Z");
const A = { id: "dom_a", name: "a.example" };
const B = { id: "dom_b", name: "b.example" };

function custom(...scopes: string[]): PermissionSet {
  const parsed = parseScopes(SEED_CATALOGUE, scopes);
  if (!parsed.ok) throw new Error(parsed.problems.join());
  return parsed.permissions;
}

function ancestor(id: string, parentId: string | null, overrides: Partial<AncestorState> = {}): AncestorState {
  return { id, parentId, permissions: FULL_ACCESS, allDomains: true, domains: [], expiresAtMillis: null, paused: false, ...overrides };
}

const own = (overrides: Partial<OwnGrant> = {}): OwnGrant => ({ parentId: "tok_p", permissions: custom("email_full", "domains_read"), allDomains: true, domains: [], ...overrides });

describe("foldLineage", () => {
  it("leaves a root (a 0.1.0 token, or one made by a person) as it is, with no ancestors", () => {
    const grant = own({ parentId: null });
    expect(foldLineage(SEED_CATALOGUE, grant, [])).toEqual({ permissions: grant.permissions, allDomains: true, domains: [], ancestorIds: [], parentInactiveFromMillis: null });
  });

  it.each([
    ["an active chain to a root", [ancestor("tok_p", "tok_g"), ancestor("tok_g", null)], null],
    ["a paused parent", [ancestor("tok_p", "tok_g", { paused: true }), ancestor("tok_g", null)], Number.NEGATIVE_INFINITY],
    ["a paused grandparent", [ancestor("tok_p", "tok_g"), ancestor("tok_g", null, { paused: true })], Number.NEGATIVE_INFINITY],
    ["a deleted parent (nothing read)", [], Number.NEGATIVE_INFINITY],
    ["a deleted grandparent (the chain stops short of a root)", [ancestor("tok_p", "tok_g")], Number.NEGATIVE_INFINITY],
    ["a chain that names another parent", [ancestor("tok_x", null)], Number.NEGATIVE_INFINITY],
    ["the earliest of two ancestor expiries", [ancestor("tok_p", "tok_g", { expiresAtMillis: NOW + 20 }), ancestor("tok_g", null, { expiresAtMillis: NOW + 10 })], NOW + 10],
    ["an expiry above a pause", [ancestor("tok_p", "tok_g", { expiresAtMillis: NOW + 20 }), ancestor("tok_g", null, { paused: true })], Number.NEGATIVE_INFINITY],
  ] as const)("gives %s its inactive-from instant", (_label, chain, expected) => {
    expect(foldLineage(SEED_CATALOGUE, own(), chain).parentInactiveFromMillis).toBe(expected);
  });

  it("refuses a chain longer than MAX_LINEAGE_DEPTH, and accepts one of exactly that length", () => {
    const chain = (length: number): AncestorState[] => Array.from({ length }, (_, i) => ancestor(i === 0 ? "tok_p" : `tok_${i}`, i === length - 1 ? null : `tok_${i + 1}`));
    expect(foldLineage(SEED_CATALOGUE, own(), chain(MAX_LINEAGE_DEPTH)).parentInactiveFromMillis).toBeNull();
    expect(foldLineage(SEED_CATALOGUE, own(), chain(MAX_LINEAGE_DEPTH + 1)).parentInactiveFromMillis).toBe(Number.NEGATIVE_INFINITY);
  });

  it("lists the ancestors parent first", () => {
    expect(foldLineage(SEED_CATALOGUE, own(), [ancestor("tok_p", "tok_g"), ancestor("tok_g", null)]).ancestorIds).toEqual(["tok_p", "tok_g"]);
  });

  it("bounds the rights by every ancestor's, areas at the lower level", () => {
    const folded = foldLineage(SEED_CATALOGUE, own({ permissions: FULL_ACCESS }), [
      ancestor("tok_p", "tok_g", { permissions: custom("email_full", "domains_full", "sms_read") }),
      ancestor("tok_g", null, { permissions: custom("email_full", "domains_read", "analytics_full") }),
    ]);
    expect(scopeStrings(SEED_CATALOGUE, folded.permissions)).toEqual(["email_full", "domains_read"]);
  });

  it.each([
    ["all within all", { allDomains: true, domains: [] }, [{ allDomains: true, domains: [] }], { allDomains: true, domains: [] }],
    ["some within all", { allDomains: false, domains: [A] }, [{ allDomains: true, domains: [] }], { allDomains: false, domains: [A] }],
    ["all within some", { allDomains: true, domains: [] }, [{ allDomains: false, domains: [B] }], { allDomains: false, domains: [B] }],
    ["some within other", { allDomains: false, domains: [A, B] }, [{ allDomains: false, domains: [B] }], { allDomains: false, domains: [B] }],
    ["disjoint", { allDomains: false, domains: [A] }, [{ allDomains: false, domains: [B] }], { allDomains: false, domains: [] }],
  ] as const)("bounds the domains: %s", (_label, mine, above, expected) => {
    const chain = above.map((a, i) => ancestor(i === 0 ? "tok_p" : `tok_${i}`, i === above.length - 1 ? null : `tok_${i + 1}`, a));
    const folded = foldLineage(SEED_CATALOGUE, own(mine), chain);
    expect({ allDomains: folded.allDomains, domains: folded.domains }).toEqual(expected);
  });
});

describe("intersectPermissions", () => {
  it.each([
    ["full within full", FULL_ACCESS, FULL_ACCESS, "full"],
    ["custom within full", custom("sms_read"), FULL_ACCESS, ["sms_read"]],
    ["full within custom", FULL_ACCESS, custom("sms_read"), ["sms_read"]],
    ["read within full level", custom("sms_read"), custom("sms_full"), ["sms_read"]],
    ["full within read level", custom("sms_full"), custom("sms_read"), ["sms_read"]],
    ["disjoint areas", custom("sms_full"), custom("email_full"), []],
  ] as const)("%s", (_label, a, b, expected) => {
    const result = intersectPermissions(SEED_CATALOGUE, a, b);
    if (expected === "full") expect(result.hasFull).toBe(true);
    else expect(scopeStrings(SEED_CATALOGUE, result)).toEqual(expected);
  });
});

describe("the decision with lineage", () => {
  const record = (overrides: Partial<TokenRecord>): TokenRecord => ({
    id: "tok_c",
    accountId: "acc_1",
    name: "child",
    permissions: FULL_ACCESS,
    allDomains: true,
    domains: [],
    expiresAtMillis: null,
    paused: false,
    ancestorIds: ["tok_p"],
    parentInactiveFromMillis: null,
    secret: "current",
    graceEndsAtMillis: null,
    notBeforeMillis: null,
    allowedIps: null,
    ...overrides,
  });
  const codeOf = (r: TokenRecord, now = NOW) => decide(SEED_CATALOGUE, { kind: "found", record: r }, { area: "email", level: "full", domain: null }, now, []).code;

  it.each([
    ["an active lineage", {}, NOW, "ok"],
    ["an ancestor inactive now", { parentInactiveFromMillis: Number.NEGATIVE_INFINITY }, NOW, "token_parent_inactive"],
    ["an ancestor expiring later", { parentInactiveFromMillis: NOW + 1 }, NOW, "ok"],
    ["an ancestor expiring at this instant", { parentInactiveFromMillis: NOW }, NOW, "token_parent_inactive"],
    ["its own pause first", { paused: true, parentInactiveFromMillis: Number.NEGATIVE_INFINITY }, NOW, "token_paused"],
    ["its own expiry first", { expiresAtMillis: NOW, parentInactiveFromMillis: Number.NEGATIVE_INFINITY }, NOW, "token_expired"],
    ["before the area check", { parentInactiveFromMillis: Number.NEGATIVE_INFINITY, permissions: custom("sms_read") }, NOW, "token_parent_inactive"],
  ] as const)("answers %s", (_label, overrides, now, code) => {
    expect(codeOf(record(overrides), now)).toBe(code);
  });

  it("agrees with parentInactive", () => {
    for (const from of [null, Number.NEGATIVE_INFINITY, NOW - 1, NOW, NOW + 1]) {
      expect(parentInactive({ parentInactiveFromMillis: from }, NOW), String(from)).toBe(codeOf(record({ parentInactiveFromMillis: from })) === "token_parent_inactive");
    }
  });
});

describe("withinSubtree", () => {
  it.each([
    ["itself", "tok_a", "tok_a", [], true],
    ["its child", "tok_a", "tok_c", ["tok_a"], true],
    ["its grandchild", "tok_a", "tok_g", ["tok_c", "tok_a"], true],
    ["its parent", "tok_c", "tok_a", [], false],
    ["a sibling", "tok_c", "tok_s", ["tok_a"], false],
    ["a sibling's child", "tok_c", "tok_sc", ["tok_s", "tok_a"], false],
  ] as const)("%s", (_label, manager, target, ancestors, expected) => {
    expect(withinSubtree(manager, target, ancestors)).toBe(expected);
  });
});
