/**
 * The harness of the dashboard's session tests: a fresh latchkey on its own database (in-memory SQLite,
 * or a fresh PostgreSQL schema in the `postgres` test project, as test/helpers/api-harness.ts), its app
 * built with the session-cookie resolver (as `latchkey serve` builds it), called in-process. Each test
 * opens its own; it closes itself when that test finishes and fails the test on any 500.
 */
import { expect, onTestFinished } from "vitest";
import type { ManualClock } from "../../src/core/clock.js";
import { buildApp, type App } from "../../src/http/app.js";
import { SESSION_COOKIE, sessionResolver } from "../../src/http/session-cookie.js";
import { Latchkey } from "../../src/service/latchkey.js";
import { testDatabase } from "./api-harness.js";
import { testLogger } from "./trace-log.js";

/** A response: status, parsed JSON body (undefined when empty), headers. */
export interface SessionResponse {
  readonly status: number;
  // Tests read arbitrary JSON shapes; each asserts what it reads.
  readonly body: any;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  /** The Set-Cookie header for the session cookie, if the response set one. */
  readonly setCookie: string | undefined;
}

/** What a request carries: the session cookie's secret, a CSRF header, a bearer token, a JSON body. */
export interface SessionCallOptions {
  readonly cookie?: string;
  readonly csrf?: string;
  readonly bearer?: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface SessionHarness {
  readonly latchkey: Latchkey;
  readonly app: App;
  /** The default account's id. */
  readonly accountId: string;
  call(method: string, url: string, options?: SessionCallOptions): Promise<SessionResponse>;
  /** Creates a user in the default account through the service. */
  createUser(email: string, password: string): Promise<void>;
  /** Signs in through the API; returns the cookie's secret, the CSRF token and the response. */
  signIn(email: string, password: string): Promise<{ cookie: string; csrf: string; response: SessionResponse }>;
}

/** The secret a Set-Cookie header sets for the session cookie, or undefined. */
export function cookieValue(setCookie: string | undefined): string | undefined {
  const match = setCookie === undefined ? null : new RegExp(`^${SESSION_COOKIE}=([^;]*)`).exec(setCookie);
  return match?.[1];
}

/** The secret key of the harness's latchkey (LATCHKEY_SECRET_KEY): PostgreSQL has no default one. */
export const TEST_SECRET_KEY = new Uint8Array(32).fill(7);

export async function openSessionHarness(options: { clock?: ManualClock; trustProxy?: boolean } = {}): Promise<SessionHarness> {
  const database = await testDatabase();
  const latchkey = await Latchkey.open({ databaseUrl: database.url, secretKey: TEST_SECRET_KEY, ...(options.clock ? { clock: options.clock } : {}) });
  const statuses: number[] = [];
  const app = await buildApp(latchkey, {
    logger: testLogger(),
    trustProxy: options.trustProxy ?? false,
    principalResolvers: [sessionResolver(latchkey.users)],
    plugins: [
      async (instance) => {
        instance.addHook("onResponse", async (_request, reply) => {
          statuses.push(reply.statusCode);
        });
      },
    ],
  });
  onTestFinished(async () => {
    await app.close();
    await latchkey.close();
    await database.cleanup();
    expect(statuses.filter((status) => status >= 500), "responses with status 500").toEqual([]);
  });
  const accountId = (await latchkey.accounts.find("default")).id;

  const call = async (method: string, url: string, o: SessionCallOptions = {}): Promise<SessionResponse> => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.cookie !== undefined) headers.cookie = `${SESSION_COOKIE}=${o.cookie}`;
    if (o.csrf !== undefined) headers["x-csrf-token"] = o.csrf;
    if (o.bearer !== undefined) headers.authorization = `Bearer ${o.bearer}`;
    if (o.body !== undefined) headers["content-type"] = "application/json";
    const response = await app.inject({ method: method as "GET", url, headers, ...(o.body === undefined ? {} : { payload: JSON.stringify(o.body) }) });
    const raw = response.headers["set-cookie"];
    const setCookie = (Array.isArray(raw) ? raw : raw === undefined ? [] : [String(raw)]).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    return { status: response.statusCode, body: response.body === "" ? undefined : JSON.parse(response.body), headers: response.headers, setCookie };
  };

  const createUser = async (email: string, password: string): Promise<void> => {
    await latchkey.users.create({ accountId, email, password });
  };

  const signIn = async (email: string, password: string) => {
    const response = await call("POST", "/v1/session", { body: { email, password } });
    const cookie = cookieValue(response.setCookie);
    if (response.status !== 200 || cookie === undefined) throw new Error(`sign-in failed: ${response.status} ${JSON.stringify(response.body)}`);
    return { cookie, csrf: response.body.data.csrf_token as string, response };
  };

  return { latchkey, app, accountId, call, createUser, signIn };
}
