/**
 * Token names that could pass for another (found by the break test): bidirectional controls,
 * zero-width characters, a BOM, nothing visible. Create and rename refuse them with 422 naming `name`
 * and the rule, and change nothing; a name stored before the rule still shows and can be renamed.
 */
import { expect, it } from "vitest";
import { TOKEN_NAME_PROBLEMS } from "../../src/core/input-rules.js";
import { openApiHarness } from "../helpers/api-harness.js";

const REFUSED: ReadonlyArray<readonly [label: string, name: string, problem: string]> = [
  ["a right-to-left override", "prod\u202Eved", TOKEN_NAME_PROBLEMS.bidi],
  ["a right-to-left isolate", "a\u2067b", TOKEN_NAME_PROBLEMS.bidi],
  ["an Arabic letter mark", "a\u061Cb", TOKEN_NAME_PROBLEMS.bidi],
  ["a left-to-right mark", "a\u200Eb", TOKEN_NAME_PROBLEMS.bidi],
  ["a zero-width space", "ad\u200Bmin", TOKEN_NAME_PROBLEMS.invisible],
  ["a word joiner", "ad\u2060min", TOKEN_NAME_PROBLEMS.invisible],
  ["a BOM in front", "\uFEFFadmin", TOKEN_NAME_PROBLEMS.invisible],
  ["only a Hangul filler", "\u3164", TOKEN_NAME_PROBLEMS.invisible],
  ["only braille blanks", "\u2800\u2800", TOKEN_NAME_PROBLEMS.noVisible],
];

it("refuses to create a token whose name hides characters, with 422 naming name and the rule, and creates nothing", async () => {
  const h = await openApiHarness();
  const before = (await h.call("GET", "/v1/token")).body.meta.total;
  for (const [label, name, problem] of REFUSED) {
    const response = await h.call("POST", "/v1/token", { body: { name, scopes: ["email_full"] } });
    expect([response.status, response.body.code, response.body.errors], label).toEqual([422, "validation_failed", { name: [problem] }]);
  }
  expect((await h.call("GET", "/v1/token")).body.meta.total).toBe(before);
});

it("refuses to rename a token to such a name, and keeps its name", async () => {
  const h = await openApiHarness();
  const token = await h.mint({ name: "deploy" });
  for (const [label, name, problem] of REFUSED) {
    const response = await h.call("PUT", `/v1/token/${token.id}`, { body: { name } });
    expect([response.status, response.body.errors], label).toEqual([422, { name: [problem] }]);
  }
  expect((await h.call("GET", `/v1/token/${token.id}`)).body.data.name).toBe("deploy");
});

it("still shows, pauses and renames a token whose name was stored before the rule", async () => {
  const h = await openApiHarness();
  const token = await h.mint({ name: "legacy" });
  const account = await h.latchkey.store.findAccountByName("default");
  await h.latchkey.store.updateToken(account?.id ?? "", token.id, { name: "prod\u202Eved\u200B", updated_at: new Date().toISOString() });
  expect((await h.call("GET", `/v1/token/${token.id}`)).body.data.name).toBe("prod\u202Eved\u200B");
  expect((await h.call("GET", "/v1/token")).body.data.map((t: { name: string }) => t.name)).toContain("prod\u202Eved\u200B");
  expect((await h.call("PUT", `/v1/token/${token.id}/settings`, { body: { status: "pause" } })).status).toBe(200);
  const renamed = await h.call("PUT", `/v1/token/${token.id}`, { body: { name: "prod-dev" } });
  expect([renamed.status, renamed.body.data.name]).toEqual([200, "prod-dev"]);
});
