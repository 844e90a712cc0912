/**
 * The API test harness: a fresh latchkey over its own database (in-memory SQLite, or a PostgreSQL
 * schema in the `postgres` test project) and its HTTP app,
 * called in-process with `app.inject()`. Each test opens its own harness (`await openApiHarness()`)
 * and the harness closes itself when that test finishes, so no state is shared between tests.
 *
 * Every response the app sends is recorded; a test fails if any of them was a 500 (DESIGN.md:
 * "Never 500 for bad input").
 */
import { expect, onTestFinished } from "vitest";
import type { ManualClock } from "../../src/core/clock.js";
import type { RouteMap } from "../../src/core/route-map.js";
import { buildApp, type App } from "../../src/http/app.js";
import { Latchkey, type LatchkeyEventOptions } from "../../src/service/latchkey.js";
import type { FailureLimiter } from "../../src/service/failure-limiter.js";
import type { LatchkeyMetrics } from "../../src/service/metrics.js";
import { dropSchema, freshPostgresUrl } from "./postgres-database.js";
import { rememberSecret, testLogger } from "./trace-log.js";

/**
 * The store the API tests run on: a fresh in-memory SQLite database, or with LATCHKEY_TEST_STORE=postgres
 * (the `postgres` project of vitest.config.ts) a fresh PostgreSQL schema, dropped afterwards.
 */
export async function testDatabase(): Promise<{ url: string; cleanup: () => Promise<void> }> {
  if (process.env.LATCHKEY_TEST_STORE === "postgres") {
    const { url, schema } = freshPostgresUrl("api");
    return { url, cleanup: () => dropSchema(schema) };
  }
  return { url: "sqlite::memory:", cleanup: async () => undefined };
}

/** A token minted for a test: its id and its secret. */
export interface MintedToken {
  readonly id: string;
  readonly secret: string;
}

/** What to give a minted token. Without `scopes`, it gets Full access. */
export interface MintOptions {
  readonly name?: string;
  /** Custom access scope strings, e.g. `["tokens_full", "domains_read"]`. */
  readonly scopes?: readonly string[];
  /** Domain ids, or "all" (the default). */
  readonly domains?: "all" | readonly string[];
  /** RFC 3339 with offset, or YYYY-MM-DD. */
  readonly expiresAt?: string;
  /** Account name (default `default`). */
  readonly account?: string;
  /**
   * Who makes it: `root` (the default in the `default` account: the harness's root token, so that
   * the root token manages it, a token managing only its own subtree) or `operator` (a root of its own).
   */
  readonly by?: "root" | "operator";
}

