/**
 * Keeps the typed client (src/client/latchkey-client.ts) in step with the server's /openapi.json:
 * every operation's method and path exists there, and the field names of each request body and each
 * response schema are exactly those of the client's types. The key tables below are typed
 * `Record<keyof T, true>`, so they fail to compile when a client type gains or loses a field; the
 * comparison with /openapi.json fails when the server's schemas do.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type App } from "../../src/http/app.js";
import type { VerifiedToken as ServerVerifiedToken } from "../../src/http/verified-token.js";
import { Latchkey } from "../../src/service/latchkey.js";
import {
  OPERATIONS,
  type AccountPolicy,
  type AccountPolicyInput,
  type Area,
  type AuditEvent,
  type CreatedToken,
  type CreateTokenInput,
  type Domain,
  type OperationName,
  type Page,
  type RotatedToken,
  type RotateTokenInput,
  type Token,
  type TokenFamily,
  type CascadeResult,
  type TokenLookup,
  type UpdateTokenInput,
  type VerifiedToken,
  type VerifyInput,
  type VerifyResult,
  type TokenLimits,
  type TokenUsageReport,
  type UsageReport,
  type CreatedWebhook,
  type CreateWebhookInput,
  type Webhook,
  type WebhookDelivery,
} from "../../src/client/latchkey-client.js";

const TOKEN: Record<keyof Token, true> = { id: true, name: true, status: true, scopes: true, has_full: true, domains: true, domain: true, preview: true, expires_at: true, created_at: true, updated_at: true, last_used_at: true, not_before: true, allowed_ips: true, previous_secret: true, canary: true };
const ROTATED_TOKEN: Record<keyof RotatedToken, true> = { ...TOKEN, accessToken: true, previous_valid_until: true };
const ROTATE_TOKEN_INPUT: Record<keyof RotateTokenInput, true> = { grace_seconds: true };
const TOKEN_LOOKUP: Record<keyof TokenLookup, true> = { id: true, name: true, secret: true };
const ACCOUNT_POLICY: Record<keyof AccountPolicy, true> = { max_lifetime_days: true, expiry_required: true, allowed_ips_required: true, two_factor_required_for_admins: true, updated_at: true, out_of_policy: true, out_of_policy_total: true };
const ACCOUNT_POLICY_INPUT: Record<keyof AccountPolicyInput, true> = { max_lifetime_days: true, expiry_required: true, allowed_ips_required: true, two_factor_required_for_admins: true };
const CREATED_TOKEN: Record<keyof CreatedToken, true> = { ...TOKEN, accessToken: true };
const DOMAIN: Record<keyof Domain, true> = { id: true, name: true, created_at: true };
const AREA: Record<keyof Area, true> = { area: true, label: true, description: true, levels: true, scopes: true };
const AUDIT_EVENT: Record<keyof AuditEvent, true> = { id: true, action: true, actor: true, target: true, ip: true, details: true, created_at: true };
const PAGE: Record<keyof Page<unknown>, true> = { data: true, links: true, meta: true };
const PAGE_LINKS: Record<keyof Page<unknown>["links"], true> = { first: true, last: true, prev: true, next: true };
const PAGE_META: Record<keyof Page<unknown>["meta"], true> = { current_page: true, from: true, last_page: true, path: true, per_page: true, to: true, total: true };
const VERIFY_RESULT: Record<keyof VerifyResult, true> = { allowed: true, status: true, code: true, message: true, required: true, secret: true, retry_after_seconds: true, window: true, cacheable: true, token: true };
const TOKEN_LIMITS: Record<keyof TokenLimits, true> = { rate_limits: true, credits: true };
const USAGE_REPORT: Record<keyof UsageReport, true> = { from: true, to: true, granularity: true, series: true, totals: true, areas: true, tokens: true };
const TOKEN_USAGE_REPORT: Record<keyof TokenUsageReport, true> = { ...USAGE_REPORT, last_use: true };
const VERIFIED_TOKEN: Record<keyof VerifiedToken, true> = { id: true, name: true, account_id: true, scopes: true, has_full: true, domains: true, expires_at: true, secret: true, ancestor_ids: true, valid_until: true };
const CREATE_TOKEN_INPUT: Record<keyof CreateTokenInput, true> = { name: true, scopes: true, has_full: true, domain_id: true, domains: true, expires_at: true, not_before: true, allowed_ips: true, rate_limits: true, credits: true, canary: true };
const WEBHOOK: Record<keyof Webhook, true> = { id: true, name: true, url: true, events: true, enabled: true, disabled_reason: true, failing_since: true, created_at: true, updated_at: true };
const CREATED_WEBHOOK: Record<keyof CreatedWebhook, true> = { ...WEBHOOK, signing_secret: true };
const CREATE_WEBHOOK_INPUT: Record<keyof CreateWebhookInput, true> = { name: true, url: true, events: true, enabled: true };
const WEBHOOK_DELIVERY: Record<keyof WebhookDelivery, true> = { id: true, event_id: true, event_type: true, status: true, attempts: true, next_attempt_at: true, last_attempt_at: true, response_status: true, duration_ms: true, response: true, created_at: true, delivered_at: true };
const UPDATE_TOKEN_INPUT: Record<keyof UpdateTokenInput, true> = { name: true, status: true };
const VERIFY_INPUT: Record<keyof VerifyInput, true> = { token: true, method: true, area: true, domain: true, cost: true, ip: true };
const TOKEN_FAMILY: Record<keyof TokenFamily, true> = { created_by: true, parent_id: true, children: true, descendants: true };
const CASCADE_RESULT: Record<keyof CascadeResult, true> = { data: true, changed: true, propagation: true };

// Compile-time check: the middleware's verified token and the client's are the same shape, both ways.
const serverToClient = (t: ServerVerifiedToken): VerifiedToken => t;
const clientToServer = (t: VerifiedToken): ServerVerifiedToken => t;
void [serverToClient, clientToServer];

/** What each operation answers: the success status and the keys of its body, `data` unwrapped. */
const RESPONSES: Record<OperationName, { status: string; shape: "page" | "data" | "data[]" | "bare" | "none"; keys?: Record<string, true> }> = {
  listTokens: { status: "200", shape: "page", keys: TOKEN },
  showToken: { status: "200", shape: "data", keys: TOKEN },
  createToken: { status: "201", shape: "data", keys: CREATED_TOKEN },
  updateToken: { status: "200", shape: "data", keys: TOKEN },
  setTokenStatus: { status: "200", shape: "data", keys: TOKEN },
  deleteToken: { status: "204", shape: "none" },
  pauseToken: { status: "200", shape: "bare", keys: CASCADE_RESULT },
  resumeToken: { status: "200", shape: "bare", keys: CASCADE_RESULT },
  showTokenFamily: { status: "200", shape: "data", keys: TOKEN_FAMILY },
  listDomains: { status: "200", shape: "page", keys: DOMAIN },
  showDomain: { status: "200", shape: "data", keys: DOMAIN },
  createDomain: { status: "201", shape: "data", keys: DOMAIN },
  deleteDomain: { status: "204", shape: "none" },
  listScopes: { status: "200", shape: "data[]", keys: AREA },
  listAudit: { status: "200", shape: "page", keys: AUDIT_EVENT },
  verify: { status: "200", shape: "bare", keys: VERIFY_RESULT },
  rotateToken: { status: "200", shape: "data", keys: ROTATED_TOKEN },
  lookupToken: { status: "200", shape: "data", keys: TOKEN_LOOKUP },
  getAccountPolicy: { status: "200", shape: "data", keys: ACCOUNT_POLICY },
  setAccountPolicy: { status: "200", shape: "data", keys: ACCOUNT_POLICY },
  getTokenLimits: { status: "200", shape: "data", keys: TOKEN_LIMITS },
  setTokenLimits: { status: "200", shape: "data", keys: TOKEN_LIMITS },
  getTokenUsage: { status: "200", shape: "data", keys: TOKEN_USAGE_REPORT },
  getAccountUsage: { status: "200", shape: "data", keys: USAGE_REPORT },
  listWebhooks: { status: "200", shape: "page", keys: WEBHOOK },
  showWebhook: { status: "200", shape: "data", keys: WEBHOOK },
  createWebhook: { status: "201", shape: "data", keys: CREATED_WEBHOOK },
  updateWebhook: { status: "200", shape: "data", keys: WEBHOOK },
  deleteWebhook: { status: "204", shape: "none" },
  listWebhookDeliveries: { status: "200", shape: "page", keys: WEBHOOK_DELIVERY },
  redeliverWebhookDelivery: { status: "202", shape: "data", keys: WEBHOOK_DELIVERY },
};

