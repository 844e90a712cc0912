/**
 * The verification decision, exhaustively: every seed area × every level a token can hold on it ×
 * methods × the domain asked about × token states, each case judged against a small oracle written
 * here from the seed's table and DESIGN.md's decision table, never from the code's own helpers.
 */
import { describe, expect, it } from "vitest";
import { SEED_CATALOGUE } from "./catalogue.js";
import { manualClock } from "./clock.js";
import { levelForMethod, parseScopes, FULL_ACCESS, type PermissionSet } from "./permissions.js";
import { decide, type DomainRef, type TokenLookup, type TokenRecord } from "./verify-decision.js";

type OracleLevel = "none" | "read" | "full";

/** The seed's table, "Available access permissions", copied by hand: area -> levels it allows. */
const SEED_TABLE: Record<string, readonly OracleLevel[]> = {
  email: ["none", "full"],
  domains: ["none", "read", "full"],
  activity: ["none", "read", "full"],
  analytics: ["none", "read", "full"],
  tokens: ["none", "full"],
  webhooks: ["none", "full"],
  templates: ["none", "full"],
  suppressions: ["none", "read", "full"],
  sms: ["none", "read", "full"],
  email_verification: ["none", "read", "full"],
  inbounds: ["none", "full"],
  recipients: ["none", "read", "full"],
  sender_identity: ["none", "read", "full"],
  smtp_users: ["none", "read", "full"],
  users: ["none", "read", "full"],
};

/** DESIGN.md: GET, HEAD, OPTIONS need read; POST, PUT, PATCH, DELETE and anything else need full. */
const METHOD_NEEDS: Record<string, "read" | "full"> = {
  GET: "read",
  HEAD: "read",
  OPTIONS: "read",
  POST: "full",
  PUT: "full",
  PATCH: "full",
  DELETE: "full",
  PURGE: "full",
  get: "read",
};

const RANK: Record<OracleLevel, number> = { none: 0, read: 1, full: 2 };
const NOW_MILLIS = Date.UTC(2026, 0, 15, 12, 0, 0);

const EXAMPLE: DomainRef = { id: "dom_example", name: "example.com" };
const OTHER: DomainRef = { id: "dom_other", name: "other.com" };
const ACCOUNT_DOMAINS: readonly DomainRef[] = [EXAMPLE, OTHER];

/** What the request names as its domain, and whether a token limited to example.com may use it. */
const DOMAIN_CASES = [
  { domainLabel: "none given", domain: null, ownsIt: true },
  { domainLabel: "token's domain by id", domain: "dom_example", ownsIt: true },
  { domainLabel: "token's domain by name", domain: "example.com", ownsIt: true },
  { domainLabel: "token's domain upper case with trailing dot", domain: "EXAMPLE.COM.", ownsIt: true },
  { domainLabel: "another account domain", domain: "other.com", ownsIt: false },
  { domainLabel: "suffix lookalike", domain: "evilexample.com", ownsIt: false },
  { domainLabel: "subdomain", domain: "a.example.com", ownsIt: false },
] as const;

type TokenState = "live" | "live, expiring in 1 ms" | "paused" | "expired at exactly now" | "unknown" | "malformed" | "missing";
const TOKEN_STATES: readonly TokenState[] = ["live", "live, expiring in 1 ms", "paused", "expired at exactly now", "unknown", "malformed", "missing"];

/** A level held on the area under test: a Custom level from the seed table, or Full access. */
interface Holding {
  readonly label: string;
  readonly held: OracleLevel;
  readonly permissions: PermissionSet;
}

function customHolding(area: string, level: OracleLevel): Holding {
  // "No access" on the area under test: the token holds Full access on some other area instead.
  const scopes = level === "none" ? [area === "users" ? "email_full" : "users_full"] : [`${area}_${level}`];
  const parsed = parseScopes(SEED_CATALOGUE, scopes);
  if (!parsed.ok) throw new Error(`test set-up: ${scopes.join(",")} refused`);
  return { label: `Custom ${level}`, held: level, permissions: parsed.permissions };
}

function holdingsOf(area: string): Holding[] {
  const levels = SEED_TABLE[area] ?? [];
  const highest = levels[levels.length - 1] ?? "none";
  return [...levels.map((level) => customHolding(area, level)), { label: "Full access", held: highest, permissions: FULL_ACCESS }];
}

