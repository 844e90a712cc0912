/**
 * GET /metrics (src/service/metrics.ts, src/http/routes/metrics-route.ts): scraped after known traffic
 * and read with a Prometheus text-format parser; each counter equals the traffic sent.
 */
import { describe, expect, it } from "vitest";
import { parseRouteMap } from "../../src/core/route-map.js";
import { SEED_CATALOGUE } from "../../src/core/catalogue.js";
import { createScopeGuard } from "../../src/middleware/scope-guard.js";
import { createFailureLimiter } from "../../src/service/failure-limiter.js";
import { LatchkeyMetrics } from "../../src/service/metrics.js";
import { openApiHarness, type ApiHarness } from "../helpers/api-harness.js";
import { histogramCounts, parseScrape, sampleValue, type MetricFamily } from "../helpers/prometheus-scrape.js";

const ROUTES = parseRouteMap({ routes: [{ path: "/api/domains", methods: ["GET"], area: "domains" }] }, SEED_CATALOGUE);

async function scrapeText(h: ApiHarness, headers: Record<string, string> = {}): Promise<string> {
  const res = await h.app.inject({ method: "GET", url: "/metrics", headers });
  expect(res.statusCode).toBe(200);
  expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.body;
}

async function scrape(h: ApiHarness, headers: Record<string, string> = {}): Promise<Map<string, MetricFamily>> {
  return parseScrape(await scrapeText(h, headers));
}

const verify = (h: ApiHarness, token: string) => h.call("POST", "/v1/verify", { token: null, body: { token, method: "GET", area: "domains" } });
const forwardAuth = (h: ApiHarness, token: string | null) =>
  h.app.inject({ method: "GET", url: "/v1/forward-auth", headers: { "x-original-method": "GET", "x-original-uri": "/api/domains", ...(token === null ? {} : { authorization: `Bearer ${token}` }) } });