/** Request bodies the client sends; the client's keys must all be in the schema, and (but for update) the reverse. */
const BODIES: Partial<Record<OperationName, { keys: Record<string, true>; exact: boolean }>> = {
  createToken: { keys: CREATE_TOKEN_INPUT, exact: true },
  // The schema also accepts scopes, domains, ... only to refuse them with the seed's advice.
  updateToken: { keys: UPDATE_TOKEN_INPUT, exact: false },
  setTokenStatus: { keys: { status: true }, exact: true },
  pauseToken: { keys: { cascade: true }, exact: true },
  resumeToken: { keys: { cascade: true }, exact: true },
  createDomain: { keys: { name: true }, exact: true },
  verify: { keys: VERIFY_INPUT, exact: true },
  rotateToken: { keys: ROTATE_TOKEN_INPUT, exact: true },
  lookupToken: { keys: { secret: true }, exact: true },
  setAccountPolicy: { keys: ACCOUNT_POLICY_INPUT, exact: true },
  setTokenLimits: { keys: TOKEN_LIMITS, exact: true },
  createWebhook: { keys: CREATE_WEBHOOK_INPUT, exact: true },
  updateWebhook: { keys: CREATE_WEBHOOK_INPUT, exact: true },
};

type Schema = { $ref?: string; properties?: Record<string, Schema>; items?: Schema; allOf?: Schema[] };
let latchkey: Latchkey;
let app: App;
let spec: { paths: Record<string, Record<string, any>>; components?: { schemas?: Record<string, Schema> } };

