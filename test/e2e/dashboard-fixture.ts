/**
 * What the dashboard's browser tests share: a real `latchkey serve` (the built dist/, on a temporary
 * SQLite file and a free port), Debian's Chromium driven through playwright-core, sign-in, an axe
 * scan and screenshots. Each test opens its own browser context (its own cookies), so tests do not
 * share a session; the server and its database are shared, and every test makes its own tokens.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Locator, type Page, type Route } from "playwright-core";
import { expect } from "vitest";
import { waitForExit } from "../helpers/child-process.js";
import { pipeToTraceLog, rememberSecret, traceEnv } from "../helpers/trace-log.js";

export const CHROMIUM = "/usr/bin/chromium";
export const OWNER = { email: "owner@example.com", password: "a long and careful passphrase" };
const ROOT = resolve(import.meta.dirname, "../..");
export const SCREENSHOTS = join(ROOT, "artifacts/screenshots");

/** A running latchkey server. */
export interface Server {
  readonly baseUrl: string;
  /** The set-up link it printed (null when it printed none). */
  readonly setupLink: string | null;
  /** Its database (`sqlite:...`), for a test that must store what the API refuses. */
  readonly databaseUrl: string;
  stop(): Promise<void>;
}

/** Starts `node bin/latchkey.js serve` on port 0 and waits for its address and set-up link. */
export async function startServer(): Promise<Server> {
  if (!existsSync(join(ROOT, "dist/web/index.html"))) throw new Error("dist/web is missing: run npm run build (npm test does it first)");
  const dir = mkdtempSync(join(tmpdir(), "latchkey-e2e-"));
  const databaseUrl = `sqlite:${join(dir, "latchkey.db")}`;
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, "bin/latchkey.js"), "serve"], {
    // Logs go to the suite's trace log (when collected), where the global teardown looks for secrets.
    env: { ...process.env, LATCHKEY_HOST: "127.0.0.1", LATCHKEY_PORT: "0", LATCHKEY_DATABASE_URL: databaseUrl, LATCHKEY_LOG_LEVEL: "warn", ...traceEnv() },
    stdio: ["ignore", "pipe", "pipe"],
  });
  pipeToTraceLog(child);
  const lines = createInterface({ input: child.stdout! });
  let baseUrl: string | null = null;
  let setupLink: string | null = null;
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error("latchkey serve did not start within 20 s")), 20_000);
    child.once("exit", (code) => fail(new Error(`latchkey serve exited with ${code}`)));
    lines.on("line", (line) => {
      // JSON lines (src/cli/serve-log.ts).
      const listening = /listening on (http:\/\/[^\s"]+)/.exec(line);
      if (listening) baseUrl = listening[1] ?? null;
      // The set-up link is never printed when stdout is not a terminal: `latchkey setup-link` gives it.
      if (baseUrl !== null) {
        clearTimeout(timer);
        done();
      }
    });
  });
  setupLink = execFileSync(process.execPath, [join(ROOT, "bin/latchkey.js"), "setup-link"], { env: { ...process.env, LATCHKEY_DATABASE_URL: databaseUrl, LATCHKEY_PUBLIC_URL: baseUrl! } }).toString().trim();
  return {
    baseUrl: baseUrl!,
    setupLink,
    databaseUrl,
    stop: async () => {
      child.kill("SIGTERM");
      await waitForExit(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Launches headless Chromium (Debian's package). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    // A fresh machine: install Debian's Chromium, as .ci/run does (the tests run as root here).
    execFileSync("apt-get", ["update", "-qq"], { stdio: "ignore" });
    execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/** A new context (own cookies) and page at a width, collecting console output, errors and CSP violations. */
export async function openPage(browser: Browser, server: Server, width = 1280): Promise<{ context: BrowserContext; page: Page; problems: string[]; consoleText: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: width < 600 ? 780 : 860 }, baseURL: server.baseUrl, colorScheme: "light", locale: "en-US", timezoneId: "UTC" });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.baseUrl });
  const page = await context.newPage();
  const problems: string[] = [];
  const consoleText: string[] = [];
  // Every console error counts, failed requests included (the browser logs each one, a 401 too).
  page.on("console", (message) => {
    consoleText.push(message.text());
    if (message.type() === "error") problems.push(`${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return { context, page, problems, consoleText };
}

/** Makes sure the owner exists: through the API with the printed code, when no test has done it in the page. */
export async function ensureOwner(server: Server): Promise<void> {
  const open = (await (await fetch(`${server.baseUrl}/v1/setup`)).json()) as { data: { open: boolean } };
  if (!open.data.open) return;
  const code = new URL(server.setupLink!).hash.replace("#code=", "");
  const response = await fetch(`${server.baseUrl}/v1/setup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code, ...OWNER }) });
  expect(response.status).toBe(200);
}

