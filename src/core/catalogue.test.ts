import { describe, expect, it } from "vitest";
import { buildCatalogue, CatalogueError, highestLevel, LEVELS, levelRank, SEED_AREAS, SEED_CATALOGUE } from "./catalogue.js";

/** The seed's table "Available access permissions", copied by hand from shared/seed/managing-api-tokens.txt. */
const SEED_TABLE = [
  ["email", "Email", "The main API endpoint for sending emails through MailerSend.", ["none", "full"]],
  ["domains", "Domains", "You can access all domains that belong to your account.", ["none", "read", "full"]],
  ["activity", "Activity", "Obtain activity logs of your domain.", ["none", "read", "full"]],
  ["analytics", "Analytics", "Obtain accumulated data of your sendings.", ["none", "read", "full"]],
  ["tokens", "API tokens", "Create, update or delete API tokens.", ["none", "full"]],
  ["webhooks", "Webhooks", "Create and manage webhooks for listening to events and triggering actions.", ["none", "full"]],
  ["templates", "Templates", "Fetch and delete templates created on MailerSend.", ["none", "full"]],
  ["suppressions", "Suppressions", "Manage recipients on a suppressions list.", ["none", "read", "full"]],
  ["sms", "SMS", "Send text messages through MailerSend", ["none", "read", "full"]],
  ["email_verification", "Email verification", "Verify an email address or a list of email addresses", ["none", "read", "full"]],
  ["inbounds", "Inbound routing", "View and manage inbound routes", ["none", "full"]],
  ["recipients", "Recipients", "View and manage recipients", ["none", "read", "full"]],
  ["sender_identity", "Sender identities", "View and manage sender identities", ["none", "read", "full"]],
  ["smtp_users", "SMTP users", "View and manage SMTP users", ["none", "read", "full"]],
  ["users", "Users", "View and manage users, roles, permissions, and invitations", ["none", "read", "full"]],
] as const;

/** MailerSend's public API scope strings, in the seed's order. */
const MAILERSEND_SCOPES = [
  "email_full",
  "domains_read",
  "domains_full",
  "activity_read",
  "activity_full",
  "analytics_read",
  "analytics_full",
  "tokens_full",
  "webhooks_full",
  "templates_full",
  "suppressions_read",
  "suppressions_full",
  "sms_read",
  "sms_full",
  "email_verification_read",
  "email_verification_full",
  "inbounds_full",
  "recipients_read",
  "recipients_full",
  "sender_identity_read",
  "sender_identity_full",
  "smtp_users_read",
  "smtp_users_full",
  "users_read",
  "users_full",
];

describe("the seed catalogue", () => {
  it("has the seed's fifteen areas in the seed's order", () => {
    expect(SEED_CATALOGUE.areas.map((a) => a.key)).toEqual(SEED_TABLE.map(([key]) => key));
  });

  it.each(SEED_TABLE)("area %s has label %j, description %j and levels %j", (key, label, description, levels) => {
    const area = SEED_CATALOGUE.byKey.get(key);
    expect(area).toEqual({ key, label, description, levels: [...levels] });
  });

  it("exports the same areas as SEED_AREAS", () => {
    expect(SEED_CATALOGUE.areas).toEqual(SEED_AREAS);
  });

  it("has exactly MailerSend's 25 scope strings", () => {
    expect([...SEED_CATALOGUE.byScope.keys()]).toEqual(MAILERSEND_SCOPES);
  });

  it.each([
    ["email_full", "email", "full"],
    ["domains_read", "domains", "read"],
    ["email_verification_read", "email_verification", "read"],
    ["sender_identity_full", "sender_identity", "full"],
  ])("maps %s to area %s at level %s", (scope, area, level) => {
    expect(SEED_CATALOGUE.byScope.get(scope)).toEqual({ area, level });
  });

  it.each(["email_read", "email_none", "email", "tokens_read", "Email_full", "domains"])("has no scope string %j", (scope) => {
    expect(SEED_CATALOGUE.byScope.has(scope)).toBe(false);
  });

  it("gives full as the highest level of every seed area", () => {
    expect(SEED_CATALOGUE.areas.map(highestLevel)).toEqual(SEED_TABLE.map(() => "full"));
  });
});

describe("levels", () => {
  it("orders none, read, full", () => {
    expect(LEVELS.map(levelRank)).toEqual([0, 1, 2]);
  });
});

