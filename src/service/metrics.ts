/**
 * Prometheus metrics of one latchkey instance (prom-client), served at GET /metrics
 * (src/http/routes/metrics-route.ts; docs/operations.md lists every metric).
 *
 * It is the service's {@link ServiceObserver}: verifications, rate refusals, propagation waits and
 * webhook deliveries arrive as calls, each one counter increment (a verification: one increment and
 * one histogram observation on children looked up once per label pair and kept). What is state rather
 * than events (the verifier's cache counts, the change feed, the database pool) is read only when
 * scraped, so it costs the verification path nothing.
 *
 * Cardinality: every label takes a bounded set of values (error catalog codes, fixed path, outcome and
 * state names, the management routes' operation ids); none carries a token id, an account, a name, an
 * address or a secret. Codes outside the catalog are counted as `other`.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { isErrorCode, type ErrorCode } from "../core/error-catalog.js";
import type { Latchkey } from "./latchkey.js";
import type { RateLimitSource, ServiceObserver, VerificationPath, WebhookDeliveryOutcome } from "./service-observer.js";

/** Buckets of the verification latency histogram, seconds: 50 µs (a warm in-process answer) to 1 s. */
export const VERIFICATION_BUCKETS_SECONDS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** Buckets of the propagation wait histogram, seconds (the bound is LATCHKEY_REVOCATION_TIMEOUT_MS, 1 s by default). */
export const PROPAGATION_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60];

/** The change feed states of /readyz, each a series of `latchkey_change_feed_state` (1 for the current one). */
const FEED_STATES = ["local", "live", "catching_up", "down"] as const;

/** Options of {@link LatchkeyMetrics}. */
export interface LatchkeyMetricsOptions {
  /** Also collect prom-client's default process and Node.js metrics (default true). */
  readonly processMetrics?: boolean;
}

type CounterChild = { inc(value?: number): void };
type HistogramChild = { observe(value: number): void };

export class LatchkeyMetrics implements ServiceObserver {
  /** The registry /metrics renders. */
  readonly registry = new Registry();
  private source: Latchkey | null = null;
  private readonly verifications: Counter<"path" | "code">;
  private readonly verificationSeconds: Histogram<"path">;
  private readonly management: Counter<"operation" | "status_class">;
  private readonly rateRefusals: Counter<"source" | "code">;
  private readonly propagationSeconds: Histogram;
  private readonly propagationIncomplete: Counter;
  private readonly webhooks: Counter<"outcome">;
  /** Children by `path code`, looked up once (prom-client hashes the labels on every `labels()` call). */
  private readonly verificationChildren = new Map<string, CounterChild>();
  private readonly latencyChildren = new Map<VerificationPath, HistogramChild>();

