import { describe, expect, it } from "vitest";
import { buildCatalogue, SEED_CATALOGUE } from "./catalogue.js";
import { FULL_ACCESS, levelForMethod, levelHeld, parseScopes, printable, requiredScope, scopesLacking, scopeStrings, type PermissionSet } from "./permissions.js";

function custom(...scopes: string[]): PermissionSet {
  const parsed = parseScopes(SEED_CATALOGUE, scopes);
  if (!parsed.ok) throw new Error(`test set-up: ${scopes.join(",")} refused`);
  return parsed.permissions;
}

function levelsOf(scopes: string[]): Record<string, string> | null {
  const parsed = parseScopes(SEED_CATALOGUE, scopes);
  return parsed.ok ? Object.fromEntries(parsed.permissions.levels) : null;
}

describe("parseScopes", () => {
  it.each([
    ["email_read", "Email allows only No access and Full access"],
    ["tokens_read", "API tokens allows only No access and Full access"],
    ["inbounds_read", "Inbound routing allows only No access and Full access"],
    ["email", "an area with no level (and a prefix of email_verification)"],
    ["email_verification", "an area with no level"],
    ["email_verif", "a prefix"],
    ["Email_full", "another case"],
    ["EMAIL_FULL", "upper case"],
    [" email_full", "a leading space"],
    ["email_full ", "a trailing space"],
    ["email_full\n", "a trailing newline"],
    ["email_none", "the level none"],
    ["email_fullx", "a longer string"],
    ["", "the empty string"],
    ["billing_full", "an unknown area"],
    ["__proto__", "an object property name"],
    ["full_access", "the ceiling's word for Full access"],
  ])("refuses %j (%s)", (scope) => {
    expect(parseScopes(SEED_CATALOGUE, [scope]).ok).toBe(false);
  });

  it("refuses an empty array", () => {
    expect(parseScopes(SEED_CATALOGUE, [])).toEqual({ ok: false, problems: [expect.any(String)] });
  });

  it("reports one problem per refused string and none for the valid ones", () => {
    const parsed = parseScopes(SEED_CATALOGUE, ["email_read", "domains_full", "Email_full"]);
    expect(parsed.ok ? null : parsed.problems).toHaveLength(2);
  });

  it("accepts a valid scope set as Custom access", () => {
    const parsed = parseScopes(SEED_CATALOGUE, ["email_full", "domains_read"]);
    expect(parsed.ok && parsed.permissions.hasFull).toBe(false);
  });

  it.each([...SEED_CATALOGUE.byScope.entries()])("accepts %s", (scope, { area, level }) => {
    expect(levelsOf([scope])).toEqual({ [area]: level });
  });

  it("keeps the higher of two levels given read first", () => {
    expect(levelsOf(["domains_read", "domains_full"])).toEqual({ domains: "full" });
  });

  it("keeps the higher of two levels given full first", () => {
    expect(levelsOf(["domains_full", "domains_read"])).toEqual({ domains: "full" });
  });

  it("accepts a scope given twice", () => {
    expect(levelsOf(["sms_read", "sms_read"])).toEqual({ sms: "read" });
  });

  it("tells email_verification_read apart from email", () => {
    expect(levelsOf(["email_verification_read"])).toEqual({ email_verification: "read" });
  });

  it("names the real scopes of the area an unknown scope seems to mean", () => {
    const cases = [
      ["a level the area lacks", "email_read", '"email_read" is not a scope of this catalogue; Email has email_full'],
      ["the area alone", "domains", '"domains" is not a scope of this catalogue; Domains has domains_read, domains_full'],
      ["the area in another case", "SMS_READ", '"SMS_READ" is not a scope of this catalogue; SMS has sms_read, sms_full'],
      ["the longer of two areas sharing a prefix", "email_verification_write", '"email_verification_write" is not a scope of this catalogue; Email verification has email_verification_read, email_verification_full'],
      ["no area at all", "calendar_read", '"calendar_read" is not a scope of this catalogue'],
    ] as const;
    for (const [label, scope, problem] of cases) expect(parseScopes(SEED_CATALOGUE, [scope]), label).toEqual({ ok: false, problems: [problem] });
  });

  it("quotes a refused string with its control characters escaped", () => {
    expect(parseScopes(SEED_CATALOGUE, ["a\u0000b"])).toEqual({ ok: false, problems: [expect.not.stringContaining("\u0000")] });
  });
});

describe("levelForMethod", () => {
  it.each([
    ["GET", "read"],
    ["HEAD", "read"],
    ["OPTIONS", "read"],
    ["get", "read"],
    ["Head", "read"],
    ["options", "read"],
    ["POST", "full"],
    ["PUT", "full"],
    ["PATCH", "full"],
    ["DELETE", "full"],
    ["PURGE", "full"],
    ["TRACE", "full"],
    ["CONNECT", "full"],
    ["", "full"],
    ["GETX", "full"],
    [" GET", "full"],
  ])("%j needs %s", (method, level) => {
    expect(levelForMethod(method)).toBe(level);
  });
});

