/**
 * Serves the dashboard (the single-page app built from web/ into dist/web by `npm run build`) from
 * the API's own process: the files under /, and index.html for each of the app's pages so that a
 * reload or a bookmark of /tokens works; a browser's visit to an unknown page gets index.html with a
 * 404 (the app shows "Page not found"). Everything else keeps the API's JSON 404, /v1/* included.
 *
 * The page is built to run under the strict Content-Security-Policy that src/http/security-headers.ts
 * puts on every response (scripts from this origin only, no inline script, no eval; inline styles
 * allowed for Mantine), with no Referer sent; the browser tests fail on any CSP violation.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { App } from "./app-instance.js";

/** Paths the single-page app owns; each answers with index.html. */
export const DASHBOARD_PAGES = ["/", "/integrations", "/tokens", "/domains", "/activity", "/usage", "/webhooks", "/settings", "/setup", "/sign-in", "/users", "/invite", "/security", "/forgot-password", "/reset-password"] as const;

/** Where `npm run build` puts the dashboard: dist/web, beside dist/http where this file is compiled. */
export const DEFAULT_DASHBOARD_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../web");

/**
 * Builds the plugin for AppOptions.plugins.
 *
 * @param root folder holding index.html and assets/ (default: dist/web).
 * @returns the plugin; when `root` has no index.html it registers nothing and warns in the log, so
 *   the API still runs from a build made without the dashboard.
 */
export function dashboardPlugin(root: string = DEFAULT_DASHBOARD_ROOT): (app: App) => Promise<void> {
  return async (app) => {
    if (!existsSync(join(root, "index.html"))) {
      app.log.warn({ root }, "dashboard not built (run npm run build); serving the API only");
      return;
    }
    await app.register(async (scope) => {
      await scope.register(fastifyStatic, {
        root,
        index: false,
        // One route per built file, so that the catch-all below decides what an unknown path gets.
        wildcard: false,
        cacheControl: false,
        // Hashed file names under assets/ never change; anything else is checked on every load.
        setHeaders: (reply, path) => {
          reply.header("cache-control", path.includes(`${join(root, "assets")}`) ? "public, max-age=31536000, immutable" : "no-cache");
        },
      });
      for (const page of DASHBOARD_PAGES) {
        scope.get(page, { schema: { hide: true } }, (_request, reply) => reply.header("cache-control", "no-cache").sendFile("index.html"));
      }
      // A browser's visit to any other page gets the app with a 404, and the app says "Page not found"
      // (a new user saw raw JSON); API paths, files and non-browser clients keep the JSON 404.
      scope.get("/*", { schema: { hide: true } }, (request, reply) => {
        const path = request.url.split("?")[0] ?? "";
        const api = /^\/(v1|docs|assets|openapi\.json|healthz|readyz|metrics)(\/|$)/.test(path) || /\.[a-z0-9]+$/i.test(path);
        if (api || !String(request.headers.accept ?? "").includes("text/html")) return reply.callNotFound();
        return reply.code(404).header("cache-control", "no-cache").sendFile("index.html");
      });
    });
  };
}