function recordOf(permissions: PermissionSet, overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    id: "tok_1",
    accountId: "acc_default",
    name: "ci",
    permissions,
    allDomains: false,
    domains: [EXAMPLE],
    expiresAtMillis: null,
    paused: false,
    ancestorIds: [],
    parentInactiveFromMillis: null,
    secret: "current",
    graceEndsAtMillis: null,
    notBeforeMillis: null,
    allowedIps: null,
    ...overrides,
  };
}

function lookupFor(state: TokenState, permissions: PermissionSet): TokenLookup {
  switch (state) {
    case "missing":
    case "malformed":
    case "unknown":
      return { kind: state };
    case "live":
      return { kind: "found", record: recordOf(permissions) };
    case "live, expiring in 1 ms":
      return { kind: "found", record: recordOf(permissions, { expiresAtMillis: NOW_MILLIS + 1 }) };
    case "paused":
      return { kind: "found", record: recordOf(permissions, { paused: true }) };
    case "expired at exactly now":
      return { kind: "found", record: recordOf(permissions, { expiresAtMillis: NOW_MILLIS }) };
  }
}

interface Expected {
  readonly allowed: boolean;
  readonly code: string;
  readonly status: number;
  readonly required: string | undefined;
}

/** The oracle: DESIGN.md's table, top to bottom, with unknown_area checked before scope (see verify-decision.ts). */
function expectedOf(state: TokenState, area: string, held: OracleLevel, method: string, ownsDomain: boolean, namesDomain: boolean): Expected {
  const refuse = (code: string, status: number, required?: string): Expected => ({ allowed: false, code, status, required });
  if (state === "missing") return refuse("token_missing", 401);
  if (state === "malformed") return refuse("token_malformed", 401);
  if (state === "unknown") return refuse("token_unknown", 401);
  if (state === "paused") return refuse("token_paused", 401);
  if (state === "expired at exactly now") return refuse("token_expired", 401);
  const needs = METHOD_NEEDS[method];
  const levels = SEED_TABLE[area];
  if (needs === undefined || levels === undefined) throw new Error("oracle set-up");
  if (RANK[held] < RANK[needs]) return refuse("scope_missing", 403, `${area}_${levels.includes(needs) ? needs : "full"}`);
  // DESIGN.md: a request naming no domain is judged on its area alone for reads; any other method is
  // refused to a domain-scoped token (the table's tokens are limited to example.com).
  if (!namesDomain && needs === "full") return refuse("domain_required", 403);
  if (!ownsDomain) return refuse("domain_not_allowed", 403);
  return { allowed: true, code: "ok", status: 200, required: undefined };
}

const AREA_HOLDINGS = Object.keys(SEED_TABLE).flatMap((area) => holdingsOf(area).map((holding) => ({ area, holding, name: `${area}, ${holding.label}` })));

const REQUEST_CASES = Object.keys(METHOD_NEEDS).flatMap((method) =>
  DOMAIN_CASES.flatMap((d) => TOKEN_STATES.map((state) => ({ method, state, domainLabel: d.domainLabel, domain: d.domain, ownsIt: d.ownsIt }))),
);

describe("decision table", () => {
  it("covers 15 areas with 55 holdings and 441 requests each", () => {
    expect(new Set(AREA_HOLDINGS.map((h) => h.area)).size).toBe(15);
    expect(AREA_HOLDINGS).toHaveLength(55);
    expect(REQUEST_CASES).toHaveLength(9 * 7 * 7);
  });

  // One test per area and holding (55), each looping over its 441 labelled requests: a failure names
  // the case, and the count stays honest.
  it.each(AREA_HOLDINGS)("$name: answers each of the 441 requests as DESIGN.md's table says", ({ area, holding }) => {
    for (const { method, state, domain, domainLabel, ownsIt } of REQUEST_CASES) {
      const label = `${area}, ${holding.label}: ${method}, domain ${domainLabel}, token ${state}`;
      const clock = manualClock(NOW_MILLIS);
      const lookup = lookupFor(state, holding.permissions);
      const decision = decide(SEED_CATALOGUE, lookup, { area, level: levelForMethod(method), domain }, clock.nowMillis(), ACCOUNT_DOMAINS);
      const { allowed, code, status } = decision;
      const required = decision.allowed ? undefined : decision.required;
      expect({ allowed, code, status, required }, label).toEqual(expectedOf(state, area, holding.held, method, ownsIt, domain !== null));
      expect(decision.record, label).toBe(lookup.kind === "found" ? lookup.record : undefined);
    }
  });
});

