/**
 * LATCHKEY_SECRET_KEY (issue 16; src/service/secret-key.ts): read from the environment or the file of
 * LATCHKEY_SECRET_KEY_FILE, checked at start with an error naming the variable and never its value;
 * `config check` warns of PostgreSQL without a key; `serve` refuses to start with a bad one.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkConfig } from "../../src/cli/config.js";
import { runCli } from "../../src/cli/main.js";

const KEY_HEX = "2a".repeat(32);
const KEY_BASE64 = Buffer.alloc(32, 42).toString("base64");

async function cli(env: Record<string, string>, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["node", "latchkey", ...args], { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => "" }, env);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("LATCHKEY_SECRET_KEY", () => {
  it.each([
    ["hex", KEY_HEX],
    ["base64", KEY_BASE64],
  ])("reads a key given as %s", (_form, text) => {
    const { config, problems } = checkConfig({ LATCHKEY_SECRET_KEY: text });
    expect(problems).toEqual([]);
    expect(config?.secretKey).toEqual(new Uint8Array(32).fill(42));
  });

  it("reads it from the file of LATCHKEY_SECRET_KEY_FILE", () => {
    const file = join(mkdtempSync(join(tmpdir(), "lk-key-config-")), "secret.key");
    writeFileSync(file, `${KEY_BASE64}\n`);
    expect(checkConfig({ LATCHKEY_SECRET_KEY_FILE: file }).config?.secretKey).toEqual(new Uint8Array(32).fill(42));
  });

  it("refuses a key that is not 32 bytes, naming the variable and not the value", () => {
    const { config, problems } = checkConfig({ LATCHKEY_SECRET_KEY: "my secret passphrase" });
    expect(config).toBeNull();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^LATCHKEY_SECRET_KEY .*must be 32 bytes/);
    expect(problems[0]).not.toContain("my secret passphrase");
  });

  it("serve refuses to start with a bad key, one fatal line naming the variable", async () => {
    const started = await cli({ LATCHKEY_SECRET_KEY: "too short", LATCHKEY_DATABASE_URL: "sqlite::memory:" }, ["serve"]);
    expect(started.code).not.toBe(0);
    const line = JSON.parse(started.err.split("\n")[0] as string) as { level: number; setting: string; msg: string };
    expect([line.level, line.setting]).toEqual([60, "LATCHKEY_SECRET_KEY"]);
    expect(started.err).not.toContain("too short");
  });

  it("config check warns of PostgreSQL without a key, and not with one", async () => {
    const postgres = { LATCHKEY_DATABASE_URL: "postgres://latchkey@127.0.0.1:5432/latchkey" };
    const without = await cli(postgres, ["config", "check"]);
    expect(without.code).toBe(0);
    expect(without.err).toMatch(/^warning: LATCHKEY_SECRET_KEY is not set: on PostgreSQL two-factor sign-in cannot be set up/);
    const given = await cli({ ...postgres, LATCHKEY_SECRET_KEY: KEY_HEX }, ["config", "check"]);
    expect([given.code, given.err]).toEqual([0, ""]);
    expect(given.out).not.toContain(KEY_HEX);
  });
});
