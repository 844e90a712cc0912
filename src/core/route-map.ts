/**
 * The route map of a protected API: which area each method and path belongs to, and where a request
 * names its domain. The forward-auth endpoint (src/http/routes/forward-auth.ts) reads it to turn "the
 * proxy asks about DELETE /v1/domains/dom_1" into latchkey's verification question (area `domains`,
 * level full, domain `dom_1`). This file checks a parsed map (JSON or YAML, read by
 * src/service/route-map-file.ts); src/http/route-matcher.ts compiles it into a router.
 *
 * Format (docs/forward-auth.md):
 *
 *     unmatched: refuse            # or allow: a path no route matches passes unchecked
 *     routes:
 *       - path: /v1/domains/:domain_id      # find-my-way syntax: static, :param, trailing *
 *         methods: [GET, DELETE]            # optional; default every method
 *         area: domains                     # an area of the catalogue
 *         domain: { param: domain_id }      # or { header: x-domain } or { query: domain_id }
 *       - path: /healthz
 *         public: true                      # no token needed
 *
 * Unmatched paths are refused by default (`route_not_mapped`): a route the map forgot must not be
 * open. A route that names no domain is judged on its area alone, as DESIGN.md's verification does.
 */
import type { Catalogue } from "./catalogue.js";

/** Where a request names the domain it concerns. Names of headers are lower case. */
export type DomainSource = { readonly param: string } | { readonly header: string } | { readonly query: string };

/** One checked route. */
export interface RouteDefinition {
  /** Path pattern starting with `/`: static segments, `:name` parameters, a trailing `*`. */
  readonly path: string;
  /** Upper-case method names, or null for every method. */
  readonly methods: readonly string[] | null;
  /** Area key of the catalogue; null for a public route. */
  readonly area: string | null;
  /** Where the domain comes from; null when the route names none. */
  readonly domain: DomainSource | null;
}

/** A checked route map. */
export interface RouteMap {
  readonly routes: readonly RouteDefinition[];
  /** What happens to a method and path no route matches: refused (default) or let through unchecked. */
  readonly unmatched: "refuse" | "allow";
}

