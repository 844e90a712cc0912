/** The account policy's rules: which a token breaks, at the edges of the lifetime limit. */
import { describe, expect, it } from "vitest";
import { latestAllowedExpiry, NO_POLICY, policyViolations } from "./account-policy-rules.js";

const DAY = 86_400_000;
const CREATED = Date.UTC(2030, 0, 1);

describe("policyViolations", () => {
  it.each([
    { label: "no policy, nothing set", policy: NO_POLICY, expires: null, ips: false, rules: [] },
    { label: "expiry required, none", policy: { ...NO_POLICY, expiryRequired: true }, expires: null, ips: false, rules: ["expiry_required"] },
    { label: "a limit, no expiry", policy: { ...NO_POLICY, maxLifetimeDays: 30 }, expires: null, ips: false, rules: ["max_lifetime_days"] },
    { label: "a limit and expiry required, no expiry: reported once", policy: { ...NO_POLICY, maxLifetimeDays: 30, expiryRequired: true }, expires: null, ips: false, rules: ["expiry_required"] },
    { label: "exactly at the limit", policy: { ...NO_POLICY, maxLifetimeDays: 30 }, expires: CREATED + 30 * DAY, ips: false, rules: [] },
    { label: "one millisecond past it", policy: { ...NO_POLICY, maxLifetimeDays: 30 }, expires: CREATED + 30 * DAY + 1, ips: false, rules: ["max_lifetime_days"] },
    { label: "addresses required, none", policy: { ...NO_POLICY, allowedIpsRequired: true }, expires: null, ips: false, rules: ["allowed_ips_required"] },
    { label: "addresses required, given", policy: { ...NO_POLICY, allowedIpsRequired: true }, expires: null, ips: true, rules: [] },
  ])("$label", ({ policy, expires, ips, rules }) => {
    expect(policyViolations(policy, { createdAtMillis: CREATED, expiresAtMillis: expires, hasAllowedIps: ips }).map((v) => v.rule)).toEqual(rules);
  });

  it("names the rule in each message and the field it concerns", () => {
    const all = policyViolations({ maxLifetimeDays: 7, expiryRequired: false, allowedIpsRequired: true }, { createdAtMillis: CREATED, expiresAtMillis: null, hasAllowedIps: false });
    expect(all.map((v) => [v.field, v.message.includes(v.rule)])).toEqual([["expires_at", true], ["allowed_ips", true]]);
  });
});

describe("latestAllowedExpiry", () => {
  it("is the creation plus the limit, or null without one", () => {
    expect([latestAllowedExpiry({ ...NO_POLICY, maxLifetimeDays: 7 }, CREATED), latestAllowedExpiry(NO_POLICY, CREATED)]).toEqual([CREATED + 7 * DAY, null]);
  });
});
