/** LATCHKEY_ROUTES_FILE: reading the route map from JSON or YAML, and the errors that name the file. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { routeMapOf, readConfig } from "../../src/cli/config.js";
import { SEED_CATALOGUE } from "../../src/core/catalogue.js";
import { loadRouteMapFile } from "../../src/service/route-map-file.js";

const dir = mkdtempSync(join(tmpdir(), "latchkey-routes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const EXPECTED = { unmatched: "refuse", routes: [{ path: "/api/domains/:domain", methods: ["GET"], area: "domains", domain: { param: "domain" } }] };

it("reads a JSON route map", () => {
  const path = file("routes.json", JSON.stringify({ routes: [{ path: "/api/domains/:domain", methods: ["GET"], area: "domains", domain: { param: "domain" } }] }));
  expect(loadRouteMapFile(path, SEED_CATALOGUE)).toEqual(EXPECTED);
});

it("reads a YAML route map", () => {
  const path = file("routes.yaml", "routes:\n  - path: /api/domains/:domain\n    methods: [GET]\n    area: domains\n    domain: { param: domain }\n");
  expect(loadRouteMapFile(path, SEED_CATALOGUE)).toEqual(EXPECTED);
});

it("names the variable, the file and the rule a map breaks", () => {
  const path = file("bad.yml", "routes:\n  - path: /api/x\n    area: billing\n");
  expect(() => loadRouteMapFile(path, SEED_CATALOGUE)).toThrow(/^LATCHKEY_ROUTES_FILE .*bad\.yml: .*routes\[0\]\.area/);
});

it("names the file of a syntax error", () => {
  const path = file("broken.json", "{routes: [");
  expect(() => loadRouteMapFile(path, SEED_CATALOGUE)).toThrow(/^LATCHKEY_ROUTES_FILE .*broken\.json: /);
});

it("names a file that does not exist", () => {
  expect(() => loadRouteMapFile(join(dir, "missing.json"), SEED_CATALOGUE)).toThrow(/^LATCHKEY_ROUTES_FILE .*missing\.json: /);
});

it("takes the file from LATCHKEY_ROUTES_FILE", () => {
  const path = file("env.json", JSON.stringify([{ path: "/api/sms", area: "sms" }]));
  expect(routeMapOf(readConfig({ LATCHKEY_ROUTES_FILE: path }), SEED_CATALOGUE).routes).toHaveLength(1);
});

it("lets the --routes-file flag win over the variable", () => {
  expect(readConfig({ LATCHKEY_ROUTES_FILE: "/a.json" }, { routesFile: "/b.yaml" }).routesFile).toBe("/b.yaml");
});

it("uses the empty map, which refuses every check, when no file is named", () => {
  expect(routeMapOf(readConfig({}), SEED_CATALOGUE)).toEqual({ routes: [], unmatched: "refuse" });
});
