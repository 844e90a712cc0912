/** The dashboard served by the API's process: its pages, its files, and the API's 404s left alone. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { buildApp, type App } from "../../src/http/app.js";
import { DASHBOARD_PAGES, dashboardPlugin } from "../../src/http/dashboard-plugin.js";
import { Latchkey } from "../../src/service/latchkey.js";

const INDEX = "<!doctype html><title>latchkey</title><script type=module src=/assets/app-abc123.js></script>";

async function openApp(options: { built: boolean }): Promise<App> {
  const root = mkdtempSync(join(tmpdir(), "latchkey-web-"));
  if (options.built) {
    mkdirSync(join(root, "assets"));
    writeFileSync(join(root, "index.html"), INDEX);
    writeFileSync(join(root, "assets/app-abc123.js"), "console.log('app')");
  }
  const latchkey = await Latchkey.open({ databaseUrl: "sqlite::memory:" });
  const app = await buildApp(latchkey, { logger: false, plugins: [dashboardPlugin(root)] });
  onTestFinished(async () => {
    await app.close();
    await latchkey.close();
    rmSync(root, { recursive: true, force: true });
  });
  return app;
}

describe("the dashboard plugin", () => {
  it.each(DASHBOARD_PAGES)("answers GET %s with index.html, revalidated on every load", async (url) => {
    const res = await (await openApp({ built: true })).inject({ method: "GET", url });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(res.body).toBe(INDEX);
  });

  it("serves hashed assets as immutable", async () => {
    const res = await (await openApp({ built: true })).inject({ method: "GET", url: "/assets/app-abc123.js" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  });

  it("sends the strict Content-Security-Policy with the page", async () => {
    const csp = String((await (await openApp({ built: true })).inject({ method: "GET", url: "/tokens" })).headers["content-security-policy"]);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-eval");
  });

  it("answers a browser's visit to an unknown page with 404 and index.html, which shows a page, not JSON (new-user trial)", async () => {
    const app = await openApp({ built: true });
    const accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    for (const url of ["/not-a-page", "/tokens/extra", "/not-a-page?tab=1"]) {
      const res = await app.inject({ method: "GET", url, headers: { accept } });
      expect([res.statusCode, res.headers["content-type"], res.body], url).toEqual([404, expect.stringMatching(/^text\/html/), INDEX]);
    }
    for (const url of ["/v1/nope", "/assets/missing.js", "/docs/nope", "/openapi.json/x"]) {
      const res = await app.inject({ method: "GET", url, headers: { accept } });
      expect([res.statusCode, res.json().code], url).toEqual([404, "not_found"]);
    }
    // The API's own wildcard routes still win over the dashboard's catch-all.
    const envoy = await app.inject({ method: "GET", url: "/v1/forward-auth/envoy/api/x", headers: { accept } });
    expect([envoy.statusCode, envoy.json().code]).toEqual([403, "route_not_mapped"]);
  });

  it.each([
    ["GET", "/v1/nope"],
    ["POST", "/v1/nope"],
    ["GET", "/v1/token/extra/path"],
    ["GET", "/not-a-page"],
    ["GET", "/assets/missing.js"],
  ])("keeps the API's JSON 404 for %s %s", async (method, url) => {
    const res = await (await openApp({ built: true })).inject({ method: method as "GET", url });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: "not_found" });
  });

  it("leaves the API running when the dashboard was not built", async () => {
    const app = await openApp({ built: false });
    expect((await app.inject({ method: "GET", url: "/" })).statusCode).toBe(404);
    expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  });
});
