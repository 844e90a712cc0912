/**
 * Reads the route map file (LATCHKEY_ROUTES_FILE) of the forward-auth endpoint: JSON, or YAML when
 * the name ends in `.yaml` or `.yml` (parsed by the `yaml` package, YAML 1.2). The rules of the map
 * are checked by src/core/route-map.ts; docs/forward-auth.md describes the format.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { Catalogue } from "../core/catalogue.js";
import { parseRouteMap, type RouteMap } from "../core/route-map.js";

/**
 * Loads and checks a route map file.
 *
 * @param path file path; `.yaml`/`.yml` is read as YAML, anything else as JSON.
 * @param catalogue the areas in force (each route's area must be one of them).
 * @returns the checked map.
 * @throws Error naming the file and each problem (unreadable file, syntax error, broken rule).
 */
export function loadRouteMapFile(path: string, catalogue: Catalogue): RouteMap {
  let parsed: unknown;
  try {
    const text = readFileSync(path, "utf8");
    // maxAliasCount bounds YAML alias expansion ("billion laughs"); the file is the operator's, but cheap to bound.
    parsed = /\.ya?ml$/i.test(path) ? parseYaml(text, { maxAliasCount: 100 }) : JSON.parse(text);
  } catch (error) {
    throw new Error(`LATCHKEY_ROUTES_FILE ${path}: ${(error as Error).message}`);
  }
  try {
    return parseRouteMap(parsed, catalogue);
  } catch (error) {
    throw new Error(`LATCHKEY_ROUTES_FILE ${path}: ${(error as Error).message}`);
  }
}