  constructor(options: LatchkeyMetricsOptions = {}) {
    const registers = [this.registry];
    const metrics = this;
    this.verifications = new Counter({ name: "latchkey_verifications_total", help: "Verifications answered, by path (verify, forward_auth, middleware) and outcome code (ok or the refusal's code).", labelNames: ["path", "code"], registers });
    this.verificationSeconds = new Histogram({ name: "latchkey_verification_duration_seconds", help: "Time from a verification's arrival in its handler to its decision, seconds.", labelNames: ["path"], buckets: VERIFICATION_BUCKETS_SECONDS, registers });
    new Counter({
      name: "latchkey_verifier_cache_lookups_total",
      help: "Secret lookups of the verifier: answered from its cache (hit) or not (miss: a database read, or a malformed secret).",
      labelNames: ["result"],
      registers,
      collect() {
        const verifier = metrics.source?.verifier;
        this.reset();
        this.inc({ result: "hit" }, verifier?.cacheHits ?? 0);
        this.inc({ result: "miss" }, verifier?.cacheMisses ?? 0);
      },
    });
    this.management = new Counter({ name: "latchkey_management_requests_total", help: "Requests to the management API (routes that need a token or a session), by operation id and status class.", labelNames: ["operation", "status_class"], registers });
    this.rateRefusals = new Counter({ name: "latchkey_rate_limit_refusals_total", help: "Requests refused for their rate: by a token's windows or credits (token_limits) or the failed-attempts limiter, by code.", labelNames: ["source", "code"], registers });
    this.propagationSeconds = new Histogram({ name: "latchkey_propagation_wait_seconds", help: "How long changes waited for every live instance to apply them (0 on SQLite), seconds.", buckets: PROPAGATION_BUCKETS_SECONDS, registers });
    this.propagationIncomplete = new Counter({ name: "latchkey_propagation_incomplete_total", help: "Propagation waits that ended at the bound with an instance that had not applied the change.", registers });
    this.webhooks = new Counter({ name: "latchkey_webhook_deliveries_total", help: "Webhook delivery attempts of this instance, by outcome (delivered, retrying, given_up).", labelNames: ["outcome"], registers });
    for (const outcome of ["delivered", "retrying", "given_up"] as const) this.webhooks.inc({ outcome }, 0);
    new Gauge({
      name: "latchkey_change_feed_state",
      help: "The change feed's state as /readyz reports it: 1 for the current state, 0 for the others.",
      labelNames: ["state"],
      registers,
      collect() {
        const state = metrics.source?.changeFeedState;
        for (const s of FEED_STATES) this.set({ state: s }, s === state ? 1 : 0);
      },
    });
    new Gauge({
      name: "latchkey_change_feed_heartbeat_round_trip_seconds",
      help: "PostgreSQL: how long the latest own heartbeat took to come back through the change feed, seconds (absent on SQLite and before the first).",
      registers,
      collect() {
        const roundTrip = metrics.source?.listener?.lag.heartbeatRoundTripMs ?? Number.NaN;
        this.reset();
        if (Number.isFinite(roundTrip)) this.set(roundTrip / 1000);
      },
    });
    new Gauge({
      name: "latchkey_change_feed_silence_seconds",
      help: "PostgreSQL: time since the change feed last delivered anything, seconds (absent on SQLite; over 0.5 the cache is bypassed).",
      registers,
      collect() {
        const silence = metrics.source?.listener?.lag.silenceMs ?? Number.NaN;
        this.reset();
        if (Number.isFinite(silence)) this.set(silence / 1000);
      },
    });
    new Gauge({
      name: "latchkey_database_pool_connections",
      help: "PostgreSQL pool: connections open (total), idle, and requests waiting for one (absent on SQLite).",
      labelNames: ["state"],
      registers,
      collect() {
        const dialect = metrics.source?.store.dialect;
        this.reset();
        if (dialect?.kind !== "postgres") return;
        this.set({ state: "total" }, dialect.pool.totalCount);
        this.set({ state: "idle" }, dialect.pool.idleCount);
        this.set({ state: "waiting" }, dialect.pool.waitingCount);
      },
    });
    new Gauge({
      name: "latchkey_database_pool_max_connections",
      help: "PostgreSQL pool: the most connections it opens (absent on SQLite).",
      registers,
      collect() {
        const dialect = metrics.source?.store.dialect;
        this.reset();
        if (dialect?.kind === "postgres") this.set(dialect.pool.options.max ?? 10);
      },
    });
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Reads the state metrics (cache counts, change feed, pool) from this opened service when scraped. */
  attach(latchkey: Latchkey): void {
    this.source = latchkey;
  }

  /** The exposition text (Prometheus text format 0.0.4). */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The Content-Type of {@link LatchkeyMetrics.render}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  verification(path: VerificationPath, code: ErrorCode | "ok", seconds: number): void {
    const key = `${path} ${code}`;
    let child = this.verificationChildren.get(key);
    if (child === undefined) {
      child = this.verifications.labels(path, code === "ok" || isErrorCode(code) ? code : "other");
      this.verificationChildren.set(key, child);
    }
    child.inc();
    let latency = this.latencyChildren.get(path);
    if (latency === undefined) {
      latency = this.verificationSeconds.labels(path);
      this.latencyChildren.set(path, latency);
    }
    latency.observe(seconds);
  }

  rateLimitRefusal(source: RateLimitSource, code: ErrorCode): void {
    this.rateRefusals.inc({ source, code });
  }

  propagationWait(seconds: number, lostInstances: number): void {
    this.propagationSeconds.observe(seconds);
    if (lostInstances > 0) this.propagationIncomplete.inc();
  }

  webhookDelivery(outcome: WebhookDeliveryOutcome): void {
    this.webhooks.inc({ outcome });
  }

  /**
   * A management API request was answered.
   *
   * @param operation the route's operationId, or its method and pattern (a fixed set either way).
   * @param statusCode the HTTP status sent.
   */
  managementRequest(operation: string, statusCode: number): void {
    this.management.inc({ operation, status_class: `${Math.floor(statusCode / 100)}xx` });
  }
}
