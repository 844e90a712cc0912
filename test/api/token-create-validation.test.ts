/** POST /v1/token with bodies it must refuse: 422 naming each field, 400, 413, 415, and no change. */
import { describe, expect, it } from "vitest";
import { openApiHarness, type ApiHarness } from "../helpers/api-harness.js";

const UNKNOWN_DOMAIN = "dom_01j00000000000000000000000";

/** [what is wrong, body, the field `errors` must name]. */
const REFUSED_BODIES: [string, Record<string, unknown>, string][] = [
  ["missing name", { scopes: ["email_full"] }, "name"],
  ["empty name", { name: "", scopes: ["email_full"] }, "name"],
  ["whitespace-only name", { name: "  \t ", scopes: ["email_full"] }, "name"],
  ["name of 51 characters", { name: "x".repeat(51), scopes: ["email_full"] }, "name"],
  ["name with a bell character", { name: "ring\u0007bell", scopes: ["email_full"] }, "name"],
  ["name with a line break", { name: "two\nlines", scopes: ["email_full"] }, "name"],
  ["name with DEL", { name: "del\u007f", scopes: ["email_full"] }, "name"],
  ["name that is a number", { name: 5, scopes: ["email_full"] }, "name"],
  ["scope email_read (Email has no Read only)", { name: "t", scopes: ["email_read"] }, "scopes"],
  ["scope tokens_read (API tokens has no Read only)", { name: "t", scopes: ["tokens_read"] }, "scopes"],
  ["scope without a level", { name: "t", scopes: ["email"] }, "scopes"],
  ["scope in upper case", { name: "t", scopes: ["EMAIL_FULL"] }, "scopes"],
  ["scope with a space", { name: "t", scopes: [" email_full"] }, "scopes"],
  ["empty scopes", { name: "t", scopes: [] }, "scopes"],
  ["scopes as a string", { name: "t", scopes: "email_full" }, "scopes"],
  ["neither scopes nor has_full", { name: "t" }, "scopes"],
  ["has_full false without scopes", { name: "t", has_full: false }, "scopes"],
  ['has_full as the string "true"', { name: "t", has_full: "true" }, "has_full"],
  ["both domain_id and domains", { name: "t", scopes: ["email_full"], domain_id: UNKNOWN_DOMAIN, domains: "all" }, "domains"],
  ["unknown domain_id", { name: "t", scopes: ["email_full"], domain_id: UNKNOWN_DOMAIN }, "domain_id"],
  ["unknown id in domains", { name: "t", scopes: ["email_full"], domains: [UNKNOWN_DOMAIN] }, "domains"],
  ["empty domains", { name: "t", scopes: ["email_full"], domains: [] }, "domains"],
  ['domains "ALL"', { name: "t", scopes: ["email_full"], domains: "ALL" }, "domains"],
  ["domain_id as a number", { name: "t", scopes: ["email_full"], domain_id: 7 }, "domain_id"],
  ["expires_at that is no date", { name: "t", scopes: ["email_full"], expires_at: "next week" }, "expires_at"],
  ["expires_at without an offset", { name: "t", scopes: ["email_full"], expires_at: "2099-01-01T10:00:00" }, "expires_at"],
  ["expires_at not on the calendar", { name: "t", scopes: ["email_full"], expires_at: "2099-02-30" }, "expires_at"],
  ["expires_at as a number", { name: "t", scopes: ["email_full"], expires_at: 4102444800 }, "expires_at"],
  ["an unknown field", { name: "t", scopes: ["email_full"], colour: "blue" }, "colour"],
];

async function counts(h: ApiHarness): Promise<{ tokens: number; events: number }> {
  const tokens = await h.call("GET", "/v1/token");
  const events = await h.call("GET", "/v1/audit");
  return { tokens: tokens.body.meta.total, events: events.body.meta.total };
}

describe("POST /v1/token refuses invalid bodies", () => {
  it.each(REFUSED_BODIES)("answers 422 validation_failed naming the field for %s", async (_what, body, field) => {
    const h = await openApiHarness();
    const res = await h.call("POST", "/v1/token", { body });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation_failed");
    expect(Object.keys(res.body.errors)).toContain(field);
    expect(res.body.errors[field].length).toBeGreaterThan(0);
    expect(typeof res.body.message).toBe("string");
  });

  it("reports every field's problem at once", async () => {
    const h = await openApiHarness();
    const res = await h.call("POST", "/v1/token", { body: { name: " ", scopes: ["email"], domain_id: UNKNOWN_DOMAIN, expires_at: "2001-01-01" } });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors).sort()).toEqual(["domain_id", "expires_at", "name", "scopes"]);
  });

  it("reports each unknown scope string", async () => {
    const h = await openApiHarness();
    const res = await h.call("POST", "/v1/token", { body: { name: "t", scopes: ["email_read", "domains_read", "EMAIL_FULL"] } });
    expect(res.status).toBe(422);
    expect(res.body.errors.scopes).toHaveLength(2);
  });

  it("answers 400 malformed_request to a body that is not JSON", async () => {
    const h = await openApiHarness();
    const res = await h.call("POST", "/v1/token", { rawBody: '{"name": "t", "scopes": [', headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("malformed_request");
    expect(res.body.errors).toBeUndefined();
  });

  it("answers 400 malformed_request to an empty JSON body", async () => {
    const h = await openApiHarness();
    const res = await h.call("POST", "/v1/token", { rawBody: "", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("malformed_request");
  });

  it("answers 422 to a JSON body that is not an object", async () => {
    const h = await openApiHarness();
    const res = await h.call("POST", "/v1/token", { body: ["name", "t"] });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation_failed");
  });

  it("answers 413 payload_too_large to a body over 64 KiB", async () => {
    const h = await openApiHarness();
    const res = await h.call("POST", "/v1/token", { body: { name: "t", scopes: ["email_full"], pad: "x".repeat(64 * 1024) } });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("payload_too_large");
  });

  it("answers 415 unsupported_media_type to a body that is not sent as JSON", async () => {
    const h = await openApiHarness();
    const res = await h.call("POST", "/v1/token", { rawBody: "name=t", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe("unsupported_media_type");
  });

  it("changes nothing when it refuses a create: no token, no audit event", async () => {
    const h = await openApiHarness();
    const before = await counts(h);
    for (const [, body] of REFUSED_BODIES) expect((await h.call("POST", "/v1/token", { body })).status).toBe(422);
    await h.call("POST", "/v1/token", { rawBody: "{", headers: { "content-type": "application/json" } });
    await h.call("POST", "/v1/token", { body: { name: "t", scopes: ["email_full"], pad: "x".repeat(70_000) } });
    expect(await counts(h)).toEqual(before);
  });
});
