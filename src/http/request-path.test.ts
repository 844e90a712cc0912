import { describe, expect, it } from "vitest";
import { normaliseRequestTarget, readQueryParameter } from "./request-path.js";

describe.each([
  ["/v1/domains", "/v1/domains"],
  ["/v1/domains/", "/v1/domains/"],
  ["/", "/"],
  ["//v1//domains", "/v1/domains"],
  ["/v1/./domains", "/v1/domains"],
  ["/v1/x/../domains", "/v1/domains"],
  ["/v1/x/%2e%2e/domains", "/v1/domains"],
  ["/v1/x/%2E%2e/domains", "/v1/domains"],
  ["/v1/x/.%2e/domains", "/v1/domains"],
  ["/v1/%2e/domains", "/v1/domains"],
  ["/v1/%64omains", "/v1/domains"],
  ["/v1/domains/a/..", "/v1/domains/"],
  ["/v1/domains/.", "/v1/domains/"],
  ["/v1/domains.", "/v1/domains."],
  ["/V1/Domains", "/V1/Domains"],
  ["/v1/domains/example%2ecom", "/v1/domains/example.com"],
  ["/v1/users/a%40b", "/v1/users/a@b"],
  ["/v1/users/%40me", "/v1/users/@me"],
  ["/v1/users/a%3a", "/v1/users/a:"],
  ["/v1/admin%3Dx%21%24%26%27%28%29%2A%2B%2C", "/v1/admin=x!$&'()*+,"],
  ["/v1/users/a|b", "/v1/users/a%7Cb"],
  ["/v1/users/%C3%A9", "/v1/users/%C3%A9"],
  ["/v1/domains/...", "/v1/domains/..."],
])("normalises %s", (target, path) => {
  it(`to ${path}`, () => {
    expect(normaliseRequestTarget(target)).toEqual({ ok: true, path, query: "" });
  });
});

describe.each([
  ["/v1/domains/..%2Ftoken", "encoded_slash"],
  ["/v1/domains%2f..%2ftoken", "encoded_slash"],
  ["/v1/domains\\..\\token", "backslash"],
  ["/v1/domains/%5C..%5Ctoken", "backslash"],
  ["/v1/domains/..;/token", "semicolon"],
  ["/v1/domains;x=1", "semicolon"],
  ["/api/public/..%3B/tokens", "semicolon"],
  ["/api/public/%2e%2e%3b/tokens", "semicolon"],
  ["/v1/users/%252e%252e", "bad_escape"],
  ["/v1/users/%25", "bad_escape"],
  ["/v1/domains%00", "control"],
  ["/v1/domains%0a", "control"],
  ["/v1/do mains", "control"],
  ["/v1/domains/%zz", "bad_escape"],
  ["/v1/domains/%2", "bad_escape"],
  ["/v1/dömains", "non_ascii"],
  ["/../v1/token", "above_root"],
  ["/v1/../../token", "above_root"],
  ["/%2e%2e/v1/token", "above_root"],
  ["v1/token", "not_absolute"],
  ["http://example.com/v1/token", "not_absolute"],
  ["/v1/token#x", "fragment"],
  [`/${"a".repeat(9000)}`, "too_long"],
] as const)("refuses %s", (target, reason) => {
  it(`as ${reason}`, () => {
    expect(normaliseRequestTarget(target)).toEqual({ ok: false, reason });
  });
});

it("splits off the query at the first question mark and keeps it raw", () => {
  expect(normaliseRequestTarget("/v1/a/../analytics?domain_id=%2e%2e&x=/?y")).toEqual({ ok: true, path: "/v1/analytics", query: "domain_id=%2e%2e&x=/?y" });
});

it("does not read an encoded slash in the query as a path separator", () => {
  expect(normaliseRequestTarget("/v1/analytics?next=%2Fv1%2Ftoken")).toEqual({ ok: true, path: "/v1/analytics", query: "next=%2Fv1%2Ftoken" });
});

it("is idempotent: a normalised path normalises to itself", () => {
  const once = normaliseRequestTarget("//v1/x/%2e%2e/%64omains/./a%7cb/");
  expect(once.ok).toBe(true);
  if (once.ok) expect(normaliseRequestTarget(once.path)).toEqual(once);
});

it("reads a query parameter, refusing every spelling another server may read as it", () => {
  const cases: ReadonlyArray<readonly [label: string, query: string, name: string, expected: ReturnType<typeof readQueryParameter>]> = [
    ["one value", "x=1&domain=example.com", "domain", { kind: "value", value: "example.com" }],
    ["the same value twice", "domain=a.com&domain=a.com", "domain", { kind: "value", value: "a.com" }],
    ["an encoded letter in the name (decoded, so the same name)", "%64omain=a.com", "domain", { kind: "value", value: "a.com" }],
    ["absent", "x=1", "domain", { kind: "none" }],
    ["empty", "domain=", "domain", { kind: "none" }],
    ["a longer name", "domains=a.com", "domain", { kind: "none" }],
    ["two values", "domain=a.com&domain=b.com", "domain", { kind: "ambiguous" }],
    ["an empty duplicate", "domain=a.com&domain=", "domain", { kind: "ambiguous" }],
    ["an empty duplicate first", "domain&domain=a.com", "domain", { kind: "ambiguous" }],
    ["a semicolon", "x=1;domain=b.com", "domain", { kind: "ambiguous" }],
    ["another case", "Domain=b.com", "domain", { kind: "ambiguous" }],
    ["an array", "domain[]=b.com", "domain", { kind: "ambiguous" }],
    ["a leading space", "%20domain=b.com", "domain", { kind: "ambiguous" }],
    ["a trailing plus", "domain+=b.com", "domain", { kind: "ambiguous" }],
    ["an encoded NUL", "domain%00=b.com", "domain", { kind: "ambiguous" }],
    ["text after an encoded NUL", "domain%00.x=b.com", "domain", { kind: "ambiguous" }],
    ["a tab", "domain%09=b.com", "domain", { kind: "ambiguous" }],
    ["a zero-width space", "do%E2%80%8Bmain=b.com", "domain", { kind: "ambiguous" }],
    ["an invalid escape read as U+FFFD", "domain%FF=b.com", "domain", { kind: "ambiguous" }],
    ["a dot for an underscore (PHP)", "domain.id=b.com", "domain_id", { kind: "ambiguous" }],
    ["a space for an underscore (PHP)", "domain+id=b.com", "domain_id", { kind: "ambiguous" }],
  ];
  for (const [label, query, name, expected] of cases) expect(readQueryParameter(query, name), label).toEqual(expected);
});
