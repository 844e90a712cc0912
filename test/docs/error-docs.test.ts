/** Keeps docs/errors.md, the error catalog and the verify contract in step (after Fastify's error docs test). */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { ERROR_CATALOG } from "../../src/core/error-catalog.js";

const rows = readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8")
  .split("\n")
  .map((line) => /^\| `([a-z_]+)` \| (\d{3}) \| (.*) \|$/.exec(line))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => ({ code: m[1], status: Number(m[2]), message: m[3] }));

it("documents every code of the catalog with its status and message, and nothing else", () => {
  const catalog = Object.entries(ERROR_CATALOG).map(([code, entry]) => ({ code, status: entry.status, message: entry.message }));
  expect(rows).toEqual(catalog);
});

it("gives each 401 and 403 of DESIGN.md's verification table the status the design names", () => {
  const design: Record<string, number> = {
    token_missing: 401,
    token_malformed: 401,
    token_unknown: 401,
    token_paused: 401,
    token_expired: 401,
    token_parent_inactive: 401,
    scope_missing: 403,
    domain_not_allowed: 403,
    unknown_area: 400,
  };
  for (const [code, status] of Object.entries(design)) expect(ERROR_CATALOG[code as keyof typeof ERROR_CATALOG].status, code).toBe(status);
});
