/**
 * `Latchkey.verifySync` (issue 18): the same decisions as `verify`, without a promise when the answer
 * is ready at once (a cached record, a missing or malformed secret; on SQLite a direct read too), and
 * with the promise otherwise (PostgreSQL on a miss).
 */
import { describe, expect, it } from "vitest";
import type { VerifyDecision } from "../../src/core/verify-decision.js";
import { openApiHarness } from "../helpers/api-harness.js";

const onPostgres = process.env.LATCHKEY_TEST_STORE === "postgres";
/**
 * On PostgreSQL the cache is trusted only while the instance hears its own heartbeat (issue 11); on a
 * loaded machine a late heartbeat makes a verification read (a promise), as it must. So an "at once"
 * check is taken right after the cache is seen trusted, and taken again when trust lapsed meanwhile.
 */
async function whileTrusted<T>(h: { latchkey: { verifier: { isCacheTrusted: boolean } } }, check: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    await expect.poll(() => h.latchkey.verifier.isCacheTrusted).toBe(true);
    const result = await check();
    if (h.latchkey.verifier.isCacheTrusted || attempt >= 4) return result;
  }
}
const settle = async (answer: VerifyDecision | Promise<VerifyDecision>): Promise<VerifyDecision> => (answer instanceof Promise ? await answer : answer);

describe("Latchkey.verifySync", () => {
  it("answers as verify does, and at once for each kind of secret the cache or the format decides", async () => {
    const h = await openApiHarness();
    const domainId = await h.addDomain("example.com");
    const reader = await h.mint({ scopes: ["domains_read"], domains: [domainId] });
    const cases = [
      { label: "allowed", input: { token: reader.secret, method: "GET", area: "domains", domain: "example.com" }, code: "ok" },
      { label: "scope missing", input: { token: reader.secret, method: "DELETE", area: "domains", domain: "example.com" }, code: "scope_missing" },
      { label: "other domain", input: { token: reader.secret, method: "GET", area: "domains", domain: "other.example" }, code: "domain_not_allowed" },
      { label: "all domains, named", input: { token: h.root.secret, method: "GET", area: "domains", domain: "example.com" }, code: "ok" },
      { label: "missing", input: { token: null, method: "GET", area: "domains" }, code: "token_missing" },
      { label: "malformed", input: { token: `${reader.secret.slice(0, -1)}${reader.secret.endsWith("A") ? "B" : "A"}`, method: "GET", area: "domains" }, code: "token_malformed" },
    ];
    for (const { label, input, code } of cases) {
      const [expected, answer] = await whileTrusted(h, async () => {
        const filled = await h.latchkey.verify(input); // fills the cache
        return [filled, h.latchkey.verifySync(input)] as const;
      });
      expect(expected.code, label).toBe(code);
      expect(answer instanceof Promise, `${label}: answered at once`).toBe(false);
      const decision = await settle(answer);
      expect({ allowed: decision.allowed, code: decision.code, status: decision.status }, label).toEqual({ allowed: expected.allowed, code: expected.code, status: expected.status });
    }
  });

  it("hands back a promise only when it must wait, and sees a pause at once", async () => {
    const h = await openApiHarness();
    const token = await h.mint({ scopes: ["domains_read"] });
    const input = { token: token.secret, method: "GET", area: "domains" };
    const first = h.latchkey.verifySync(input); // a miss: a direct read on SQLite, a wait on PostgreSQL
    expect(first instanceof Promise).toBe(onPostgres);
    expect((await settle(first)).code).toBe("ok");
    expect(await whileTrusted(h, async () => h.latchkey.verifySync(input) instanceof Promise)).toBe(false);
    const paused = await h.call("PUT", `/v1/token/${token.id}`, { body: { status: "pause" } });
    expect(paused.status).toBe(200);
    expect((await settle(h.latchkey.verifySync(input))).code).toBe("token_paused");
  });
});