beforeAll(async () => {
  latchkey = await Latchkey.open({ databaseUrl: "sqlite::memory:" });
  app = await buildApp(latchkey, { logger: false });
  spec = (await app.inject({ method: "GET", url: "/openapi.json" })).json();
});

afterAll(async () => {
  await app.close();
  await latchkey.close();
});

function resolve(schema: Schema | undefined): Schema {
  if (schema?.$ref !== undefined) return resolve(spec.components?.schemas?.[schema.$ref.replace("#/components/schemas/", "")]);
  return schema ?? {};
}

/** Property names of a schema, through $refs and allOf (TypeBox's Intersect). */
function keysOf(schema: Schema | undefined): string[] {
  const resolved = resolve(schema);
  const own = Object.keys(resolved.properties ?? {});
  return [...new Set([...own, ...(resolved.allOf ?? []).flatMap((s) => keysOf(s))])].sort();
}

const sorted = (keys: Record<string, true>): string[] => Object.keys(keys).sort();

describe.each(Object.entries(OPERATIONS) as [OperationName, (typeof OPERATIONS)[OperationName]][])("%s", (name, { method, path }) => {
  it(`exists in /openapi.json as ${method} ${path}`, () => {
    expect(spec.paths[path]?.[method.toLowerCase()]).toBeDefined();
  });

  it("answers the fields the client's type names", () => {
    const expected = RESPONSES[name];
    const response = spec.paths[path]?.[method.toLowerCase()]?.responses?.[expected.status];
    expect(response, `${expected.status} response`).toBeDefined();
    const body: Schema | undefined = response?.content?.["application/json"]?.schema;
    if (expected.shape === "none") return;
    const keys = sorted(expected.keys ?? {});
    if (expected.shape === "bare") expect(keysOf(body)).toEqual(keys);
    if (expected.shape === "data") expect(keysOf(resolve(body).properties?.data)).toEqual(keys);
    if (expected.shape === "data[]") expect(keysOf(resolve(resolve(body).properties?.data).items)).toEqual(keys);
    if (expected.shape === "page") {
      const page = resolve(body);
      expect(keysOf(page)).toEqual(sorted(PAGE));
      expect(keysOf(page.properties?.links)).toEqual(sorted(PAGE_LINKS));
      expect(keysOf(page.properties?.meta)).toEqual(sorted(PAGE_META));
      expect(keysOf(resolve(page.properties?.data).items)).toEqual(keys);
    }
  });

  const body = BODIES[name];
  if (body !== undefined) {
    it("sends a body whose fields the schema accepts", () => {
      const schema: Schema | undefined = spec.paths[path]?.[method.toLowerCase()]?.requestBody?.content?.["application/json"]?.schema;
      const accepted = keysOf(schema);
      if (body.exact) expect(accepted).toEqual(sorted(body.keys));
      else expect(accepted).toEqual(expect.arrayContaining(sorted(body.keys)));
    });
  }
});

it("describes the verified token of verify with the client's fields", () => {
  const token = resolve(spec.paths["/v1/verify"]?.post?.responses?.["200"]?.content?.["application/json"]?.schema).properties?.token;
  expect(keysOf(token)).toEqual(sorted(VERIFIED_TOKEN));
});
