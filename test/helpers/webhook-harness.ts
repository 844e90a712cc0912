/**
 * A latchkey with lifecycle events switched on, for the webhook tests: its own database (in-memory
 * SQLite, or a fresh PostgreSQL schema under LATCHKEY_TEST_STORE=postgres or `postgres: true`), the
 * HTTP app, a root token, private destinations allowed (the receivers listen on 127.0.0.1) and, unless
 * told otherwise, a delivery worker with short intervals. Closed when the calling test finishes.
 */
import { onTestFinished } from "vitest";
import type { Clock } from "../../src/core/clock.js";
import { buildApp, type App } from "../../src/http/app.js";
import { Latchkey, type LatchkeyEventOptions } from "../../src/service/latchkey.js";
import type { WebhookWorkerOptions } from "../../src/service/webhook-worker.js";
import { testDatabase } from "./api-harness.js";
import { dropSchema, freshPostgresUrl } from "./postgres-database.js";
import { rememberSecret, testLogger } from "./trace-log.js";

/** Short intervals for tests: poll every 20 ms, retry after 30..60 ms, 60..120 ms, ... */
export const TEST_WORKER: WebhookWorkerOptions = { pollMillis: 20, backoff: { baseMillis: 60, maxMillis: 400 }, timeoutMs: 2000, leaseMillis: 5000 };

export interface WebhookHarnessOptions {
  readonly clock?: Clock;
  readonly events?: LatchkeyEventOptions;
  /** Worker options, or false for no worker. */
  readonly worker?: WebhookWorkerOptions | false;
  /** A database URL to share with another harness (two instances). */
  readonly databaseUrl?: string;
  /** A fresh PostgreSQL schema whatever the project. */
  readonly postgres?: boolean;
}

export interface WebhookHarness {
  readonly latchkey: Latchkey;
  readonly app: App;
  readonly databaseUrl: string;
  /** A Full access token of the default account. */
  readonly rootSecret: string;
  /** Calls the app in-process with the root token (or `token`). */
  call(method: string, url: string, body?: unknown, token?: string | null): Promise<{ status: number; body: any; text: string }>;
}

export async function openWebhookHarness(options: WebhookHarnessOptions = {}): Promise<WebhookHarness> {
  let databaseUrl = options.databaseUrl;
  let cleanup = async (): Promise<void> => undefined;
  if (databaseUrl === undefined) {
    if (options.postgres) {
      const { url, schema } = freshPostgresUrl("whk");
      databaseUrl = url;
      cleanup = () => dropSchema(schema);
    } else {
      const database = await testDatabase();
      databaseUrl = database.url;
      cleanup = database.cleanup;
    }
  }
  const latchkey = await Latchkey.open({
    databaseUrl,
    ...(options.clock ? { clock: options.clock } : {}),
    events: { allowPrivate: true, ...options.events },
    onBackgroundError: (error) => console.warn("background error", error),
  });
  const app = await buildApp(latchkey, { logger: testLogger() });
  if (options.worker !== false) latchkey.startWebhookWorker({ ...TEST_WORKER, ...options.worker });
  onTestFinished(async () => {
    await app.close();
    await latchkey.close();
    await cleanup();
  });
  const { secret } = await latchkey.tokens.create({ principal: await latchkey.operator("default"), ip: null }, { name: "root", hasFull: true });
  rememberSecret(secret);
  const call = async (method: string, url: string, body?: unknown, token: string | null = secret) => {
    const response = await app.inject({
      method: method as "GET",
      url,
      headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    let parsed: unknown;
    try {
      parsed = response.body === "" ? undefined : JSON.parse(response.body);
    } catch {
      parsed = undefined;
    }
    return { status: response.statusCode, body: parsed as any, text: response.body };
  };
  return { latchkey, app, databaseUrl, rootSecret: secret, call };
}
