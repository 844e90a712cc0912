/**
 * Installable (issue 17): what an operator does from docs/operations.md. `npm pack` on a copy of the
 * repository's files (its own folder, so the `prepack` build cannot disturb the dist/ other tests
 * run) makes the tarball; `npm install ./latchkey-X.tgz` in an empty folder, offline from the local
 * npm cache (or cache first where it lacks a package's metadata), installs it with no build tools of ours (the dashboard is prebuilt in the package);
 * `npx latchkey serve` there serves the API and the dashboard: a token made with the installed CLI
 * verifies over HTTP, `/` is the dashboard's HTML and one of its assets loads.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { rememberSecret } from "../helpers/trace-log.js";
import { exitOf, ROOT, startServe, type ServeProcess } from "./serve-process.js";

const started: ServeProcess[] = [];
let installed = "";
afterAll(() => {
  for (const s of started) if (s.child.exitCode === null) s.child.kill("SIGKILL");
  // The server under npx is npx's child: stop it by the pid of its lock, if it still runs.
  const lockFile = join(installed, "data/latchkey.db.lock");
  if (installed !== "" && existsSync(lockFile)) {
    try {
      process.kill((JSON.parse(readFileSync(lockFile, "utf8")) as { pid: number }).pid, "SIGKILL");
    } catch {
      // gone already
    }
  }
});

const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

/** Runs a program to its end; resolves with its output, rejects with it on a non-zero exit. */
function run(program: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  const child = spawn(program, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  return exitOf(child).then(({ code }) => {
    if (code !== 0) throw new Error(`${program} ${args.join(" ")} exited ${code}:\n${out}\n${err}`);
    return out;
  });
}

it("packs, installs offline into an empty folder, and serves the API and the dashboard with npx latchkey", async () => {
  const work = mkdtempSync(join(tmpdir(), "lk-pack-"));
  // A checkout's files (tracked and new, not ignored), with the installed node_modules linked in.
  const source = join(work, "source");
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter((f) => f !== "");
  for (const file of files) {
    mkdirSync(dirname(join(source, file)), { recursive: true });
    try {
      cpSync(join(ROOT, file), join(source, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error; // deleted, not yet committed
    }
  }
  symlinkSync(join(ROOT, "node_modules"), join(source, "node_modules"));

  const packed = JSON.parse(await run("npm", ["pack", "--json", "--pack-destination", work], source)) as { filename: string; files: { path: string }[] }[];
  const [tarball] = packed;
  expect(tarball?.filename).toBe(`latchkey-${version}.tgz`);
  const paths = (tarball?.files ?? []).map((f) => f.path);
  expect(paths).toEqual(expect.arrayContaining(["package.json", "bin/latchkey.js", "dist/cli/main.js", "dist/index.js", "dist/web/index.html", "examples/systemd/latchkey.service", "examples/grafana/latchkey-dashboard.json", "examples/prometheus/latchkey-alerts.yml", "docs/operations.md"]));
  expect(paths.filter((p) => /^(src|test|web|node_modules)\//.test(p) || p.endsWith(".test.js"))).toEqual([]);

  const install = join(work, "install");
  mkdirSync(install);
  installed = install;
  // Offline from the local cache; where the cache lacks a package's metadata (npm ci fetches
  // tarballs, not metadata), cache first and the registry for the rest.
  const installArgs = ["install", "--no-audit", "--no-fund", "--loglevel", "error", join(work, tarball?.filename ?? "")];
  await run("npm", ["--offline", ...installArgs], install).catch((error: Error) => {
    if (!error.message.includes("ENOTCACHED")) throw error;
    return run("npm", ["--prefer-offline", ...installArgs], install);
  });
  const manifest = JSON.parse(readFileSync(join(install, "node_modules/latchkey/package.json"), "utf8")) as { version: string };
  expect(manifest.version).toBe(version);

  expect((await run("npx", ["--no-install", "latchkey", "--version"], install)).trim()).toBe(version);

  const server = await startServe({ LATCHKEY_LOG_LEVEL: "warn" }, { command: ["npx", "--no-install", "latchkey"], cwd: install });
  started.push(server);
  expect(server.output()).toContain('"database":"sqlite:./data/latchkey.db"');
  const secret = (await run("npx", ["--no-install", "latchkey", "token", "create", "--name", "from the package", "--full", "--secret-only"], install)).trim();
  rememberSecret(secret);
  const verified = await fetch(`${server.base}/v1/verify`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: secret, method: "POST", area: "email" }) });
  expect(await verified.json()).toMatchObject({ allowed: true, code: "ok" });
  const listed = await fetch(`${server.base}/v1/token`, { headers: { authorization: `Bearer ${secret}` } });
  expect(((await listed.json()) as { data: { name: string }[] }).data.map((t) => t.name)).toEqual(["from the package"]);

  const page = await fetch(`${server.base}/tokens`, { headers: { accept: "text/html" } });
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('<div id="root"></div>');
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(asset).toBeDefined();
  const script = await fetch(`${server.base}${asset}`);
  expect(script.status).toBe(200);
  expect(script.headers.get("content-type")).toMatch(/javascript/);
  expect((await script.text()).length).toBeGreaterThan(10_000);

  // npx does not pass a SIGTERM on to the program it runs (it exits and leaves it running; the
  // systemd unit runs node directly): signal the server itself, whose pid its lock file gives.
  const lock = JSON.parse(readFileSync(join(install, "data/latchkey.db.lock"), "utf8")) as { pid: number; command: string };
  expect(lock.command).toBe("serve");
  process.kill(lock.pid, "SIGTERM");
  expect(await exitOf(server.child)).toEqual({ code: 0, signal: null });
  expect(existsSync(join(install, "data/latchkey.db.lock"))).toBe(false);
}, 900_000);