function decideNow(record: TokenRecord, question: { area: string; method: string; domain?: string }, accountDomains = ACCOUNT_DOMAINS) {
  const lookup: TokenLookup = { kind: "found", record };
  return decide(SEED_CATALOGUE, lookup, { area: question.area, level: levelForMethod(question.method), domain: question.domain ?? null }, NOW_MILLIS, accountDomains);
}

function custom(...scopes: string[]): PermissionSet {
  const parsed = parseScopes(SEED_CATALOGUE, scopes);
  if (!parsed.ok) throw new Error(`test set-up: ${scopes.join(",")} refused`);
  return parsed.permissions;
}

describe("order of checks", () => {
  it("answers token_paused for a token both paused and expired", () => {
    const record = recordOf(FULL_ACCESS, { paused: true, expiresAtMillis: NOW_MILLIS - 1000 });
    expect(decideNow(record, { area: "domains", method: "GET" }).code).toBe("token_paused");
  });

  it("answers token_paused for a paused token that also lacks the scope", () => {
    const record = recordOf(custom("domains_read"), { paused: true });
    expect(decideNow(record, { area: "domains", method: "POST" }).code).toBe("token_paused");
  });

  it("answers token_expired for an expired token that also lacks the scope", () => {
    const record = recordOf(custom("domains_read"), { expiresAtMillis: NOW_MILLIS - 1 });
    expect(decideNow(record, { area: "domains", method: "POST" }).code).toBe("token_expired");
  });

  it("answers token_expired, not unknown_area, for an expired token asking about an unknown area", () => {
    const record = recordOf(FULL_ACCESS, { expiresAtMillis: NOW_MILLIS });
    expect(decideNow(record, { area: "billing", method: "GET" }).code).toBe("token_expired");
  });

  it("answers token_paused, not unknown_area, for a paused token asking about an unknown area", () => {
    const record = recordOf(FULL_ACCESS, { paused: true });
    expect(decideNow(record, { area: "billing", method: "GET" }).code).toBe("token_paused");
  });

  it("answers unknown_area with status 400 before scope_missing for a live Custom token", () => {
    const decision = decideNow(recordOf(custom("email_full")), { area: "billing", method: "POST" });
    expect({ code: decision.code, status: decision.status }).toEqual({ code: "unknown_area", status: 400 });
  });

  it("answers unknown_area for a live Full access token", () => {
    expect(decideNow(recordOf(FULL_ACCESS), { area: "billing", method: "GET" }).code).toBe("unknown_area");
  });

  it("answers unknown_area before domain_not_allowed", () => {
    expect(decideNow(recordOf(FULL_ACCESS), { area: "billing", method: "GET", domain: "other.com" }).code).toBe("unknown_area");
  });

  it("matches the area exactly, so an upper-case area is unknown", () => {
    expect(decideNow(recordOf(FULL_ACCESS), { area: "Domains", method: "GET" }).code).toBe("unknown_area");
  });

  it("answers scope_missing before domain_not_allowed", () => {
    const decision = decideNow(recordOf(custom("domains_read")), { area: "domains", method: "DELETE", domain: "other.com" });
    expect(decision.code).toBe("scope_missing");
  });
});

describe("required scope on scope_missing", () => {
  it.each([
    { method: "GET", area: "email", holds: "domains_full", required: "email_full" },
    { method: "GET", area: "domains", holds: "email_full", required: "domains_read" },
    { method: "HEAD", area: "users", holds: "email_full", required: "users_read" },
    { method: "POST", area: "domains", holds: "domains_read", required: "domains_full" },
    { method: "DELETE", area: "tokens", holds: "email_full", required: "tokens_full" },
    { method: "PURGE", area: "sms", holds: "sms_read", required: "sms_full" },
  ])("$method on $area held by $holds requires $required", ({ method, area, holds, required }) => {
    const decision = decideNow(recordOf(custom(holds)), { area, method });
    expect(decision.allowed ? null : { code: decision.code, required: decision.required }).toEqual({ code: "scope_missing", required });
  });

  it("leaves required out of every refusal other than scope_missing", () => {
    const decision = decideNow(recordOf(FULL_ACCESS), { area: "domains", method: "GET", domain: "evilexample.com" });
    expect(decision.allowed ? null : { code: decision.code, required: decision.required }).toEqual({ code: "domain_not_allowed", required: undefined });
  });
});

