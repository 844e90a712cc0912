import { expect, it } from "vitest";
import { SEED_CATALOGUE } from "../core/catalogue.js";
import { parseRouteMap, RouteMapError } from "../core/route-map.js";
import { compileRouteMap } from "./route-matcher.js";

const matcher = compileRouteMap(
  parseRouteMap(
    [
      { path: "/v1/domains", area: "domains" },
      { path: "/v1/domains/:domain_id", area: "domains", domain: { param: "domain_id" } },
      { path: "/v1/domains/verified", methods: ["GET"], area: "analytics" },
      { path: "/v1/email", methods: ["POST"], area: "email" },
      { path: "/v1/files/*", area: "templates" },
    ],
    SEED_CATALOGUE,
  ),
);

it("matches a static route for any method when the route names none", () => {
  expect(matcher.match("DELETE", "/v1/domains")?.route.area).toBe("domains");
});

it("gives the decoded path parameters", () => {
  expect(matcher.match("GET", "/v1/domains/example%40x.com")?.params).toEqual({ domain_id: "example@x.com" });
});

it("prefers a static segment to a parameter whatever the order of the map", () => {
  expect(matcher.match("GET", "/v1/domains/verified")?.route.area).toBe("analytics");
});

it("falls back to the parameter route for a method the static route does not take", () => {
  expect(matcher.match("DELETE", "/v1/domains/verified")?.route.area).toBe("domains");
});

it("matches paths case-insensitively and keeps the case of parameters", () => {
  expect(matcher.match("GET", "/V1/DOMAINS/Example.COM")?.params).toEqual({ domain_id: "Example.COM" });
});

it("ignores a trailing slash", () => {
  expect(matcher.match("GET", "/v1/domains/")?.route.area).toBe("domains");
});

it("matches a trailing wildcard over several segments", () => {
  expect(matcher.match("PUT", "/v1/files/a/b/c")?.route.area).toBe("templates");
});

it("matches no route for a method the route does not list", () => {
  expect(matcher.match("GET", "/v1/email")).toBeNull();
});

it("matches no route for a lower-case method, methods being case-sensitive", () => {
  expect(matcher.match("post", "/v1/email")).toBeNull();
});

it("matches no route for a method no server knows", () => {
  expect(matcher.match("BREW", "/v1/domains")).toBeNull();
});

it("matches no route for a trailing dot", () => {
  expect(matcher.match("GET", "/v1/email.")).toBeNull();
});

it("matches no route for a path the map lacks", () => {
  expect(matcher.match("GET", "/v1/token")).toBeNull();
});

it("refuses two routes for the same method and path at compile time", () => {
  const map = parseRouteMap(
    [
      { path: "/v1/sms", methods: ["GET"], area: "sms" },
      { path: "/v1/sms", area: "analytics" },
    ],
    SEED_CATALOGUE,
  );
  expect(() => compileRouteMap(map)).toThrow(RouteMapError);
});
