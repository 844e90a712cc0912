#!/usr/bin/env node
/**
 * `npm run lint:openapi`: lints the API description latchkey serves at GET /openapi.json with Redocly's
 * recommended rules (redocly.yaml), as a client generator would read it.
 *
 * Builds the app from src/ (bundled with rolldown into node_modules/.lint-openapi, dependencies left external:
 * about a second, where `tsc` takes far longer), opens it on an in-memory SQLite database, writes the
 * document it serves to a temporary file and runs `redocly lint` on it. Exits with redocly's status.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { rolldown } from "rolldown";

const root = resolve(import.meta.dirname, "..");
// Inside node_modules so that the bundle's bare imports resolve to the project's packages, two folders
// below the root as src/service is (package-version.ts reads ../../package.json). A fixed name: the
// ignore file (.redocly.lint-ignore.yaml) names the document by its path.
const work = join(root, "node_modules/.lint-openapi");
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
try {
  const bundle = await rolldown({
    input: join(root, "src/index.ts"),
    platform: "node",
    cwd: root,
    external: (id) => !id.startsWith(".") && !id.startsWith("/") && !id.startsWith("\0"),
    logLevel: "warn",
  });
  await bundle.write({ dir: work, format: "esm", entryFileNames: "index.mjs" });
  await bundle.close();
  const { Latchkey, buildApp } = await import(pathToFileURL(join(work, "index.mjs")).href);
  const latchkey = await Latchkey.open({ databaseUrl: "sqlite::memory:" });
  const app = await buildApp(latchkey, { logger: false });
  const res = await app.inject({ method: "GET", url: "/openapi.json" });
  await app.close();
  await latchkey.close();
  if (res.statusCode !== 200) throw new Error(`GET /openapi.json answered ${res.statusCode}`);
  const file = join(work, "openapi.json");
  writeFileSync(file, res.body);
  const redocly = spawnSync(join(root, "node_modules/.bin/redocly"), ["lint", file, "--config", join(root, "redocly.yaml"), ...process.argv.slice(2)], { stdio: "inherit", cwd: root });
  process.exitCode = redocly.status ?? 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
