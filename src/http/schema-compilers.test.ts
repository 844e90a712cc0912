import { describe, expect, it } from "vitest";
import { cachedSerializerFactory, cachedValidatorCompiler } from "./schema-compilers.js";

const route = { method: "GET", url: "/x", httpStatus: "200" };

describe("cachedValidatorCompiler", () => {
  it("compiles a schema once per process: a second app gets the same function", () => {
    const schema = { type: "object", properties: { n: { type: "integer" } } };
    const first = cachedValidatorCompiler()({ schema, httpPart: "body", method: "POST", url: "/a" });
    const second = cachedValidatorCompiler()({ schema: structuredClone(schema), httpPart: "body", method: "POST", url: "/b" });
    expect(second).toBe(first);
  });

  it("coerces strings in a query, never in a body", () => {
    const schema = { type: "object", properties: { limit: { type: "integer" } } };
    const compile = cachedValidatorCompiler();
    const body = compile({ schema, httpPart: "body", method: "POST", url: "/a" });
    const query = compile({ schema, httpPart: "querystring", method: "GET", url: "/a" });
    expect(body).not.toBe(query);
    expect(body({ limit: "5" })).toBe(false);
    const parsed: { limit: unknown } = { limit: "5" };
    expect(query(parsed)).toBe(true);
    expect(parsed.limit).toBe(5);
  });

  it("compiles a changed schema anew", () => {
    const compile = cachedValidatorCompiler();
    const short = compile({ schema: { type: "string", maxLength: 2 }, httpPart: "body", method: "POST", url: "/a" });
    const long = compile({ schema: { type: "string", maxLength: 3 }, httpPart: "body", method: "POST", url: "/a" });
    expect(short("abc")).toBe(false);
    expect(long("abc")).toBe(true);
  });
});

describe("cachedSerializerFactory", () => {
  const schema = { type: "object", properties: { id: { type: "string" }, inner: { $ref: "Inner#" } } };
  const inner = (property: string) => ({ Inner: { $id: "Inner", type: "object", properties: { [property]: { type: "string" } } } });

  it("reuses what it built for the same schema and shared schemas in another app", () => {
    const first = cachedSerializerFactory(inner("a"), {})({ ...route, schema });
    const second = cachedSerializerFactory(structuredClone(inner("a")), {})({ ...route, schema: structuredClone(schema) });
    expect(second).toBe(first);
    expect(JSON.parse(first({ id: "t", inner: { a: "1", b: "2" }, extra: 1 }))).toEqual({ id: "t", inner: { a: "1" } });
  });

  it("builds anew when a shared schema it refers to differs", () => {
    const withA = cachedSerializerFactory(inner("a"), {})({ ...route, schema });
    const withB = cachedSerializerFactory(inner("b"), {})({ ...route, schema });
    expect(withB).not.toBe(withA);
    expect(JSON.parse(withB({ id: "t", inner: { a: "1", b: "2" } }))).toEqual({ id: "t", inner: { b: "2" } });
  });
});
