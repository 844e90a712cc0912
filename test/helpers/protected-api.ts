/**
 * The protected API of the forward-auth and middleware tests: a small MailerSend-like API whose
 * routes belong to latchkey's areas. The same table is the route map given to /v1/forward-auth and
 * the routes each framework's test app declares with `requireScope`, so one list of cases runs
 * against nginx, Express, Fastify and Hono.
 *
 * Also here: a latchkey on an in-memory SQLite with a few ways to make tokens, and the spelling
 * tricks on paths with the check that a tricked path never reached a route the token may not use.
 */
import { SEED_CATALOGUE } from "../../src/core/catalogue.js";
import { levelForMethod, levelHeld } from "../../src/core/permissions.js";
import { parseRouteMap, type RouteMap } from "../../src/core/route-map.js";
import { levelRank } from "../../src/core/catalogue.js";
import { normaliseRequestTarget } from "../../src/http/request-path.js";
import { compileRouteMap } from "../../src/http/route-matcher.js";
import { Latchkey } from "../../src/service/latchkey.js";

/** One route of the protected API. `path` uses the `:param` syntax every framework here shares. */
export interface ProtectedRoute {
  readonly method: "GET" | "POST" | "DELETE";
  readonly path: string;
  readonly area: string;
  /** Where the request names its domain. */
  readonly domain?: { readonly param: string } | { readonly header: string } | { readonly query: string };
}

export const PROTECTED_ROUTES: readonly ProtectedRoute[] = [
  { method: "GET", path: "/api/domains", area: "domains" },
  { method: "GET", path: "/api/domains/:domain", area: "domains", domain: { param: "domain" } },
  { method: "DELETE", path: "/api/domains/:domain", area: "domains", domain: { param: "domain" } },
  { method: "POST", path: "/api/email", area: "email", domain: { header: "x-domain" } },
  { method: "GET", path: "/api/analytics", area: "analytics", domain: { query: "domain" } },
  { method: "GET", path: "/api/tokens", area: "tokens" },
  { method: "DELETE", path: "/api/tokens/:id", area: "tokens" },
];

/** The route map of {@link PROTECTED_ROUTES}, plus a public health route. */
export const PROTECTED_ROUTE_MAP: RouteMap = parseRouteMap(
  {
    routes: [
      ...PROTECTED_ROUTES.map((r) => ({ path: r.path, methods: [r.method], area: r.area, ...(r.domain ? { domain: r.domain } : {}) })),
      { path: "/health", methods: ["GET"], public: true },
    ],
  },
  SEED_CATALOGUE,
);

const matcher = compileRouteMap(PROTECTED_ROUTE_MAP);

/**
 * The area a request as an upstream received it belongs to, after the normalisation latchkey applies:
 * null for a path no protected route matches (or that is refused), "public" for the health route.
 */
export function areaOfReceived(method: string, target: string): string | null {
  const normalised = normaliseRequestTarget(target);
  if (!normalised.ok) return null;
  const match = matcher.match(method, normalised.path);
  if (match === null) return null;
  return match.route.area ?? "public";
}

/** Whether scope strings cover what a method on an area needs. */
export function scopesCover(scopes: readonly string[], method: string, area: string): boolean {
  if (area === "public") return true;
  const levels = new Map<string, "read" | "full">();
  for (const scope of scopes) {
    const entry = SEED_CATALOGUE.byScope.get(scope);
    if (entry !== undefined) levels.set(entry.area, entry.level);
  }
  const held = levelHeld(SEED_CATALOGUE, { hasFull: false, levels }, area);
  return levelRank(held) >= levelRank(levelForMethod(method));
}

/**
 * Spelling tricks on paths, each aimed at a route a `domains_read` token may not use (tokens, or a
 * DELETE), or at a path no route maps. Tests do not assert how each is refused (nginx answers some
 * itself): what matters is where the request could land, checked on what the upstream received.
 */
export const PATH_TRICKS: readonly { readonly name: string; readonly method: string; readonly path: string }[] = [
  { name: "encoded dot segments", method: "GET", path: "/api/domains/%2e%2e/tokens" },
  { name: "upper-case encoded dot segments", method: "GET", path: "/api/domains/%2E%2E/tokens" },
  { name: "half-encoded dot segments", method: "GET", path: "/api/domains/.%2e/tokens" },
  { name: "plain dot segments", method: "GET", path: "/api/domains/../tokens" },
  { name: "a single-dot segment", method: "GET", path: "/api/./tokens" },
  { name: "doubled slashes", method: "GET", path: "//api//tokens" },
  { name: "an encoded slash", method: "GET", path: "/api/domains/..%2Ftokens" },
  { name: "a lower-case encoded slash", method: "GET", path: "/api/domains%2f..%2ftokens" },
  { name: "a trailing dot", method: "GET", path: "/api/tokens." },
  { name: "mixed case", method: "GET", path: "/API/Tokens" },
  { name: "a backslash", method: "GET", path: "/api/domains\\..\\tokens" },
  { name: "an encoded backslash", method: "GET", path: "/api/domains/%5C..%5Ctokens" },
  { name: "a semicolon segment", method: "GET", path: "/api/domains/..;/tokens" },
  { name: "an encoded letter", method: "GET", path: "/api/%74okens" },
  { name: "a dot segment inside a parameter", method: "DELETE", path: "/api/domains/x/../example.com" },
  { name: "an encoded NUL", method: "GET", path: "/api/tokens%00" },
  { name: "an encoded semicolon segment", method: "GET", path: "/api/domains/..%3B/tokens" },
  { name: "an encoded semicolon after encoded dots", method: "GET", path: "/api/domains/%2e%2e%3b/tokens" },
  { name: "a double-encoded dot segment", method: "GET", path: "/api/domains/%252e%252e/tokens" },
];

/** A latchkey on a fresh in-memory database, with the operator's shortcuts the tests need. */
export interface TestLatchkey {
  readonly latchkey: Latchkey;
  /** Makes a token; without `scopes` it has Full access. `domains` are names added beforehand. */
  mint(options?: { readonly scopes?: readonly string[]; readonly domains?: readonly string[] }): Promise<{ id: string; secret: string }>;
  /** Adds a domain; returns its id. */
  addDomain(name: string): Promise<string>;
  pause(tokenId: string): Promise<void>;
}

/** Opens a latchkey for a test; the caller closes `latchkey`. */
export async function openTestLatchkey(): Promise<TestLatchkey> {
  const latchkey = await Latchkey.open({ databaseUrl: "sqlite::memory:" });
  const actor = async () => ({ principal: await latchkey.operator("default"), ip: null });
  const domainIds = new Map<string, string>();
  return {
    latchkey,
    async mint(options = {}) {
      const { token, secret } = await latchkey.tokens.create(await actor(), {
        name: "test token",
        ...(options.scopes === undefined ? { hasFull: true } : { scopes: options.scopes }),
        ...(options.domains === undefined ? {} : { domains: options.domains.map((name) => domainIds.get(name) ?? name) }),
      });
      return { id: token.id, secret };
    },
    async addDomain(name) {
      const { id } = await latchkey.domains.add(await actor(), name);
      domainIds.set(name, id);
      return id;
    },
    async pause(tokenId) {
      await latchkey.tokens.update(await actor(), tokenId, { status: "pause" });
    },
  };
}