/** Raised by {@link parseRouteMap} for a map that breaks a rule; `problems` lists each one. */
export class RouteMapError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid route map: ${problems.join("; ")}`);
    this.name = "RouteMapError";
  }
}

/** The empty map: every request refused with `route_not_mapped`. */
export const EMPTY_ROUTE_MAP: RouteMap = { routes: [], unmatched: "refuse" };

// RFC 9110 section 5.6.2 `token`, the syntax of methods and header names; methods must be upper case
// since methods are case-sensitive and every registered one is (RFC 9110 section 9.1).
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Z-]{1,32}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
// RFC 3986 path characters without `%`, `;`, `(` and `)`: the pattern is matched against a normalised
// path, which never holds `;` (src/http/request-path.ts), and find-my-way reads `(` as a regular
// expression, which this format does not offer.
const PATH_PATTERN = /^\/[!$&'*+,\-./0-9:=@A-Z_a-z~]{0,499}$/;
const ROUTE_KEYS = new Set(["path", "methods", "method", "area", "domain", "public"]);

/**
 * Checks a parsed route map.
 *
 * Rules: `routes` is an array (at most 10,000 entries); each route has a `path` starting with `/`
 * (RFC 3986 path characters without `%`, `;`, `(` and `)`, at most 500), either `area` (a key of
 * the catalogue) or `public: true` (not both), optional `methods` (a non-empty array of upper-case
 * method names, or `"*"`; `method` is accepted as a synonym), and an optional `domain` naming exactly
 * one of `param` (a `:name` of the path), `header` (a header name) or `query` (a query parameter).
 * `unmatched` is `refuse` (default) or `allow`. Two routes for the same method and path are refused
 * when the map is compiled (src/http/route-matcher.ts), as find-my-way refuses them.
 *
 * @param input parsed JSON or YAML: `{routes: [...], unmatched?}`, or the array of routes alone.
 * @param catalogue the areas in force.
 * @returns the checked map.
 * @throws RouteMapError listing every problem found.
 */
export function parseRouteMap(input: unknown, catalogue: Catalogue): RouteMap {
  const list = Array.isArray(input) ? input : isRecord(input) ? input.routes : undefined;
  if (!Array.isArray(list)) throw new RouteMapError(['expected {"routes": [...]} or an array of routes']);
  const problems: string[] = [];
  let unmatched: RouteMap["unmatched"] = "refuse";
  if (isRecord(input)) {
    for (const key of Object.keys(input)) if (key !== "routes" && key !== "unmatched") problems.push(`${key}: unknown field`);
    if (input.unmatched === "allow" || input.unmatched === "refuse") unmatched = input.unmatched;
    else if (input.unmatched !== undefined) problems.push('unmatched: must be "refuse" or "allow"');
  }
  if (list.length > 10_000) problems.push("routes: at most 10,000 routes");
  const routes: RouteDefinition[] = [];
  list.forEach((raw: unknown, index: number) => {
    const route = parseRoute(raw, `routes[${index}]`, catalogue, problems);
    if (route !== null) routes.push(route);
  });
  if (problems.length > 0) throw new RouteMapError(problems);
  return { routes, unmatched };
}

function parseRoute(raw: unknown, where: string, catalogue: Catalogue, problems: string[]): RouteDefinition | null {
  if (!isRecord(raw)) {
    problems.push(`${where}: expected an object`);
    return null;
  }
  const before = problems.length;
  for (const key of Object.keys(raw)) if (!ROUTE_KEYS.has(key)) problems.push(`${where}.${key}: unknown field`);
  const { path, area, domain } = raw;
  const isPublic = raw.public === true;
  if (raw.public !== undefined && typeof raw.public !== "boolean") problems.push(`${where}.public: must be true or false`);
  if (typeof path !== "string" || !PATH_PATTERN.test(path)) {
    problems.push(`${where}.path: must start with "/" and hold only letters, digits and - . _ ~ ! $ & ' * + , = : @ / (at most 500 characters)`);
  } else if (path.includes("*") && path.indexOf("*") !== path.length - 1) {
    problems.push(`${where}.path: "*" may only end the path`);
  }
  if (isPublic && area !== undefined) problems.push(`${where}: a public route has no area`);
  if (!isPublic && area === undefined) problems.push(`${where}.area: required (or public: true)`);
  if (area !== undefined && (typeof area !== "string" || !catalogue.byKey.has(area))) problems.push(`${where}.area: not an area of the catalogue`);
  if (raw.method !== undefined && raw.methods !== undefined) problems.push(`${where}: give methods or method, not both`);
  const methods = parseMethods(raw.methods ?? raw.method, `${where}.methods`, problems);
  const source = domain === undefined ? null : parseDomainSource(domain, `${where}.domain`, typeof path === "string" ? path : "", problems);
  if (isPublic && source !== null) problems.push(`${where}: a public route has no domain`);
  if (problems.length > before) return null;
  return { path: path as string, methods, area: isPublic ? null : (area as string), domain: source };
}

function parseMethods(raw: unknown, where: string, problems: string[]): readonly string[] | null {
  if (raw === undefined || raw === "*") return null;
  const list = typeof raw === "string" ? [raw] : raw;
  if (!Array.isArray(list) || list.length === 0 || !list.every((m): m is string => typeof m === "string" && METHOD.test(m))) {
    problems.push(`${where}: must be "*" or a non-empty array of upper-case method names such as GET`);
    return null;
  }
  return [...new Set(list)];
}

function parseDomainSource(raw: unknown, where: string, path: string, problems: string[]): DomainSource | null {
  if (!isRecord(raw) || Object.keys(raw).length !== 1) {
    problems.push(`${where}: must name exactly one of param, header or query`);
    return null;
  }
  if ("param" in raw) {
    const name = raw.param;
    if (typeof name !== "string" || !PARAM_NAME.test(name) || !new RegExp(`:${name}(?=$|[/.\\-])`).test(path)) {
      problems.push(`${where}.param: must be a :parameter of the path`);
      return null;
    }
    return { param: name };
  }
  if ("header" in raw) {
    if (typeof raw.header !== "string" || !HEADER_NAME.test(raw.header)) {
      problems.push(`${where}.header: must be a header name`);
      return null;
    }
    return { header: raw.header.toLowerCase() };
  }
  if ("query" in raw) {
    if (typeof raw.query !== "string" || raw.query === "" || raw.query.length > 100) {
      problems.push(`${where}.query: must be a query parameter name`);
      return null;
    }
    return { query: raw.query };
  }
  problems.push(`${where}: must name exactly one of param, header or query`);
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