describe("requiredScope", () => {
  it.each([
    ["email", "read", "email_full"],
    ["email", "full", "email_full"],
    ["domains", "read", "domains_read"],
    ["domains", "full", "domains_full"],
    ["tokens", "read", "tokens_full"],
    ["users", "read", "users_read"],
  ] as const)("%s at %s needs %s", (area, level, scope) => {
    expect(requiredScope(SEED_CATALOGUE, area, level)).toBe(scope);
  });

  it("is null for an unknown area", () => {
    expect(requiredScope(SEED_CATALOGUE, "billing", "read")).toBeNull();
  });

  it("names the highest level when the area allows nothing that high", () => {
    const catalogue = buildCatalogue([{ key: "reports", label: "Reports", levels: ["none", "read"] }]);
    expect(requiredScope(catalogue, "reports", "full")).toBe("reports_read");
  });
});

describe("levelHeld", () => {
  it("is full on every seed area for Full access", () => {
    expect(SEED_CATALOGUE.areas.map((a) => levelHeld(SEED_CATALOGUE, FULL_ACCESS, a.key))).toEqual(SEED_CATALOGUE.areas.map(() => "full"));
  });

  it("is the highest level of an area added later for Full access", () => {
    const catalogue = buildCatalogue([{ key: "reports", label: "Reports", levels: ["none", "read"] }]);
    expect(levelHeld(catalogue, FULL_ACCESS, "reports")).toBe("read");
  });

  it("is none for an area the Custom set does not name", () => {
    expect(levelHeld(SEED_CATALOGUE, custom("domains_full"), "email")).toBe("none");
  });

  it("is none on an unknown area, even for Full access", () => {
    expect(levelHeld(SEED_CATALOGUE, FULL_ACCESS, "billing")).toBe("none");
  });

  it("is none for a stored level the catalogue no longer allows", () => {
    expect(levelHeld(SEED_CATALOGUE, { hasFull: false, levels: new Map([["tokens", "read"]]) }, "tokens")).toBe("none");
  });
});

describe("scopeStrings", () => {
  it("lists every area at full for Full access, in catalogue order", () => {
    expect(scopeStrings(SEED_CATALOGUE, FULL_ACCESS)).toEqual(SEED_CATALOGUE.areas.map((a) => `${a.key}_full`));
  });

  it("lists a Custom set in catalogue order, whatever order it was given in", () => {
    expect(scopeStrings(SEED_CATALOGUE, custom("users_read", "email_full", "domains_read"))).toEqual(["email_full", "domains_read", "users_read"]);
  });

  it("lists one string per area, the higher level", () => {
    expect(scopeStrings(SEED_CATALOGUE, custom("sms_full", "sms_read"))).toEqual(["sms_full"]);
  });

  it("leaves out a stored level the catalogue does not allow", () => {
    expect(scopeStrings(SEED_CATALOGUE, { hasFull: false, levels: new Map([["email", "read"], ["sms", "read"]]) })).toEqual(["sms_read"]);
  });
});

describe("scopesLacking", () => {
  it("is empty for a Full access holder, whatever is wanted", () => {
    expect(scopesLacking(SEED_CATALOGUE, FULL_ACCESS, FULL_ACCESS)).toEqual([]);
  });

  it("names full_access when a Custom holder wants Full access", () => {
    expect(scopesLacking(SEED_CATALOGUE, custom("domains_read"), FULL_ACCESS)).toEqual(["full_access"]);
  });

  it("names full_access even for a Custom holder with every area at full", () => {
    const everything = custom(...SEED_CATALOGUE.areas.map((a) => `${a.key}_full`));
    expect(scopesLacking(SEED_CATALOGUE, everything, FULL_ACCESS)).toEqual(["full_access"]);
  });

  it("is empty when the holder has every wanted area at the same level", () => {
    expect(scopesLacking(SEED_CATALOGUE, custom("domains_read", "sms_full"), custom("domains_read", "sms_full"))).toEqual([]);
  });

  it("is empty when the holder has full where read is wanted", () => {
    expect(scopesLacking(SEED_CATALOGUE, custom("domains_full"), custom("domains_read"))).toEqual([]);
  });

  it("names the wanted scope when the holder has only read", () => {
    expect(scopesLacking(SEED_CATALOGUE, custom("domains_read"), custom("domains_full"))).toEqual(["domains_full"]);
  });

  it("names each wanted area the holder lacks", () => {
    expect(scopesLacking(SEED_CATALOGUE, custom("email_full"), custom("email_full", "analytics_full", "users_read"))).toEqual(["analytics_full", "users_read"]);
  });
});

describe("printable", () => {
  it("escapes control characters", () => {
    expect(printable("a\nb")).toBe("a\\nb");
  });

  it("cuts a long string to 60 characters", () => {
    expect(printable("x".repeat(100))).toHaveLength(60);
  });

  it("keeps a string of 60 characters whole", () => {
    expect(printable("x".repeat(60))).toBe("x".repeat(60));
  });
});
