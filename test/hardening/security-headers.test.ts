/** Security headers on the API, the docs and the dashboard (issue #4): a strict CSP among them. */
import { afterEach, describe, expect, it } from "vitest";
import { buildApp, type App } from "../../src/http/app.js";
import { Latchkey } from "../../src/service/latchkey.js";
import { testLogger } from "../helpers/trace-log.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
});

async function openApp(): Promise<App> {
  const latchkey = await Latchkey.open({ databaseUrl: "sqlite::memory:" });
  const app = await buildApp(latchkey, { logger: testLogger() });
  close = async () => {
    await app.close();
    await latchkey.close();
  };
  return app;
}

describe.each(["/healthz", "/v1/token", "/v1/nope", "/docs", "/openapi.json"])("GET %s", (url) => {
  it("sends a Content-Security-Policy that allows scripts only from this origin, and no framing", async () => {
    const csp = String((await (await openApp()).inject({ method: "GET", url })).headers["content-security-policy"]);
    const directives = new Map(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values] as const));
    expect(directives.get("script-src")).toEqual(["'self'"]);
    expect(directives.get("object-src")).toEqual(["'none'"]);
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    expect(directives.get("base-uri")).toEqual(["'none'"]);
    expect(csp).not.toContain("unsafe-eval");
  });

  it("forbids MIME sniffing and referrers", async () => {
    const { headers } = await (await openApp()).inject({ method: "GET", url });
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("no-referrer");
  });
});

it("marks API answers as not to be cached", async () => {
  const app = await openApp();
  expect((await app.inject({ method: "GET", url: "/v1/token" })).headers["cache-control"]).toBe("no-store");
  expect((await app.inject({ method: "POST", url: "/v1/verify", payload: { token: "x", method: "GET", area: "sms" } })).headers["cache-control"]).toBe("no-store");
});
