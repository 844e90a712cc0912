/**
 * The middleware and the client load no web framework and no database code at run time: Express,
 * Hono and Fastify are type-only imports (so none is a dependency an app must install for another's
 * adapter), and the service layer (which opens SQLite or PostgreSQL) is reached by type only.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const dirs = ["middleware", "client"].map((d) => new URL(`../../src/${d}/`, import.meta.url));
const files = dirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts")).map((f) => new URL(f, dir)));
const FORBIDDEN = /^(express|hono|fastify|@hono\/.*|better-sqlite3|pg|kysely|\.\.\/service\/.*|\.\.\/store\/.*)$/;

function runtimeImports(source: string): string[] {
  const specifiers: string[] = [];
  for (const match of source.matchAll(/^(import|export)\s+(?!type\b)([^;]*?)\s+from\s+"([^"]+)"/gms)) {
    const clause = match[2] ?? "";
    // `import { type A, type B } from` is erased too.
    const names = /^\{([^}]*)\}$/.exec(clause.trim())?.[1];
    if (names?.split(",").every((n) => n.trim() === "" || n.trim().startsWith("type "))) continue;
    specifiers.push(match[3] ?? "");
  }
  return specifiers;
}

describe.each(files.map((f) => [f.pathname.split("/src/")[1], f] as const))("%s", (_name, file) => {
  it("imports no framework, database or service module at run time", () => {
    expect(runtimeImports(readFileSync(file, "utf8")).filter((s) => FORBIDDEN.test(s))).toEqual([]);
  });
});

it("tells a runtime import from a type-only one", () => {
  const source = 'import type { Request } from "express";\nimport { type Context } from "hono";\nimport Fastify from "fastify";\nexport { x } from "../service/latchkey.js";\n';
  expect(runtimeImports(source)).toEqual(["fastify", "../service/latchkey.js"]);
});
