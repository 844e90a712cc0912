/**
 * The harness of the tests of what latchkey mails (invitations, reset links; issue 16): a fresh
 * latchkey on its own database (in-memory SQLite, or a PostgreSQL schema in the `postgres` project, as
 * test/helpers/api-harness.ts) with a real mailer to the given SMTP server, its app built as `latchkey
 * serve` builds it (session cookies, optional LATCHKEY_PUBLIC_URL), called in-process. Closes itself
 * when the calling test finishes, after every background reset is done, and fails it on any 5xx but 503.
 */
import { expect, onTestFinished } from "vitest";
import type { ManualClock } from "../../src/core/clock.js";
import { buildApp, type App } from "../../src/http/app.js";
import { SESSION_COOKIE, sessionResolver } from "../../src/http/session-cookie.js";
import { Latchkey } from "../../src/service/latchkey.js";
import { createMailer } from "../../src/service/mailer.js";
import { testDatabase } from "./api-harness.js";
import { cookieValue } from "./session-harness.js";
import { rememberSecret, testLogger } from "./trace-log.js";

/** A response: status, parsed JSON body (undefined when empty), the raw text. */
export interface MailHarnessResponse {
  readonly status: number;
  // Tests read arbitrary JSON shapes; each asserts what it reads.
  readonly body: any;
  readonly text: string;
  /** The session cookie's secret, when the response set one. */
  readonly cookie?: string;
}

export interface MailHarness {
  readonly latchkey: Latchkey;
  readonly app: App;
  /** A Full access token's secret of the `default` account (made by the operator). */
  readonly rootSecret: string;
  /** Sends a request in-process with the root token, unless `token: null`; `headers` win. */
  call(method: string, url: string, options?: { body?: unknown; headers?: Record<string, string>; token?: string | null; session?: { cookie: string; csrf: string } }): Promise<MailHarnessResponse>;
  /** Creates a user in the default account through the service. */
  createUser(email: string, password: string): Promise<void>;
  /** Signs in with a password (no second factor); the session cookie's secret and the CSRF token. */
  signIn(email: string, password: string): Promise<{ cookie: string; csrf: string }>;
}

/** Options of {@link openMailHarness}. */
export interface MailHarnessOptions {
  /** smtp://host:port of the test's SMTP server, or null for no mailer. */
  readonly smtpUrl: string | null;
  /** LATCHKEY_PUBLIC_URL, or absent for none. */
  readonly publicUrl?: string;
  readonly clock?: ManualClock;
  /** LATCHKEY_SECRET_KEY; absent: latchkey's default (in-memory SQLite: one for the process; PostgreSQL: none). */
  readonly secretKey?: Uint8Array | null;
  /** The database URL (default: a fresh one of the test project's store); the test removes it. */
  readonly databaseUrl?: string;
}

export async function openMailHarness(options: MailHarnessOptions): Promise<MailHarness> {
  const database = options.databaseUrl === undefined ? await testDatabase() : { url: options.databaseUrl, cleanup: async () => undefined };
  const mailer = createMailer({ smtpUrl: options.smtpUrl, from: "latchkey <noreply@example.com>" });
  const latchkey = await Latchkey.open({
    databaseUrl: database.url,
    events: { mailer },
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.secretKey === undefined ? {} : { secretKey: options.secretKey }),
  });
  const statuses: number[] = [];
  const app = await buildApp(latchkey, {
    logger: testLogger(),
    principalResolvers: [sessionResolver(latchkey.users)],
    ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
    plugins: [
      async (instance) => {
        instance.addHook("onResponse", async (_request, reply) => {
          statuses.push(reply.statusCode);
        });
      },
    ],
  });
  onTestFinished(async () => {
    await latchkey.recovery.whenIdle();
    await app.close();
    await latchkey.close();
    await database.cleanup();
    expect(statuses.filter((status) => status >= 500 && status !== 503), "responses with status 500").toEqual([]);
  });
  const accountId = (await latchkey.accounts.find("default")).id;
  const { secret: rootSecret } = await latchkey.tokens.create({ principal: await latchkey.operator("default"), ip: null }, { name: "root", hasFull: true });
  rememberSecret(rootSecret);

  const call: MailHarness["call"] = async (method, url, o = {}) => {
    const token = o.session !== undefined ? null : o.token === undefined ? rootSecret : o.token;
    const headers: Record<string, string> = {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(o.session === undefined ? {} : { cookie: `${SESSION_COOKIE}=${o.session.cookie}`, "x-csrf-token": o.session.csrf }),
      ...(o.body === undefined ? {} : { "content-type": "application/json" }),
      ...o.headers,
    };
    const response = await app.inject({ method: method as "GET", url, headers, ...(o.body === undefined ? {} : { payload: JSON.stringify(o.body) }) });
    const raw = response.headers["set-cookie"];
    const cookie = cookieValue((Array.isArray(raw) ? raw : raw === undefined ? [] : [String(raw)]).find((c) => c.startsWith(`${SESSION_COOKIE}=`)));
    return { status: response.statusCode, body: response.body === "" ? undefined : JSON.parse(response.body), text: response.body, ...(cookie === undefined ? {} : { cookie }) };
  };
  const createUser = async (email: string, password: string): Promise<void> => {
    await latchkey.users.create({ accountId, email, password });
  };
  const signIn = async (email: string, password: string): Promise<{ cookie: string; csrf: string }> => {
    const response = await call("POST", "/v1/session", { token: null, body: { email, password } });
    if (response.status !== 200 || response.cookie === undefined) throw new Error(`sign-in failed: ${response.status} ${response.text}`);
    return { cookie: response.cookie, csrf: response.body.data.csrf_token as string };
  };
  return { latchkey, app, rootSecret, call, createUser, signIn };
}
