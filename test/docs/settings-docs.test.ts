/** The README's configuration table lists exactly the settings the code reads (src/cli/config-settings.ts). */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { SETTINGS } from "../../src/cli/config-settings.js";

it("documents every setting in the README's table, and no other", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 5));
  const documented = [...section.matchAll(/^\| `(LATCHKEY_[A-Z_]+)` \|/gm)].map((m) => m[1]);
  expect(documented.sort()).toEqual(SETTINGS.map((s) => s.name).sort());
});
