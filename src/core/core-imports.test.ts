/**
 * STYLE.md: "core imports nothing but node:crypto and itself; a test fails if that changes."
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CORE_DIR = dirname(fileURLToPath(import.meta.url));

/** Every module specifier in a source text: static imports and re-exports, side-effect imports, import(), require(). */
function specifiersOf(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1] ?? ""));
}

function allowed(specifier: string): boolean {
  return specifier === "node:crypto" || (specifier.startsWith("./") && !specifier.slice(2).includes("/"));
}

const CORE_FILES = readdirSync(CORE_DIR).filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"));

describe("core imports", () => {
  it("finds the core files", () => {
    expect(CORE_FILES).toEqual(expect.arrayContaining(["catalogue.ts", "verify-decision.ts", "random-source.ts"]));
  });

  it("reads the imports of a real core file", () => {
    const specifiers = specifiersOf(readFileSync(join(CORE_DIR, "verify-decision.ts"), "utf8"));
    expect(specifiers).toEqual(expect.arrayContaining(["./catalogue.js", "./permissions.js"]));
  });

  it.each(CORE_FILES)("%s imports only node:crypto and other core files", (name) => {
    const specifiers = specifiersOf(readFileSync(join(CORE_DIR, name), "utf8"));
    expect(specifiers.filter((s) => !allowed(s))).toEqual([]);
  });
});

describe("the import scanner", () => {
  it.each([
    ['import { x } from "./catalogue.js";', ["./catalogue.js"]],
    ['import type { X } from "../store/db.js";', ["../store/db.js"]],
    ['import {\n  a,\n  b,\n} from "kysely";', ["kysely"]],
    ["import * as fs from 'node:fs';", ["node:fs"]],
    ['import "reflect-metadata";', ["reflect-metadata"]],
    ['export { a } from "../http/x.js";', ["../http/x.js"]],
    ['export * from "fastify";', ["fastify"]],
    ['const m = await import("pg");', ["pg"]],
    ['const r = require("better-sqlite3");', ["better-sqlite3"]],
  ])("reads the specifier of %j", (source, specifiers) => {
    expect(specifiersOf(source)).toEqual(specifiers);
  });

  it.each(["node:fs", "node:crypto/x", "crypto", "../service/x.js", "./sub/x.js", "fastify"])("refuses %j", (specifier) => {
    expect(allowed(specifier)).toBe(false);
  });

  it.each(["node:crypto", "./catalogue.js"])("allows %j", (specifier) => {
    expect(allowed(specifier)).toBe(true);
  });
});
