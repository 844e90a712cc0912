import { afterAll, beforeAll, expect, it } from "vitest";
import { Latchkey } from "../service/latchkey.js";
import { createScopeGuard } from "./scope-guard.js";

let latchkey: Latchkey;
beforeAll(async () => {
  latchkey = await Latchkey.open({ databaseUrl: "sqlite::memory:" });
});
afterAll(async () => latchkey.close());

it("refuses options with neither latchkey nor url", () => {
  expect(() => createScopeGuard("domains", {})).toThrow(TypeError);
});

it("refuses options with both latchkey and url", () => {
  expect(() => createScopeGuard("domains", { latchkey, url: "http://127.0.0.1:8080" })).toThrow(TypeError);
});

it.each([-1, 2001, 1.5])("refuses a cache TTL of %s milliseconds", (cacheTtlMillis) => {
  expect(() => createScopeGuard("domains", { url: "http://127.0.0.1:8080", cacheTtlMillis })).toThrow(TypeError);
});

it("refuses, in-process, an area the catalogue lacks", () => {
  expect(() => createScopeGuard("billing", { latchkey })).toThrow(TypeError);
});

it("answers token_missing without asking latchkey when no token is presented", async () => {
  const guard = createScopeGuard("domains", { url: "http://127.0.0.1:9" });
  expect(await guard.check("GET", undefined, null)).toEqual({ allowed: false, status: 401, body: { allowed: false, status: 401, code: "token_missing", message: expect.any(String) } });
});

it("refuses two different domains for one request with domain_not_allowed", async () => {
  const guard = createScopeGuard("domains", { latchkey });
  const result = await guard.check("GET", "Bearer lk_1anything", ["a.example", "b.example"]);
  expect(result.allowed ? "allowed" : result.body.code).toBe("domain_not_allowed");
});

it("treats a repeated identical domain as one", async () => {
  const { secret } = await latchkey.tokens.create({ principal: await latchkey.operator("default"), ip: null }, { name: "t", scopes: ["domains_read"] });
  await latchkey.domains.add({ principal: await latchkey.operator("default"), ip: null }, "example.com");
  const result = await createScopeGuard("domains", { latchkey }).check("GET", `Bearer ${secret}`, ["example.com", "example.com"]);
  expect(result.allowed).toBe(true);
});
