import { describe, expect, it } from "vitest";
import { SEED_CATALOGUE } from "./catalogue.js";
import { parseRouteMap, RouteMapError } from "./route-map.js";

function problemsOf(input: unknown): readonly string[] {
  try {
    parseRouteMap(input, SEED_CATALOGUE);
  } catch (error) {
    if (error instanceof RouteMapError) return error.problems;
    throw error;
  }
  return [];
}

it("reads a map with each kind of domain source, a public route and the default refusal", () => {
  const map = parseRouteMap(
    {
      routes: [
        { path: "/v1/domains/:domain_id", methods: ["GET", "DELETE"], area: "domains", domain: { param: "domain_id" } },
        { path: "/v1/email", method: "POST", area: "email", domain: { header: "X-Domain" } },
        { path: "/v1/analytics/*", area: "analytics", domain: { query: "domain_id" } },
        { path: "/healthz", public: true },
      ],
    },
    SEED_CATALOGUE,
  );
  expect(map).toEqual({
    unmatched: "refuse",
    routes: [
      { path: "/v1/domains/:domain_id", methods: ["GET", "DELETE"], area: "domains", domain: { param: "domain_id" } },
      { path: "/v1/email", methods: ["POST"], area: "email", domain: { header: "x-domain" } },
      { path: "/v1/analytics/*", methods: null, area: "analytics", domain: { query: "domain_id" } },
      { path: "/healthz", methods: null, area: null, domain: null },
    ],
  });
});

it("accepts the bare array of routes", () => {
  expect(parseRouteMap([{ path: "/v1/sms", area: "sms" }], SEED_CATALOGUE).routes).toHaveLength(1);
});

it("reads unmatched: allow", () => {
  expect(parseRouteMap({ routes: [], unmatched: "allow" }, SEED_CATALOGUE).unmatched).toBe("allow");
});

it('reads methods: "*" as every method', () => {
  expect(parseRouteMap([{ path: "/v1/sms", area: "sms", methods: "*" }], SEED_CATALOGUE).routes[0]?.methods).toBeNull();
});

describe.each([
  ["not an object or array", "routes"],
  ["an area the catalogue lacks", { routes: [{ path: "/v1/x", area: "billing" }] }],
  ["a route with neither area nor public", { routes: [{ path: "/v1/x" }] }],
  ["a public route with an area", { routes: [{ path: "/v1/x", area: "sms", public: true }] }],
  ["a public route with a domain", { routes: [{ path: "/v1/x/:d", public: true, domain: { param: "d" } }] }],
  ["a path not starting with a slash", { routes: [{ path: "v1/x", area: "sms" }] }],
  ["a path with a percent sign", { routes: [{ path: "/v1/%78", area: "sms" }] }],
  ["a path with a semicolon", { routes: [{ path: "/v1/x;y", area: "sms" }] }],
  ["a path with a regular expression", { routes: [{ path: "/v1/:id(^\\d+$)", area: "sms" }] }],
  ["a star before the end", { routes: [{ path: "/v1/*/x", area: "sms" }] }],
  ["lower-case methods", { routes: [{ path: "/v1/x", area: "sms", methods: ["get"] }] }],
  ["an empty method list", { routes: [{ path: "/v1/x", area: "sms", methods: [] }] }],
  ["both method and methods", { routes: [{ path: "/v1/x", area: "sms", method: "GET", methods: ["GET"] }] }],
  ["a domain param the path lacks", { routes: [{ path: "/v1/x/:id", area: "sms", domain: { param: "domain" } }] }],
  ["a domain param that only prefixes a path param", { routes: [{ path: "/v1/x/:domain_id", area: "sms", domain: { param: "domain" } }] }],
  ["a domain with two sources", { routes: [{ path: "/v1/x/:d", area: "sms", domain: { param: "d", query: "d" } }] }],
  ["a domain with an unknown source", { routes: [{ path: "/v1/x", area: "sms", domain: { cookie: "d" } }] }],
  ["a bad header name", { routes: [{ path: "/v1/x", area: "sms", domain: { header: "x domain" } }] }],
  ["an unknown route field", { routes: [{ path: "/v1/x", area: "sms", scope: "sms_read" }] }],
  ["an unknown top-level field", { routes: [], default: "allow" }],
  ["an unknown unmatched value", { routes: [], unmatched: "ignore" }],
])("refuses %s", (_name, input) => {
  it("with a problem named", () => {
    expect(problemsOf(input).length).toBeGreaterThan(0);
  });
});

it("names every problem of the map at once, with the route's index", () => {
  const problems = problemsOf({ routes: [{ path: "/v1/a", area: "nope" }, { path: "/v1/b", area: "sms" }, { path: "x", area: "sms" }] });
  expect(problems).toEqual([expect.stringMatching(/^routes\[0\]\.area/), expect.stringMatching(/^routes\[2\]\.path/)]);
});