describe("GET /metrics", () => {
  it("counts each verification by path and outcome code, and times it", async () => {
    const h = await openApiHarness({ metrics: { metrics: new LatchkeyMetrics() }, routeMap: ROUTES });
    const token = await h.mint({ name: "counted" });
    const gone = await h.mint({ name: "deleted" });
    await h.call("DELETE", `/v1/token/${gone.id}`);
    for (let i = 0; i < 5; i++) expect((await verify(h, token.secret)).body.code).toBe("ok");
    for (let i = 0; i < 3; i++) expect((await verify(h, gone.secret)).body.code).toBe("token_unknown");
    for (let i = 0; i < 2; i++) expect((await verify(h, "lk_not_a_token")).body.code).toBe("token_malformed");
    for (let i = 0; i < 4; i++) expect((await forwardAuth(h, token.secret)).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) expect((await forwardAuth(h, null)).headers["x-latchkey-code"]).toBe("token_missing");
    const guard = createScopeGuard("domains", { latchkey: h.latchkey });
    for (let i = 0; i < 3; i++) expect((await guard.check("GET", `Bearer ${token.secret}`, null, null)).allowed).toBe(true);

    const text = await scrapeText(h);
    const m = parseScrape(text);
    const cases: [string, string, number][] = [
      ["verify", "ok", 5],
      ["verify", "token_unknown", 3],
      ["verify", "token_malformed", 2],
      ["forward_auth", "ok", 4],
      ["forward_auth", "token_missing", 2],
      ["middleware", "ok", 3],
    ];
    for (const [path, code, count] of cases) expect(sampleValue(m, "latchkey_verifications_total", { path, code }), `${path} ${code}`).toBe(count);
    expect(m.get("latchkey_verifications_total")?.metrics).toHaveLength(cases.length);
    const latencies = histogramCounts(text, "latchkey_verification_duration_seconds");
    for (const [path, count] of [["verify", 10], ["forward_auth", 6], ["middleware", 3]] as const) {
      expect(sampleValue(latencies, "latchkey_verification_duration_seconds_count", { path }), path).toBe(count);
    }
  });

  it("counts cache hits and misses of the verifier", async () => {
    const h = await openApiHarness({ metrics: { metrics: new LatchkeyMetrics() } });
    const token = await h.mint();
    const before = await scrape(h);
    const hits = sampleValue(before, "latchkey_verifier_cache_lookups_total", { result: "hit" });
    const misses = sampleValue(before, "latchkey_verifier_cache_lookups_total", { result: "miss" });
    await verify(h, token.secret); // first use: a read
    for (let i = 0; i < 4; i++) await verify(h, token.secret);
    const after = await scrape(h);
    expect(sampleValue(after, "latchkey_verifier_cache_lookups_total", { result: "miss" }) - misses).toBe(1);
    expect(sampleValue(after, "latchkey_verifier_cache_lookups_total", { result: "hit" }) - hits).toBe(4);
  });

  it("counts management requests by operation and status class", async () => {
    const h = await openApiHarness({ metrics: { metrics: new LatchkeyMetrics() } });
    for (let i = 0; i < 3; i++) expect((await h.call("GET", "/v1/token")).status).toBe(200);
    expect((await h.call("GET", "/v1/token/tok_nothing")).status).toBe(404);
    expect((await h.call("POST", "/v1/token", { body: { name: "", has_full: true } })).status).toBe(422);
    const m = await scrape(h);
    const family = m.get("latchkey_management_requests_total");
    const total = (family?.metrics ?? []).reduce((sum, s) => sum + Number(s.value), 0);
    expect(total).toBe(5);
    const list = family?.metrics.find((s) => s.labels?.status_class === "2xx");
    expect(Number(list?.value)).toBe(3);
    expect(family?.metrics.filter((s) => s.labels?.status_class === "4xx").reduce((sum, s) => sum + Number(s.value), 0)).toBe(2);
  });

  it("counts refusals for a token's rate window and for failed attempts", async () => {
    const h = await openApiHarness({ metrics: { metrics: new LatchkeyMetrics() }, failureLimiter: createFailureLimiter({ failuresPerWindow: 2 }) });
    const created = await h.call("POST", "/v1/token", { body: { name: "limited", has_full: true, rate_limits: [{ name: "minute", limit: 2, window_seconds: 60 }] } });
    const secret = created.body.data.accessToken as string;
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await verify(h, secret)).body.code);
    expect(codes).toEqual(["ok", "ok", "rate_limited", "rate_limited", "rate_limited"]);
    for (let i = 0; i < 4; i++) await verify(h, "lk_not_a_token"); // 2 failures allowed, then 2 refused
    const m = await scrape(h);
    expect(sampleValue(m, "latchkey_rate_limit_refusals_total", { source: "token_limits", code: "rate_limited" })).toBe(3);
    expect(sampleValue(m, "latchkey_rate_limit_refusals_total", { source: "failed_attempts", code: "rate_limited" })).toBe(2);
    expect(sampleValue(m, "latchkey_verifications_total", { path: "verify", code: "rate_limited" })).toBe(5);
  });

  it("times the propagation wait of each pause, and reports the change feed's state", async () => {
    const h = await openApiHarness({ metrics: { metrics: new LatchkeyMetrics() } });
    const token = await h.mint();
    for (const status of ["pause", "unpause", "pause"]) expect((await h.call("PUT", `/v1/token/${token.id}/settings`, { body: { status } })).status).toBe(200);
    const m = await scrape(h);
    expect(sampleValue(m, "latchkey_propagation_wait_seconds")).toBe(3);
    expect(sampleValue(m, "latchkey_propagation_incomplete_total")).toBe(0);
    const state = h.latchkey.changeFeedState;
    expect(sampleValue(m, "latchkey_change_feed_state", { state })).toBe(1);
    expect(m.get("latchkey_change_feed_state")?.metrics.filter((s) => s.value === "1")).toHaveLength(1);
    if (h.latchkey.store.dialect.kind === "postgres") {
      expect(sampleValue(m, "latchkey_database_pool_max_connections")).toBe(10);
      expect(sampleValue(m, "latchkey_database_pool_connections", { state: "total" })).toBeGreaterThan(0);
      expect(sampleValue(m, "latchkey_change_feed_silence_seconds")).toBeLessThan(2);
    } else {
      expect(m.get("latchkey_database_pool_connections")?.metrics).toEqual([]);
    }
    expect(sampleValue(m, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
  });

  it("never labels a series with a token id or secret, however many tokens are seen", async () => {
    const h = await openApiHarness({ metrics: { metrics: new LatchkeyMetrics() }, routeMap: ROUTES });
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => h.mint({ name: `many ${i}` })));
    for (const t of tokens) {
      await verify(h, t.secret);
      await verify(h, `${t.secret}x`);
      await forwardAuth(h, t.secret);
      await h.call("GET", `/v1/token/${t.id}`);
    }
    const res = await h.app.inject({ method: "GET", url: "/metrics" });
    for (const t of [...tokens, h.root]) {
      expect(res.body).not.toContain(t.id);
      expect(res.body).not.toContain(t.secret.slice(3, 20));
    }
    const m = parseScrape(res.body);
    // Series are bounded by the paths and codes, not by the tokens: ok and token_malformed for verify, ok for forward-auth.
    expect(m.get("latchkey_verifications_total")?.metrics).toHaveLength(3);
    expect(m.get("latchkey_management_requests_total")?.metrics).toHaveLength(1);
  });

  it("refuses a scrape without the metrics token, or with a wrong one, with 401 metrics_token_invalid", async () => {
    const h = await openApiHarness({ metrics: { metrics: new LatchkeyMetrics(), token: "scrape-secret-0123456789" } });
    for (const headers of [{}, { authorization: "Bearer wrong-secret-0123456789" }, { authorization: "Basic c2NyYXBlOg==" }]) {
      const res = await h.app.inject({ method: "GET", url: "/metrics", headers });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe("metrics_token_invalid");
    }
    const m = await scrape(h, { authorization: "Bearer scrape-secret-0123456789" });
    expect(m.has("latchkey_verifications_total")).toBe(true);
  });
});