/** What a test sends. `token` becomes `Authorization: Bearer <token>`; null sends no header. */
export interface CallOptions {
  readonly token?: string | null;
  /** A JSON value sent as the body. */
  readonly body?: unknown;
  /** A raw body string (sent as is, with the given headers). */
  readonly rawBody?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A response: status, parsed JSON body (undefined when empty or not JSON), raw text and headers. */
export interface ApiResponse {
  readonly status: number;
  // Tests read arbitrary JSON shapes; each asserts what it reads.
  readonly body: any;
  readonly text: string;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
}

export interface ApiHarness {
  readonly latchkey: Latchkey;
  readonly app: App;
  /** A Full access, all-domains token of the `default` account, made by the operator (a root). */
  readonly root: MintedToken;
  /** Makes a token through the service, under the root token (see {@link MintOptions.by}). */
  mint(options?: MintOptions): Promise<MintedToken>;
  /** Adds a domain through the service as the operator; returns its id. */
  addDomain(name: string, account?: string): Promise<string>;
  /** Sends a request in-process. Without `token`, the root token is used; `token: null` sends none. */
  call(method: string, url: string, options?: CallOptions): Promise<ApiResponse>;
  /** Every status the app has answered with so far. */
  readonly statuses: readonly number[];
}

/** Options of {@link openApiHarness}. */
export interface HarnessOptions {
  /** A manual clock to move time with (default: the system clock). */
  readonly clock?: ManualClock;
  /** The route map of /v1/forward-auth (default: none). */
  readonly routeMap?: RouteMap;
  /** LATCHKEY_PUBLIC_URL (default: none; list links are then paths). */
  readonly publicUrl?: string;
  /** Metrics: the service's observer and GET /metrics (behind `token` when given). Default: none. */
  readonly metrics?: { readonly metrics: LatchkeyMetrics; readonly token?: string };
  /** The failed-attempts limiter (default: the app's own, 30 a minute). */
  readonly failureLimiter?: FailureLimiter;
  /** Lifecycle events (e.g. `leakKeysFile` for POST /v1/leaks). Default: none. */
  readonly events?: LatchkeyEventOptions;
}

/**
 * Opens latchkey on a new in-memory database, builds its app and mints the root token. Closes both
 * when the calling test finishes, and fails that test if the app ever answered 500.
 */
export async function openApiHarness(options: HarnessOptions = {}): Promise<ApiHarness> {
  const database = await testDatabase();
  const latchkey = await Latchkey.open({ databaseUrl: database.url, ...(options.clock ? { clock: options.clock } : {}), ...(options.metrics ? { observer: options.metrics.metrics } : {}), ...(options.events ? { events: options.events } : {}) }).catch(async (error: unknown) => {
    await database.cleanup();
    throw error;
  });
  const statuses: number[] = [];
  let app: App;
  try {
    app = await buildApp(latchkey, {
      logger: testLogger(),
      ...(options.routeMap === undefined ? {} : { routeMap: options.routeMap }),
      ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
      ...(options.metrics === undefined ? {} : { metrics: options.metrics.metrics, metricsToken: options.metrics.token ?? null }),
      ...(options.failureLimiter === undefined ? {} : { failureLimiter: options.failureLimiter }),
      plugins: [
        async (instance) => {
          instance.addHook("onResponse", async (_request, reply) => {
            statuses.push(reply.statusCode);
          });
        },
      ],
    });
  } catch (error) {
    await latchkey.close();
    await database.cleanup();
    throw error;
  }
  onTestFinished(async () => {
    await app.close();
    await latchkey.close();
    await database.cleanup();
    expect(statuses.filter((status) => status >= 500 && status !== 503), "responses with status 500").toEqual([]);
  });

  const mint = async (mintOptions: MintOptions = {}): Promise<MintedToken> => {
    const parent = (mintOptions.account ?? "default") === "default" && (mintOptions.by ?? "root") === "root" ? rootToken : undefined;
    const principal = parent !== undefined ? await latchkey.authenticate(parent.secret) : await latchkey.operator(mintOptions.account ?? "default");
    const { token, secret } = await latchkey.tokens.create(
      { principal, ip: null },
      {
        name: mintOptions.name ?? "test token",
        ...(mintOptions.scopes === undefined ? { hasFull: true } : { scopes: mintOptions.scopes }),
        ...(mintOptions.domains === undefined ? {} : { domains: mintOptions.domains }),
        ...(mintOptions.expiresAt === undefined ? {} : { expiresAt: mintOptions.expiresAt }),
      },
    );
    rememberSecret(secret);
    return { id: token.id, secret };
  };

  let rootToken: MintedToken | undefined;
  const root = await mint({ name: "root" });
  rootToken = root;

  const addDomain = async (name: string, account = "default"): Promise<string> => {
    const principal = await latchkey.operator(account);
    return (await latchkey.domains.add({ principal, ip: null }, name)).id;
  };

  const call = async (method: string, url: string, callOptions: CallOptions = {}): Promise<ApiResponse> => {
    const token = callOptions.token === undefined ? root.secret : callOptions.token;
    const headers: Record<string, string> = { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...callOptions.headers };
    let payload: string | undefined;
    if (callOptions.rawBody !== undefined) payload = callOptions.rawBody;
    else if (callOptions.body !== undefined) {
      payload = JSON.stringify(callOptions.body);
      headers["content-type"] ??= "application/json";
    }
    const response = await app.inject({ method: method as "GET", url, headers, ...(payload === undefined ? {} : { payload }) });
    let body: unknown;
    try {
      body = response.body === "" ? undefined : JSON.parse(response.body);
    } catch {
      body = undefined;
    }
    return { status: response.statusCode, body, text: response.body, headers: response.headers };
  };

  return { latchkey, app, root, mint, addDomain, call, statuses };
}

/** The keys of DESIGN.md's "Token object", sorted. */
export const TOKEN_OBJECT_KEYS = ["allowed_ips", "created_at", "domain", "domains", "expires_at", "has_full", "id", "last_used_at", "name", "not_before", "preview", "previous_secret", "scopes", "status", "updated_at"];

/**
 * Asserts that a response text holds neither a secret nor its 32 random characters (which would
 * give the secret away even with the prefix or checksum cut off).
 */
export function expectNoSecret(text: string, secret: string): void {
  expect(text).not.toContain(secret);
  expect(text).not.toContain(secret.slice(-38, -6));
}