/** Signs in on the sign-in page and waits for the Integrations page. */
export async function signIn(page: Page): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail address").fill(OWNER.email);
  await page.getByLabel(/^Password/).fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect.poll(() => page.getByRole("heading", { name: "Integrations" }).isVisible(), { timeout: 10_000 }).toBe(true);
}

/** Runs axe on the page as it is and fails on any serious or critical finding. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  const grave = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")} (${v.nodes[0]?.failureSummary?.replace(/\s+/g, " ") ?? ""})`);
  expect(grave, `axe findings on ${what}`).toEqual([]);
}

/**
 * Waits until the page shows its data: no loading placeholder (`aria-busy="true"`) is left, and every
 * finite animation or transition (Mantine's dialogs and menus) has finished. Skeletons and loaders
 * pulse forever, so infinite animations are not waited for.
 */
export async function settle(page: Page): Promise<void> {
  await expect.poll(() => page.locator('[aria-busy="true"]').count(), { timeout: 10_000 }).toBe(0);
  await page.evaluate(async () => {
    const finite = document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity);
    await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
  });
}

/** Saves a full-page screenshot as artifacts/screenshots/NAME-WIDTH.png, once the page has settled. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await settle(page);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true, animations: "disabled" });
}

/** Waits until `locator` has the keyboard focus (e.g. a dialog's first field, before typing into it). */
export async function expectFocused(locator: Locator): Promise<void> {
  await expect.poll(() => locator.evaluate((el) => el === document.activeElement), { timeout: 10_000 }).toBe(true);
}

/** Fails unless the middle of `locator` is its own (nothing, such as a notification, lies over it). */
export async function expectUncovered(locator: Locator, what: string): Promise<void> {
  await locator.scrollIntoViewIfNeeded();
  const onTop = await locator.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return hit !== null && (el === hit || el.contains(hit));
  });
  expect(onTop, `${what} is covered`).toBe(true);
}

/**
 * Holds every request matching `url` until `release()` is called, so a test can look at the page
 * while it waits (a loading state), whatever the machine's speed.
 */
export async function holdRequests(page: Page, url: string | RegExp): Promise<{ release: () => void }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(url, async (route: Route) => {
    await released;
    await route.continue();
  });
  return { release };
}

/** The /v1 API with the signed-in page's session (its cookie and CSRF token), to make test data. */
export async function sessionApi(page: Page): Promise<{
  createToken: (body: Record<string, unknown>) => Promise<{ id: string; name: string; secret: string }>;
  deleteToken: (id: string) => Promise<void>;
  createDomain: (name: string) => Promise<string>;
}> {
  const session = (await (await page.request.get("/v1/session")).json()) as { data: { csrf_token: string } };
  const headers = { "x-csrf-token": session.data.csrf_token };
  return {
    createToken: async (body) => {
      const res = await page.request.post("/v1/token", { headers, data: body });
      expect(res.status()).toBe(201);
      const { data } = (await res.json()) as { data: { id: string; name: string; accessToken: string } };
      rememberSecret(data.accessToken);
      return { id: data.id, name: data.name, secret: data.accessToken };
    },
    deleteToken: async (id) => {
      expect((await page.request.delete(`/v1/token/${id}`, { headers })).status()).toBe(204);
    },
    createDomain: async (name) => {
      const res = await page.request.post("/v1/domains", { headers, data: { name } });
      expect(res.status()).toBe(201);
      return ((await res.json()) as { data: { id: string } }).data.id;
    },
  };
}

/** POST /v1/verify as a protected API would call it. */
export async function verify(server: Server, body: { token: string; method: string; area: string; domain?: string }): Promise<{ allowed: boolean; code: string }> {
  const response = await fetch(`${server.baseUrl}/v1/verify`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return (await response.json()) as { allowed: boolean; code: string };
}
