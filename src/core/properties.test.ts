/**
 * Property-based tests of the core rules, seeded so every run draws the same cases. Each property is
 * judged by an oracle written here from the seed's table and DESIGN.md, not by the code's helpers.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SEED_CATALOGUE } from "./catalogue.js";
import { manualClock } from "./clock.js";
import { FULL_ACCESS, levelForMethod, parseScopes, type PermissionSet } from "./permissions.js";
import { seededRandom } from "./random-source.js";
import { exceedsCeiling } from "./token-ceiling.js";
import { generateSecret, hashSecret, parseSecret } from "./token-secret.js";
import { decide, type DomainRef, type TokenLookup } from "./verify-decision.js";

const SEED = 42;

type Level = "read" | "full";

/** The seed's table: area -> the levels above No access it allows. */
const SEED_TABLE: Record<string, readonly Level[]> = {
  email: ["full"],
  domains: ["read", "full"],
  activity: ["read", "full"],
  analytics: ["read", "full"],
  tokens: ["full"],
  webhooks: ["full"],
  templates: ["full"],
  suppressions: ["read", "full"],
  sms: ["read", "full"],
  email_verification: ["read", "full"],
  inbounds: ["full"],
  recipients: ["read", "full"],
  sender_identity: ["read", "full"],
  smtp_users: ["read", "full"],
  users: ["read", "full"],
};
const RANK = { none: 0, read: 1, full: 2 } as const;
const GRANTS = Object.entries(SEED_TABLE).flatMap(([area, levels]) => levels.map((level) => ({ area, level })));

/** A permission set with the oracle's view of it: Full access, or the highest level given per area. */
interface Held {
  readonly permissions: PermissionSet;
  readonly full: boolean;
  readonly levels: ReadonlyMap<string, Level>;
}

const heldArb: fc.Arbitrary<Held> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Held>({ permissions: FULL_ACCESS, full: true, levels: new Map() }) },
  {
    weight: 4,
    arbitrary: fc.array(fc.constantFrom(...GRANTS), { minLength: 1, maxLength: 8 }).map((grants): Held => {
      const parsed = parseScopes(SEED_CATALOGUE, grants.map((g) => `${g.area}_${g.level}`));
      if (!parsed.ok) throw new Error("test set-up: a seed scope was refused");
      const levels = new Map<string, Level>();
      for (const { area, level } of grants) if (RANK[level] > RANK[levels.get(area) ?? "none"]) levels.set(area, level);
      return { permissions: parsed.permissions, full: false, levels };
    }),
  },
);

function oracleLevel(held: Held, area: string): number {
  if (!(area in SEED_TABLE)) return 0;
  return held.full ? 2 : RANK[held.levels.get(area) ?? "none"];
}

const NOW_MILLIS = Date.UTC(2026, 0, 15, 12);
const ACCOUNT_DOMAINS: readonly DomainRef[] = [
  { id: "dom_a", name: "example.com" },
  { id: "dom_b", name: "example.org" },
  { id: "dom_c", name: "mail.example.net" },
];

/** A domain as a request names it, with the account domain it refers to (null: none of them). */
const askedDomainArb: fc.Arbitrary<{ readonly asked: string; readonly refersTo: DomainRef | null }> = fc.oneof(
  fc.tuple(fc.constantFrom(...ACCOUNT_DOMAINS), fc.constantFrom("id", "name", "upper", "dot", "upper-dot")).map(([d, form]) => {
    const asked = { id: d.id, name: d.name, upper: d.name.toUpperCase(), dot: `${d.name}.`, "upper-dot": `${d.name.toUpperCase()}.` }[form];
    return { asked, refersTo: d };
  }),
  fc.constantFrom("evilexample.com", "a.example.com", "example.co", "xample.com", "dom_d", "DOM_A", "", "example.com..", " example.com").map((asked) => ({ asked, refersTo: null })),
);

