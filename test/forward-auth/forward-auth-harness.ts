/**
 * In-process harness of the forward-auth tests: a latchkey on its own in-memory SQLite, its app built
 * with a route map (the protected API's by default), called with `app.inject()`. Closes itself when
 * the calling test finishes.
 */
import { onTestFinished } from "vitest";
import type { RouteMap } from "../../src/core/route-map.js";
import { buildApp, type App } from "../../src/http/app.js";
import { openTestLatchkey, PROTECTED_ROUTE_MAP, type TestLatchkey } from "../helpers/protected-api.js";

/** A forward-auth answer: status, JSON body and headers. */
export interface CheckResponse {
  readonly status: number;
  // Each test asserts the fields it reads.
  readonly body: any;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
}

export interface ForwardAuthHarness extends TestLatchkey {
  readonly app: App;
  /** Sends a request to latchkey itself: method, URL (default /v1/forward-auth), headers. */
  send(method: string, url: string, headers: Readonly<Record<string, string>>, payload?: string): Promise<CheckResponse>;
  /** An nginx-style check: X-Original-Method/URI, the token as Authorization, extra headers. */
  nginx(method: string, uri: string, secret: string | null, headers?: Readonly<Record<string, string>>): Promise<CheckResponse>;
}

/** Opens the harness; `routeMap` replaces the protected API's map (`null`: no map at all). */
export async function openForwardAuth(routeMap: RouteMap | null = PROTECTED_ROUTE_MAP): Promise<ForwardAuthHarness> {
  const test = await openTestLatchkey();
  const app = await buildApp(test.latchkey, { logger: false, ...(routeMap === null ? {} : { routeMap }) });
  onTestFinished(async () => {
    await app.close();
    await test.latchkey.close();
  });
  const send: ForwardAuthHarness["send"] = async (method, url, headers, payload) => {
    const response = await app.inject({ method: method as "GET", url, headers: { ...headers }, ...(payload === undefined ? {} : { payload }) });
    return { status: response.statusCode, body: response.body === "" ? undefined : JSON.parse(response.body), headers: response.headers };
  };
  return {
    ...test,
    app,
    send,
    nginx: (method, uri, secret, headers = {}) =>
      send("GET", "/v1/forward-auth", { "x-original-method": method, "x-original-uri": uri, ...(secret === null ? {} : { authorization: `Bearer ${secret}` }), ...headers }),
  };
}
