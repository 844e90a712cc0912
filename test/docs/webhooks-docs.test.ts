/**
 * docs/webhooks.md gives the regular expression to register with a secret scanner: it must match
 * every secret latchkey makes (default prefix), whole, and nothing one character short or long.
 */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { generateSecret } from "../../src/core/token-secret.js";
import { seededRandom } from "../../src/core/random-source.js";

it("the documented scanner expression matches latchkey's secrets and only them", () => {
  const doc = readFileSync("docs/webhooks.md", "utf8");
  const source = /<!-- secret-regex -->\n```\n(.+)\n```/.exec(doc)?.[1];
  expect(source).toBeDefined();
  const pattern = new RegExp(source ?? "^$");
  const random = seededRandom(15);
  for (let i = 0; i < 200; i++) {
    const secret = generateSecret("lk_", random);
    expect(pattern.exec(`API_KEY=${secret}\n`)?.[0]).toBe(secret);
    expect(pattern.test(secret.slice(0, -1))).toBe(false);
    expect(pattern.test(`${secret}x`)).toBe(false);
  }
});