const methodArb = fc.oneof(
  fc.constantFrom("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "get", "head", "Options", "PURGE", "TRACE"),
  fc.string({ minLength: 1, maxLength: 8 }),
);

/** DESIGN.md: GET, HEAD, OPTIONS need read; anything else needs full. */
const methodNeeds = (method: string): number => (["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase()) ? RANK.read : RANK.full);

describe("property: decide", () => {
  it("allows exactly when the token is live, its level covers the method's, and the domain is its own or none is asked", () => {
    const clock = manualClock(NOW_MILLIS);
    fc.assert(
      fc.property(
        heldArb,
        fc.boolean(),
        fc.option(fc.integer({ min: -3, max: 3 }).map((delta) => NOW_MILLIS + delta)),
        fc.boolean(),
        fc.subarray([...ACCOUNT_DOMAINS], { minLength: 1 }),
        fc.oneof(fc.constantFrom(...Object.keys(SEED_TABLE)), fc.constantFrom("billing", "Email", "email_full", "")),
        methodArb,
        fc.option(askedDomainArb),
        (held, paused, expiresAtMillis, allDomains, domains, area, method, domain) => {
          const record = { id: "tok_1", accountId: "acc_1", name: "t", permissions: held.permissions, allDomains, domains: allDomains ? [] : domains, expiresAtMillis, paused, ancestorIds: [], parentInactiveFromMillis: null, secret: "current" as const, graceEndsAtMillis: null, notBeforeMillis: null, allowedIps: null };
          const question = { area, level: levelForMethod(method), domain: domain === null ? null : domain.asked };
          const decision = decide(SEED_CATALOGUE, { kind: "found", record }, question, clock.nowMillis(), ACCOUNT_DOMAINS);

          const live = !paused && (expiresAtMillis === null || NOW_MILLIS < expiresAtMillis);
          const covers = oracleLevel(held, area) >= methodNeeds(method);
          const tokenDomains = allDomains ? ACCOUNT_DOMAINS : domains;
          // A request naming no domain: judged on its area for reads; refused (domain_required) otherwise to a domain-scoped token.
          const domainOk = domain === null ? allDomains || levelForMethod(method) === "read" : (domain.refersTo !== null && tokenDomains.includes(domain.refersTo));
          expect(decision.allowed).toBe(live && covers && domainOk);
          expect(decision.code === "ok" && decision.status === 200).toBe(decision.allowed);
        },
      ),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it("never allows a token that is missing, malformed or unknown", () => {
    fc.assert(
      fc.property(fc.constantFrom<TokenLookup>({ kind: "missing" }, { kind: "malformed" }, { kind: "unknown" }), fc.constantFrom(...Object.keys(SEED_TABLE)), methodArb, (lookup, area, method) => {
        const decision = decide(SEED_CATALOGUE, lookup, { area, level: levelForMethod(method), domain: null }, NOW_MILLIS, ACCOUNT_DOMAINS);
        expect({ allowed: decision.allowed, code: decision.code, status: decision.status }).toEqual({ allowed: false, code: `token_${lookup.kind}`, status: 401 });
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe("property: exceedsCeiling", () => {
  const DOMAIN_IDS = ["dom_a", "dom_b", "dom_c", "dom_d"];
  const grantArb = fc.record({
    held: heldArb,
    allDomains: fc.boolean(),
    domainIds: fc.subarray(DOMAIN_IDS, { minLength: 1 }),
    expiresAtMillis: fc.option(fc.constantFrom(NOW_MILLIS + 1000, NOW_MILLIS + 2000, NOW_MILLIS + 2001)),
  });

  it("lacks nothing exactly when every wanted level, domain and the expiry stay within the creator's", () => {
    fc.assert(
      fc.property(grantArb, grantArb, (creator, wanted) => {
        const toGrant = (g: typeof creator) => ({ permissions: g.held.permissions, allDomains: g.allDomains, domainIds: g.allDomains ? [] : g.domainIds, expiresAtMillis: g.expiresAtMillis });
        const lacking = exceedsCeiling(SEED_CATALOGUE, toGrant(creator), toGrant(wanted));

        const scopesOk = creator.held.full || (!wanted.held.full && [...wanted.held.levels].every(([area, level]) => RANK[level] <= oracleLevel(creator.held, area)));
        const domainsOk = creator.allDomains || (!wanted.allDomains && wanted.domainIds.every((id) => creator.domainIds.includes(id)));
        const expiryOk = creator.expiresAtMillis === null || (wanted.expiresAtMillis !== null && wanted.expiresAtMillis <= creator.expiresAtMillis);
        expect(lacking.length === 0).toBe(scopesOk && domainsOk && expiryOk);
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it("names only scope strings, full_access, all_domains, domain:<id> and expires_at", () => {
    fc.assert(
      fc.property(grantArb, grantArb, (creator, wanted) => {
        const lacking = exceedsCeiling(
          SEED_CATALOGUE,
          { permissions: creator.held.permissions, allDomains: creator.allDomains, domainIds: creator.domainIds, expiresAtMillis: creator.expiresAtMillis },
          { permissions: wanted.held.permissions, allDomains: wanted.allDomains, domainIds: wanted.domainIds, expiresAtMillis: wanted.expiresAtMillis },
        );
        const known = (item: string) => SEED_CATALOGUE.byScope.has(item) || ["full_access", "all_domains", "expires_at"].includes(item) || DOMAIN_IDS.some((id) => item === `domain:${id}`);
        expect(lacking.filter((item) => !known(item))).toEqual([]);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

describe("property: secrets", () => {
  const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const PREFIXES = ["lk_", "acme_", "x_", `a${"b".repeat(15)}_`];
  const secretArb = fc.tuple(fc.integer({ min: 1, max: 0x7fffffff }), fc.constantFrom(...PREFIXES)).map(([seed, prefix]) => ({ prefix, secret: generateSecret(prefix, seededRandom(seed)) }));

  it("parses every generated secret", () => {
    fc.assert(
      fc.property(secretArb, ({ prefix, secret }) => {
        expect(parseSecret(secret, [prefix])).toEqual({ ok: true, version: 1 });
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it("refuses a generated secret with any one character changed to any other", () => {
    const replacementArb = fc.oneof(fc.constantFrom(...BASE62), fc.string({ unit: "binary", minLength: 1, maxLength: 1 }));
    fc.assert(
      fc.property(secretArb, fc.nat(), replacementArb, ({ prefix, secret }, at, replacement) => {
        const index = at % secret.length;
        fc.pre(secret[index] !== replacement);
        const changed = secret.slice(0, index) + replacement + secret.slice(index + 1);
        expect(parseSecret(changed, [prefix]).ok).toBe(false);
      }),
      { seed: SEED, numRuns: 10000 },
    );
  });

  it("draws the same secrets from the same seed", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x7fffffff }), (seed) => {
        expect(generateSecret("lk_", seededRandom(seed))).toBe(generateSecret("lk_", seededRandom(seed)));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe("property: hashSecret", () => {
  it("is deterministic and 64 lower-case hex characters", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (secret) => {
        const hash = hashSecret(secret);
        expect(hash).toMatch(/^[0-9a-f]{64}$/);
        expect(hashSecret(secret)).toBe(hash);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it("differs for different ASCII strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), (a, b) => {
        fc.pre(a !== b);
        expect(hashSecret(a)).not.toBe(hashSecret(b));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