describe("buildCatalogue accepts", () => {
  it("a bare array of areas", () => {
    const catalogue = buildCatalogue([{ key: "billing", label: "Billing", levels: ["none", "read", "full"] }]);
    expect([...catalogue.byScope.keys()]).toEqual(["billing_read", "billing_full"]);
  });

  it("an object with an areas array, with description defaulting to empty", () => {
    const catalogue = buildCatalogue({ areas: [{ key: "billing", label: "Billing", levels: ["none", "full"] }] });
    expect(catalogue.byKey.get("billing")).toEqual({ key: "billing", label: "Billing", description: "", levels: ["none", "full"] });
  });

  it("an area with only none and read", () => {
    expect(highestLevel(buildCatalogue([{ key: "reports", label: "Reports", levels: ["none", "read"] }]).areas[0]!)).toBe("read");
  });

  it("a key of 50 characters", () => {
    const key = `a${"b".repeat(49)}`;
    expect(buildCatalogue([{ key, label: "Long", levels: ["none", "full"] }]).byKey.has(key)).toBe(true);
  });

  it("an area keyed like another area's scope string, since scope strings end in _read or _full", () => {
    const catalogue = buildCatalogue([
      { key: "a", label: "A", levels: ["none", "read"] },
      { key: "a_read", label: "A read", levels: ["none", "read", "full"] },
    ]);
    expect([...catalogue.byScope.keys()]).toEqual(["a_read", "a_read_read", "a_read_full"]);
  });

  it("the seed areas themselves", () => {
    expect(buildCatalogue(SEED_AREAS).areas).toHaveLength(15);
  });
});

/** The problems a broken catalogue is refused with; fails the test when it is accepted. */
function problemsOf(input: unknown): readonly string[] {
  try {
    buildCatalogue(input);
  } catch (error) {
    if (error instanceof CatalogueError) return error.problems;
    throw error;
  }
  throw new Error("catalogue was accepted");
}

const ok = { key: "billing", label: "Billing", levels: ["none", "full"] };

describe("buildCatalogue refuses", () => {
  it("a catalogue that is neither an array nor {areas: [...]}", () => {
    expect(problemsOf({ billing: ok })).toHaveLength(1);
  });

  it.each([null, "email_full", 42, { areas: "none" }])("input %j", (input) => {
    expect(problemsOf(input)).toHaveLength(1);
  });

  it("an empty list of areas", () => {
    expect(problemsOf([])).toHaveLength(1);
  });

  it("an area that is not an object, naming its index", () => {
    expect(problemsOf([ok, "reports"])).toEqual([expect.stringMatching(/^areas\[1\]:/)]);
  });

  it("a duplicate key, naming the second area and the key", () => {
    const problems = problemsOf([ok, { ...ok, label: "Billing again" }]);
    expect(problems).toContainEqual(expect.stringMatching(/^areas\[1\]\.key: .*"billing"/));
  });

  it("a duplicate key as clashing scope strings too, naming the scope string", () => {
    const problems = problemsOf([ok, { ...ok, label: "Billing again" }]);
    expect(problems).toContainEqual(expect.stringMatching(/^areas\[1\]: .*"billing_full"/));
  });

  it.each(["", "Billing", "1billing", "_billing", "bill-ing", "bill ing", "billing.read", `a${"b".repeat(50)}`, "__proto__"])("bad key %j", (key) => {
    expect(problemsOf([{ ...ok, key }])).toEqual([expect.stringMatching(/^areas\[0\]\.key:/)]);
  });

  it("a key that is not a string", () => {
    expect(problemsOf([{ ...ok, key: 7 }])).toEqual([expect.stringMatching(/^areas\[0\]\.key:/)]);
  });

  it.each([undefined, "", "   ", 5])("label %j", (label) => {
    expect(problemsOf([{ ...ok, label }])).toEqual([expect.stringMatching(/^areas\[0\]\.label:/)]);
  });

  it("a description that is not a string", () => {
    expect(problemsOf([{ ...ok, description: 3 }])).toEqual([expect.stringMatching(/^areas\[0\]\.description:/)]);
  });

  it.each([
    ["not an array", "full"],
    ["missing", undefined],
    ["an unknown level", ["none", "write"]],
    ["a level in another case", ["none", "Full"]],
    ["a level that is not a string", ["none", 2]],
  ])("levels %s", (_what, levels) => {
    expect(problemsOf([{ ...ok, levels }])).toEqual([expect.stringMatching(/^areas\[0\]\.levels:/)]);
  });

  it.each([
    ["not starting with none", ["read", "full"]],
    ["in decreasing order", ["none", "full", "read"]],
    ["with a level twice", ["none", "read", "read", "full"]],
    ["with none twice", ["none", "none", "full"]],
    ["holding only none", ["none"]],
    ["empty", []],
  ])("levels %s", (_what, levels) => {
    expect(problemsOf([{ ...ok, levels }])).toContainEqual(expect.stringMatching(/^areas\[0\]\.levels:/));
  });

  it("every broken area at once, one problem each", () => {
    const problems = problemsOf([ok, { ...ok, key: "Bad" }, { key: "reports", label: "Reports", levels: ["none"] }]);
    expect(problems.map((p) => p.split(":")[0])).toEqual(["areas[1].key", "areas[2].levels"]);
  });
});
