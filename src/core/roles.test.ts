import { describe, expect, it } from "vitest";
import { buildCatalogue, SEED_AREAS, SEED_CATALOGUE } from "./catalogue.js";
import { parseScopes } from "./permissions.js";
import {
  isAdmin,
  isRoleName,
  MAILERSEND_PERMISSIONS,
  parseRole,
  roleGrant,
  ROLE_NAMES,
  roleReachScopes,
  rolePermissions,
  roleScopes,
  type Role,
} from "./roles.js";
import { exceedsCeiling } from "./token-ceiling.js";

const role = (name: Role["name"], scopes: string[] = [], domainIds: string[] | null = null): Role => ({ name, scopes, domainIds });
const ALL_SEED_SCOPES_AT_TOP = SEED_AREAS.map((a) => `${a.key}_${a.levels[a.levels.length - 1]}`);

describe("roleScopes: each role's documented set of the seed's areas", () => {
  it.each([
    ["Admin", ALL_SEED_SCOPES_AT_TOP],
    ["Manager", ALL_SEED_SCOPES_AT_TOP.filter((s) => s !== "tokens_full").map((s) => (s === "users_full" ? "users_read" : s))],
    ["Designer", ["templates_full"]],
    ["Accountant", []],
  ] as const)("%s holds %j", (name, scopes) => {
    expect(roleScopes(SEED_CATALOGUE, role(name))).toEqual(scopes);
  });

  it("a Custom User holds exactly the scopes chosen", () => {
    expect(roleScopes(SEED_CATALOGUE, role("Custom User", ["email_full", "domains_read"]))).toEqual(["email_full", "domains_read"]);
  });

  it("only Admin has Full access (areas added later included)", () => {
    for (const name of ROLE_NAMES) expect(rolePermissions(SEED_CATALOGUE, role(name)).hasFull).toBe(name === "Admin");
  });

  it("a Custom User's scope the replaced catalogue no longer has counts as nothing", () => {
    const small = buildCatalogue(SEED_AREAS.filter((a) => a.key !== "email"));
    expect(roleScopes(small, role("Custom User", ["email_full", "domains_read"]))).toEqual(["domains_read"]);
    expect(roleScopes(small, role("Custom User", ["email_full"]))).toEqual([]);
  });

  it("a Designer under a catalogue without templates holds nothing", () => {
    const small = buildCatalogue(SEED_AREAS.filter((a) => a.key !== "templates"));
    expect(roleScopes(small, role("Designer"))).toEqual([]);
  });
});

describe("roleGrant: a role as a ceiling, through the tokens' own ceiling code", () => {
  const wanted = (scopes: string[], domainIds: string[] | null = null) => {
    const parsed = parseScopes(SEED_CATALOGUE, scopes);
    if (!parsed.ok) throw new Error("test set-up");
    return { permissions: parsed.permissions, allDomains: domainIds === null, domainIds: domainIds ?? [], expiresAtMillis: null };
  };

  it("a Designer lacks what lies outside Templates, named", () => {
    expect(exceedsCeiling(SEED_CATALOGUE, roleGrant(SEED_CATALOGUE, role("Designer")), wanted(["templates_full", "email_full", "domains_read"]))).toEqual(["email_full", "domains_read"]);
  });

  it("a Designer covers a Templates token", () => {
    expect(exceedsCeiling(SEED_CATALOGUE, roleGrant(SEED_CATALOGUE, role("Designer")), wanted(["templates_full"]))).toEqual([]);
  });

  it("a Manager lacks API tokens and Users full access", () => {
    expect(exceedsCeiling(SEED_CATALOGUE, roleGrant(SEED_CATALOGUE, role("Manager")), wanted(["tokens_full", "users_full", "users_read", "email_full"]))).toEqual(["tokens_full", "users_full"]);
  });

  it("a role limited to domains lacks all domains and any other domain", () => {
    const ceiling = roleGrant(SEED_CATALOGUE, role("Custom User", ["email_full"], ["dom_a"]));
    expect(exceedsCeiling(SEED_CATALOGUE, ceiling, wanted(["email_full"]))).toEqual(["all_domains"]);
    expect(exceedsCeiling(SEED_CATALOGUE, ceiling, wanted(["email_full"], ["dom_a", "dom_b"]))).toEqual(["domain:dom_b"]);
    expect(exceedsCeiling(SEED_CATALOGUE, ceiling, wanted(["email_full"], ["dom_a"]))).toEqual([]);
  });

  it("an Admin covers every grant, an Accountant none", () => {
    expect(exceedsCeiling(SEED_CATALOGUE, roleGrant(SEED_CATALOGUE, role("Admin")), { ...wanted(["email_full"]), permissions: { hasFull: true, levels: new Map() } })).toEqual([]);
    expect(exceedsCeiling(SEED_CATALOGUE, roleGrant(SEED_CATALOGUE, role("Accountant")), wanted(["analytics_read"]))).toEqual(["analytics_read"]);
  });

  it("a role sets no expiry: its tokens may live as long as chosen", () => {
    expect(roleGrant(SEED_CATALOGUE, role("Designer")).expiresAtMillis).toBeNull();
  });
});