describe("token for all domains", () => {
  const allDomains = recordOf(custom("domains_full"), { allDomains: true, domains: [] });

  it.each([
    { asked: "dom_example", code: "ok" },
    { asked: "dom_other", code: "ok" },
    { asked: "other.com", code: "ok" },
    { asked: "Other.Com.", code: "ok" },
    { asked: "unlisted.com", code: "domain_not_allowed" },
    { asked: "dom_unlisted", code: "domain_not_allowed" },
    { asked: "evilexample.com", code: "domain_not_allowed" },
    { asked: "a.example.com", code: "domain_not_allowed" },
  ])("answers $code for domain $asked", ({ asked, code }) => {
    expect(decideNow(allDomains, { area: "domains", method: "GET", domain: asked }).code).toBe(code);
  });

  it("answers domain_not_allowed for any named domain when the account's domains are not given", () => {
    expect(decideNow(allDomains, { area: "domains", method: "GET", domain: "example.com" }, []).code).toBe("domain_not_allowed");
  });

  it("answers ok with no domain named even when the account has no domains", () => {
    expect(decideNow(allDomains, { area: "domains", method: "GET" }, []).code).toBe("ok");
  });
});

describe("token limited to domains", () => {
  it("does not take a domain from the account for a limited token", () => {
    const record = recordOf(FULL_ACCESS, { domains: [OTHER] });
    expect(decideNow(record, { area: "email", method: "POST", domain: "example.com" }).code).toBe("domain_not_allowed");
  });

  it("does not read the Kelvin sign as k when matching a domain name", () => {
    const record = recordOf(FULL_ACCESS, { domains: [{ id: "dom_key", name: "key.com" }] });
    expect(decideNow(record, { area: "email", method: "POST", domain: "\u212Aey.com" }).code).toBe("domain_not_allowed");
  });

  it("answers domain_not_allowed for an empty domain string", () => {
    expect(decideNow(recordOf(FULL_ACCESS), { area: "email", method: "POST", domain: "" }).code).toBe("domain_not_allowed");
  });

  it("matches a domain id exactly, so an upper-case id is refused", () => {
    expect(decideNow(recordOf(FULL_ACCESS), { area: "email", method: "POST", domain: "DOM_EXAMPLE" }).code).toBe("domain_not_allowed");
  });
});

describe("expiry", () => {
  it("allows a token one millisecond before it expires and refuses it on the instant", () => {
    const clock = manualClock(NOW_MILLIS - 1);
    const lookup: TokenLookup = { kind: "found", record: recordOf(FULL_ACCESS, { expiresAtMillis: NOW_MILLIS }) };
    const question = { area: "email", level: "full", domain: "example.com" } as const;
    const before = decide(SEED_CATALOGUE, lookup, question, clock.nowMillis(), ACCOUNT_DOMAINS).code;
    clock.advance(1);
    expect([before, decide(SEED_CATALOGUE, lookup, question, clock.nowMillis(), ACCOUNT_DOMAINS).code]).toEqual(["ok", "token_expired"]);
  });

  it("refuses a token that expired long ago", () => {
    expect(decideNow(recordOf(FULL_ACCESS, { expiresAtMillis: 0 }), { area: "email", method: "POST" }).code).toBe("token_expired");
  });
});

describe("a stored level the catalogue does not allow", () => {
  it("counts email read as no access, so GET on email needs email_full", () => {
    const permissions: PermissionSet = { hasFull: false, levels: new Map([["email", "read"]]) };
    const decision = decideNow(recordOf(permissions), { area: "email", method: "GET" });
    expect(decision.allowed ? null : { code: decision.code, required: decision.required }).toEqual({ code: "scope_missing", required: "email_full" });
  });
});
