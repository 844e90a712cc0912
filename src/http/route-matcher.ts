/**
 * Compiles a route map (src/core/route-map.ts) into a router, with find-my-way, the router Fastify
 * itself uses: static segments win over `:params`, which win over a trailing `*`, whatever the order
 * of the file, and two routes for the same method and path are an error at start-up rather than a
 * silent first-wins. Paths are compared case-insensitively (parameter values keep their case) and a
 * trailing slash is ignored, so that `/V1/TOKEN/` is checked as `/v1/token` even when the API behind
 * ignores case; give it paths normalised by src/http/request-path.ts.
 */
import { METHODS } from "node:http";
import FindMyWay from "find-my-way";
import { RouteMapError, type RouteDefinition, type RouteMap } from "../core/route-map.js";

/** A route that matched, with its decoded path parameters. */
export interface RouteMatch {
  readonly route: RouteDefinition;
  readonly params: Readonly<Record<string, string | undefined>>;
}

/** A compiled route map. */
export interface RouteMatcher {
  /**
   * The route for a method and a normalised path.
   *
   * @param method the method as sent (case-sensitive: `get` matches no route).
   * @param path a normalised path, without query.
   * @returns the match, or null when no route matches.
   */
  match(method: string, path: string): RouteMatch | null;
  /** What to do when nothing matches. */
  readonly unmatched: RouteMap["unmatched"];
}

/** Longest path parameter matched, in characters; a longer one matches no route. */
const MAX_PARAM_LENGTH = 500;

/**
 * Builds the router of a route map.
 *
 * @throws RouteMapError naming the route when two routes claim the same method and path.
 */
export function compileRouteMap(map: RouteMap): RouteMatcher {
  const router = FindMyWay({ caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH });
  const problems: string[] = [];
  map.routes.forEach((route, index) => {
    for (const method of route.methods ?? METHODS) {
      try {
        router.on(method as FindMyWay.HTTPMethod, route.path, () => undefined, route);
      } catch (error) {
        problems.push(`routes[${index}]: ${method} ${route.path}: ${(error as Error).message}`);
      }
    }
  });
  if (problems.length > 0) throw new RouteMapError(problems);
  return {
    unmatched: map.unmatched,
    match(method, path) {
      // find-my-way throws for a method it does not know; such a method matches no route.
      if (!METHODS.includes(method)) return null;
      const found = router.find(method as FindMyWay.HTTPMethod, path);
      if (found === null) return null;
      return { route: found.store as RouteDefinition, params: found.params };
    },
  };
}