describe("roleReachScopes: the scopes a token may hold and lie within a role (what a person sees, F14)", () => {
  const roles = [
    role("Manager"),
    role("Designer"),
    role("Accountant"),
    role("Custom User", ["email_full", "domains_read", "users_full"]),
    role("Custom User", ["analytics_read"], ["dom_a"]),
  ];

  it.each(roles.map((r) => [`${r.name} ${r.scopes.join(" ")}`, r] as const))(
    "%s: a scope is in reach exactly when the role's ceiling covers a token holding it",
    (_label, r) => {
      const reach = roleReachScopes(SEED_CATALOGUE, r);
      for (const scope of SEED_CATALOGUE.byScope.keys()) {
        const parsed = parseScopes(SEED_CATALOGUE, [scope]);
        if (!parsed.ok) throw new Error(scope);
        const lacking = exceedsCeiling(SEED_CATALOGUE, roleGrant(SEED_CATALOGUE, r), {
          permissions: parsed.permissions,
          allDomains: false,
          domainIds: [],
          expiresAtMillis: null,
        });
        expect([scope, reach?.includes(scope)]).toEqual([scope, lacking.length === 0]);
      }
    },
  );

  it("is null for an Admin (every token), empty for an Accountant, and holds a full area's read level", () => {
    expect(roleReachScopes(SEED_CATALOGUE, role("Admin"))).toBeNull();
    expect(roleReachScopes(SEED_CATALOGUE, role("Accountant"))).toEqual([]);
    expect(roleReachScopes(SEED_CATALOGUE, role("Custom User", ["domains_full"]))).toEqual(["domains_read", "domains_full"]);
  });
});

describe("parseRole", () => {
  it.each([
    ["Admin", { role: "Admin" }, role("Admin")],
    ["Manager with domains", { role: "Manager", domains: ["dom_a", "dom_a", "dom_b"] }, role("Manager", [], ["dom_a", "dom_b"])],
    ["Designer, empty permissions", { role: "Designer", permissions: [] }, role("Designer")],
    ["Accountant, null domains", { role: "Accountant", domains: null }, role("Accountant")],
    ["Custom User, scope strings, higher level wins, canonical order", { role: "Custom User", permissions: ["domains_read", "email_full", "domains_full"] }, role("Custom User", ["email_full", "domains_full"])],
    ["Custom User, MailerSend names", { role: "Custom User", permissions: ["read-activity", "manage-api-token"] }, role("Custom User", ["activity_read", "tokens_full"])],
  ] as const)("accepts %s", (_label, input, expected) => {
    expect(parseRole(SEED_CATALOGUE, input)).toEqual({ ok: true, role: expected });
  });

  it.each([
    ["no role", {}, "role"],
    ["a lower-cased role", { role: "admin" }, "role"],
    ["the old owner role", { role: "owner" }, "role"],
    ["a number as role", { role: 1 }, "role"],
    ["permissions for a Designer", { role: "Designer", permissions: ["email_full"] }, "permissions"],
    ["a Custom User without permissions", { role: "Custom User" }, "permissions"],
    ["a Custom User with empty permissions", { role: "Custom User", permissions: [] }, "permissions"],
    ["an unknown permission", { role: "Custom User", permissions: ["email_read"] }, "permissions"],
    ["a MailerSend permission with no area here", { role: "Custom User", permissions: ["read-invoice"] }, "permissions"],
    ["permissions not an array", { role: "Custom User", permissions: "email_full" }, "permissions"],
    ["a non-string permission", { role: "Custom User", permissions: [1] }, "permissions"],
    ["domains for an Admin", { role: "Admin", domains: ["dom_a"] }, "domains"],
    ["empty domains", { role: "Manager", domains: [] }, "domains"],
    ["domains not an array", { role: "Manager", domains: "dom_a" }, "domains"],
    ["an empty domain id", { role: "Manager", domains: [""] }, "domains"],
    ["too many domains", { role: "Manager", domains: Array.from({ length: 101 }, (_, i) => `dom_${i}`) }, "domains"],
  ] as const)("refuses %s, naming the field", (_label, input, field) => {
    const result = parseRole(SEED_CATALOGUE, input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors)).toEqual([field]);
  });

  it("reports every field's problem at once", () => {
    const result = parseRole(SEED_CATALOGUE, { role: "Admin", domains: [] });
    expect(result.ok ? [] : Object.keys(result.errors)).toEqual(["domains"]);
    const both = parseRole(SEED_CATALOGUE, { role: "Custom User", permissions: ["nope"], domains: 5 });
    expect(both.ok ? [] : Object.keys(both.errors).sort()).toEqual(["domains", "permissions"]);
  });
});

describe("names", () => {
  it("are the official SDK's UserRole values", () => {
    expect(ROLE_NAMES).toEqual(["Admin", "Manager", "Designer", "Accountant", "Custom User"]);
    expect(isRoleName("Custom User")).toBe(true);
    expect(isRoleName("CustomUser")).toBe(false);
    expect(isAdmin(role("Admin"))).toBe(true);
    expect(isAdmin(role("Manager"))).toBe(false);
  });

  it("every MailerSend permission maps to a scope of the seed's catalogue", () => {
    for (const scope of Object.values(MAILERSEND_PERMISSIONS)) expect(SEED_CATALOGUE.byScope.has(scope)).toBe(true);
  });
});
