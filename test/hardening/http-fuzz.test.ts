/**
 * A seeded, repeatable fuzz run of the whole HTTP API (issue #4): thousands of requests with random
 * methods, paths, headers and bodies, some built around real ids and secrets. No answer may be a 5xx,
 * and no answer may contain a secret that existed before the request (a create's own new secret is
 * the one legitimate exception). Re-run a failure with the printed seed.
 */
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildApp, type App } from "../../src/http/app.js";
import { createFailureLimiter } from "../../src/service/failure-limiter.js";
import { Latchkey } from "../../src/service/latchkey.js";
import { rememberSecret, testLogger } from "../helpers/trace-log.js";

const SEED = Number(process.env.LATCHKEY_FUZZ_SEED ?? 20261130);
const RUNS = Number(process.env.LATCHKEY_FUZZ_RUNS ?? 4000);

let latchkey: Latchkey;
let app: App;
let secrets: string[] = [];
let ids: string[] = [];

beforeAll(async () => {
  latchkey = await Latchkey.open({ databaseUrl: "sqlite::memory:" });
  app = await buildApp(latchkey, { logger: testLogger(), failureLimiter: createFailureLimiter({ failuresPerWindow: 0 }) });
  const actor = { principal: await latchkey.operator("default"), ip: null };
  const domain = await latchkey.domains.add(actor, "example.com");
  const made = await Promise.all([
    latchkey.tokens.create(actor, { name: "root", hasFull: true }),
    latchkey.tokens.create(actor, { name: "reader", scopes: ["domains_read", "tokens_full"] }),
    latchkey.tokens.create(actor, { name: "scoped", scopes: ["tokens_full", "email_full"], domainId: domain.id }),
  ]);
  secrets = made.map((m) => m.secret);
  secrets.forEach(rememberSecret);
  ids = [...made.map((m) => m.token.id), domain.id];
});

afterAll(async () => {
  await app.close();
  await latchkey.close();
});

const methods = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PURGE", "get");
const segment = fc.oneof(
  fc.constantFrom("v1", "token", "domains", "scopes", "audit", "verify", "settings", "healthz", "readyz", "docs", "openapi.json", "..", ".", "%2e%2e", "%2F", "", "%00", "%ff", "\u00e9", "tok_x"),
  fc.constant(null).map(() => "id"),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join("/")}`);
const knownPath = fc.constantFrom("/v1/token", "/v1/token/id", "/v1/token/id/settings", "/v1/domains", "/v1/domains/id", "/v1/scopes", "/v1/audit", "/v1/verify", "/v1/token?page=0&limit=1000", "/v1/token?page=abc", "/v1/audit?limit=10&page=99999999");
const query = fc.oneof(fc.constant(""), fc.string({ maxLength: 20 }).map((s) => `?${encodeURIComponent(s)}=${encodeURIComponent(s)}`), fc.constant("?token=SECRET"));
const auth = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom("Bearer SECRET", "bearer   SECRET  ", "Basic SECRET", "Bearer", "Bearer Bearer SECRET", "", "Bearer SECRET SECRET", "Bearer lk_1AAAA"),
  fc.string({ maxLength: 80 }).map((s) => `Bearer ${s}`),
);
const contentType = fc.constantFrom(undefined, "application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1");
const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.record({
    name: fc.oneof(fc.string({ maxLength: 60 }), fc.integer(), fc.constant(null)),
    scopes: fc.oneof(fc.array(fc.constantFrom("email_full", "domains_read", "tokens_full", "email_read", "x", ""), { maxLength: 4 }), fc.string()),
    has_full: fc.oneof(fc.boolean(), fc.constant("true")),
    domains: fc.oneof(fc.constant("all"), fc.array(fc.constantFrom("id", "dom_x", ""), { maxLength: 3 })),
    expires_at: fc.oneof(fc.constantFrom("2099-01-01", "2000-01-01", "2099-02-30", "tomorrow"), fc.string({ maxLength: 30 })),
    status: fc.constantFrom("pause", "unpause", "paused", 1),
    token: fc.constantFrom("SECRET", "", "lk_"),
    method: fc.constantFrom("GET", "DELETE", "", "G E T"),
    area: fc.constantFrom("email", "domains", "emai", "email_verification", ""),
    domain: fc.constantFrom("example.com", "EXAMPLE.COM.", "evilexample.com", "id", null),
  }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
);

it(`answers ${RUNS} random requests (seed ${SEED}) with no 5xx and no existing secret`, async () => {
  let sent = 0;
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(methods, fc.oneof({ arbitrary: knownPath, weight: 3 }, { arbitrary: path, weight: 1 }), query, auth, contentType, body, fc.nat(secrets.length - 1), fc.nat(ids.length - 1), async (method, p, q, authorization, type, payload, s, i) => {
      const fill = (text: string): string => text.replaceAll("SECRET", secrets[s] ?? "").replaceAll(/\bid\b/g, ids[i] ?? "");
      const url = fill(p) + fill(q);
      const headers: Record<string, string> = {};
      if (authorization !== undefined) headers.authorization = fill(authorization);
      if (type !== undefined) headers["content-type"] = type;
      const raw = typeof payload === "string" ? fill(payload) : payload === undefined ? undefined : JSON.stringify(payload);
      const response = await app.inject({ method: method as "GET", url, headers, ...(raw !== undefined && method !== "GET" && method !== "HEAD" ? { payload: raw } : {}) });
      sent++;
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      expect(response.statusCode, `${method} ${url} -> ${response.body.slice(0, 200)}`).toBeLessThan(500);
      const answer = JSON.stringify(response.headers) + response.body;
      for (const secret of secrets) expect(answer.includes(secret), `${method} ${url} echoed a secret`).toBe(false);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  console.log(`fuzz: ${sent} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
  expect(sent).toBe(RUNS);
}, 300_000);
