/** The shared decision of the middleware: a domain value of the wrong shape is refused, never a crash (found by the break test). */
import { afterEach, expect, it } from "vitest";
import { createScopeGuard } from "../../src/middleware/scope-guard.js";
import { Latchkey } from "../../src/service/latchkey.js";

let latchkey: Latchkey | undefined;
afterEach(async () => {
  await latchkey?.close();
});

it.each([
  ["an object (qs's ?domain[a]=x)", { a: "other.org" }],
  ["an array holding an object", [{ a: "x" }]],
  ["a number", 7],
])("refuses a domain given as %s with domain_not_allowed", async (_label, domain) => {
  latchkey = await Latchkey.open({ databaseUrl: "sqlite::memory:" });
  const { secret } = await latchkey.tokens.create({ principal: await latchkey.operator("default"), ip: null }, { name: "t", scopes: ["analytics_read"] });
  const guard = createScopeGuard("analytics", { latchkey });
  const result = await guard.check("GET", `Bearer ${secret}`, domain as never);
  expect(result).toMatchObject({ allowed: false, status: 403, body: { code: "domain_not_allowed" } });
});
