import { expect, it } from "vitest";
import { authorizationHeaders, readBearerToken } from "./bearer-token.js";

it("reads one Authorization value and refuses several, never picking one", () => {
  const cases: ReadonlyArray<readonly [label: string, header: string | readonly string[] | undefined, expected: ReturnType<typeof readBearerToken>]> = [
    ["none", undefined, { kind: "none" }],
    ["no values", [], { kind: "none" }],
    ["one value", "Bearer abc", { kind: "bearer", token: "abc" }],
    ["one value in a list", ["Bearer abc"], { kind: "bearer", token: "abc" }],
    ["two values", ["Bearer abc", "Bearer def"], { kind: "malformed" }],
    ["the same value twice", ["Bearer abc", "Bearer abc"], { kind: "malformed" }],
    ["a value and an empty one", ["Bearer abc", ""], { kind: "malformed" }],
    ["two joined by a comma", "Bearer abc, Bearer def", { kind: "malformed" }],
  ];
  for (const [label, header, expected] of cases) expect(readBearerToken(header), label).toEqual(expected);
});

it("collects every Authorization value of Node's rawHeaders, in any case", () => {
  expect(authorizationHeaders(["Host", "x", "Authorization", "Bearer a", "AUTHORIZATION", "Bearer b"])).toEqual(["Bearer a", "Bearer b"]);
  expect(authorizationHeaders(["Host", "x"])).toEqual([]);
});
