/**
 * The layer rules of .dependency-cruiser.cjs (run by `npm run lint`) can fail: over a small tree of
 * files that break each rule once, dependency-cruiser reports exactly those rules; over the real tree,
 * none. The hand-written guard of core's imports stays in src/core/core-imports.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cruise, type IConfiguration } from "dependency-cruiser";
import { afterAll, expect, it } from "vitest";

const config = createRequire(import.meta.url)("../../.dependency-cruiser.cjs") as IConfiguration;
const root = mkdtempSync(join(tmpdir(), "lk-layers-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Files that each break one rule (and the harmless ones they import). */
const BAD_TREE: Record<string, string> = {
  "src/core/rule.ts": 'import { openDb } from "../store/db.js";\nimport { readFileSync } from "node:fs";\nexport const rule = [openDb, readFileSync];\n',
  "src/store/db.ts": 'export const openDb = 1;\n',
  "src/store/uses-service.ts": 'import { useCase } from "../service/use-case.js";\nexport const x = useCase;\n',
  "src/service/use-case.ts": 'export const useCase = 1;\n',
  "src/service/uses-http.ts": 'import { route } from "../http/route.js";\nexport const y = route;\n',
  "src/http/route.ts": 'export const route = 1;\n',
  "src/cli/command.ts": 'import { openDb } from "../store/db.js";\nexport const c = openDb;\n',
  "src/http/uses-cli.ts": 'import { c } from "../cli/command.js";\nexport const d = c;\n',
  "src/client/client.ts": 'import { useCase } from "../service/use-case.js";\nexport const e = useCase;\n',
  "src/http/uses-web.ts": 'import { page } from "../../web/src/page.js";\nexport const f = page;\n',
  "web/src/page.ts": 'import { useCase } from "../../src/service/use-case.js";\nexport const page = useCase;\n',
  "src/http/a.ts": 'import type { B } from "./b.js";\nexport type A = { b?: B };\n',
  "src/http/b.ts": 'import type { A } from "./a.js";\nexport type B = { a?: A };\n',
};

it("reports each broken layer rule over a tree that breaks each once", async () => {
  for (const [path, text] of Object.entries(BAD_TREE)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  writeFileSync(join(root, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true }, include: ["src", "web"] }));
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const result = await cruise(["src", "web/src"], { ruleSet: config, validate: true, ...config.options, tsConfig: { fileName: "tsconfig.json" } });
    const output = typeof result.output === "string" ? JSON.parse(result.output) : result.output;
    const found = new Set<string>(output.summary.violations.map((v: { rule: { name: string } }) => v.rule.name));
    expect([...found].sort()).toEqual(
      ["cli-is-an-entry-point", "client-stands-alone", "core-is-pure", "no-circular", "no-skip-past-service", "server-below-web", "service-below-its-callers", "store-below-service", "web-is-browser-safe"].sort(),
    );
  } finally {
    process.chdir(cwd);
  }
});

it("finds no violation in the real tree", async () => {
  const result = await cruise(["src", "web/src"], { ruleSet: config, validate: true, ...config.options });
  const output = typeof result.output === "string" ? JSON.parse(result.output) : result.output;
  expect(output.summary.violations.map((v: { rule: { name: string }; from: string; to: string }) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
});
