/**
 * Configuration (src/cli/config.ts, src/cli/config-settings.ts): every problem at once, one line
 * each naming the variable; `latchkey config check`; the LATCHKEY_CONFIG YAML file below the
 * environment; secrets from `*_FILE`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkConfig } from "../../src/cli/config.js";
import { runCli } from "../../src/cli/main.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder with the given files. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "latchkey-config-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function cli(env: Record<string, string>, ...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["node", "latchkey", ...args], { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => "" }, env);
  return { code, out, err };
}

describe("configuration", () => {
  it("reports every problem at once, one line each naming the variable", () => {
    const { config, problems } = checkConfig({
      LATCHKEY_PORT: "eighty",
      LATCHKEY_LOG_LEVEL: "loud",
      LATCHKEY_REDIS_URL: "http://cache",
      LATCHKEY_TOKEN_PREFIX: "LK",
      LATCHKEY_VERIFY_KEY: "short",
      LATCHKEY_METRICS_TOKEN: "short",
      LATCHKEY_DATABASE_URL: "mysql://db",
      LATCHKEY_WEBHOOK_ALLOW_PRIVATE: "yes",
    });
    expect(config).toBeNull();
    const named = problems.map((p) => /^LATCHKEY_[A-Z_]+/.exec(p)?.[0]);
    expect(named).toEqual(["LATCHKEY_PORT", "LATCHKEY_DATABASE_URL", "LATCHKEY_TOKEN_PREFIX", "LATCHKEY_LOG_LEVEL", "LATCHKEY_REDIS_URL", "LATCHKEY_VERIFY_KEY", "LATCHKEY_METRICS_TOKEN", "LATCHKEY_WEBHOOK_ALLOW_PRIVATE"]);
    for (const problem of problems) expect(problem).not.toContain("\n");
  });

  it("reads a YAML file named by LATCHKEY_CONFIG, below the environment and the flags", () => {
    const dir = folder({ "latchkey.yaml": "port: 9090\nhost: 0.0.0.0\nlog_level: warn\nexpiry_reminder_days: [14, 2]\ntrust_proxy: [10.0.0.1, 10.0.0.2]\n" });
    const env = { LATCHKEY_CONFIG: join(dir, "latchkey.yaml"), LATCHKEY_HOST: "127.0.0.2" };
    const { config } = checkConfig(env, { logLevel: "error" });
    expect(config).toMatchObject({ port: 9090, host: "127.0.0.2", logLevel: "error", trustProxy: ["10.0.0.1", "10.0.0.2"], events: { expiryReminderDays: [14, 2] } });
  });

  it("refuses a config file with an unknown key, a bad value or bad YAML, naming LATCHKEY_CONFIG", () => {
    const cases: [string, RegExp][] = [
      ["prot: 9090\n", /LATCHKEY_CONFIG: .*unknown setting "prot"/],
      ["port: [1, {a: 2}]\n", /LATCHKEY_CONFIG: .*port must be a string/],
      ["port: 9090\n  host: x: y\n", /LATCHKEY_CONFIG: .* is not valid YAML/],
      ["- port\n", /LATCHKEY_CONFIG: .* must be a mapping/],
    ];
    for (const [text, message] of cases) {
      const dir = folder({ "c.yaml": text });
      expect(checkConfig({ LATCHKEY_CONFIG: join(dir, "c.yaml") }).problems.join("\n"), text).toMatch(message);
    }
    expect(checkConfig({ LATCHKEY_CONFIG: "/nonexistent/latchkey.yaml" }).problems).toEqual([expect.stringMatching(/^LATCHKEY_CONFIG: cannot read \/nonexistent\/latchkey.yaml \(ENOENT\); check the path/)]);
  });

  it("reads secrets from the files named by *_FILE, one trailing newline dropped", () => {
    const dir = folder({ verify: "verify-key-0123456789\n", metrics: "metrics-token-0123456789\n", smtp: "p@ss word\n", db: "postgres://latchkey:pw@db.example.com/latchkey\n" });
    const { config, problems } = checkConfig({
      LATCHKEY_VERIFY_KEY_FILE: join(dir, "verify"),
      LATCHKEY_METRICS_TOKEN_FILE: join(dir, "metrics"),
      LATCHKEY_SMTP_URL: "smtp://mailer@mail.example.com:587",
      LATCHKEY_SMTP_PASSWORD_FILE: join(dir, "smtp"),
      LATCHKEY_SMTP_FROM: "latchkey <n@example.com>",
      LATCHKEY_DATABASE_URL_FILE: join(dir, "db"),
    });
    expect(problems).toEqual([]);
    expect(config?.verifyKey).toBe("verify-key-0123456789");
    expect(config?.metricsToken).toBe("metrics-token-0123456789");
    expect(config?.databaseUrl).toBe("postgres://latchkey:pw@db.example.com/latchkey");
    expect(new URL(config?.events.smtpUrl ?? "").password).toBe(encodeURIComponent("p@ss word"));
  });

  it("refuses a *_FILE that cannot be read, one of a setting that is no secret, and a secret given twice", () => {
    const dir = folder({ key: "verify-key-0123456789" });
    const { problems } = checkConfig({
      LATCHKEY_METRICS_TOKEN_FILE: "/nonexistent/token",
      LATCHKEY_PORT_FILE: join(dir, "key"),
      LATCHKEY_VERIFY_KEY: "verify-key-abcdefghij",
      LATCHKEY_VERIFY_KEY_FILE: join(dir, "key"),
    });
    expect(problems).toHaveLength(3);
    expect(problems).toContainEqual(expect.stringMatching(/^LATCHKEY_PORT_FILE: LATCHKEY_PORT cannot be read from a file/));
    expect(problems).toContainEqual(expect.stringMatching(/^LATCHKEY_VERIFY_KEY_FILE: give LATCHKEY_VERIFY_KEY or LATCHKEY_VERIFY_KEY_FILE, not both/));
    expect(problems).toContainEqual(expect.stringMatching(/^LATCHKEY_METRICS_TOKEN_FILE: cannot read \/nonexistent\/token \(ENOENT\)/));
  });

  it("latchkey config check exits 0 on a good configuration, naming where each setting came from, and no secret", async () => {
    const dir = folder({ "c.yaml": "port: 9091\n", verify: "verify-key-0123456789" });
    const res = await cli({ LATCHKEY_CONFIG: join(dir, "c.yaml"), LATCHKEY_VERIFY_KEY_FILE: join(dir, "verify"), LATCHKEY_HOST: "0.0.0.0" }, "config", "check");
    expect(res.err).toEqual([]);
    expect(res.code).toBe(0);
    expect(res.out.join("\n")).toMatch(/^configuration ok; set: LATCHKEY_CONFIG \(environment\), LATCHKEY_HOST \(environment\), LATCHKEY_PORT \(config file\), LATCHKEY_VERIFY_KEY \(secret file\)$/);
    expect(res.out.join("\n")).not.toContain("verify-key-0123456789");
  });

  it("latchkey config check exits 1 and prints every problem, the named files' too", async () => {
    const res = await cli({ LATCHKEY_PORT: "99999", LATCHKEY_USAGE_RETENTION_DAYS: "0" }, "config", "check");
    expect(res.code).toBe(1);
    expect(res.err).toEqual([expect.stringMatching(/^error: LATCHKEY_PORT must be a port number/), expect.stringMatching(/^error: LATCHKEY_USAGE_RETENTION_DAYS must be/)]);
    const files = await cli({ LATCHKEY_SCOPES_FILE: "/nonexistent/scopes.json", LATCHKEY_LEAK_KEYS_FILE: "/nonexistent/keys.json" }, "config", "check");
    expect(files.code).toBe(1);
    expect(files.err).toEqual([expect.stringMatching(/^error: LATCHKEY_SCOPES_FILE \/nonexistent\/scopes.json/), expect.stringMatching(/^error: LATCHKEY_LEAK_KEYS_FILE \/nonexistent\/keys.json/)]);
  });

  it("serve refuses to start with every problem as a JSON line naming its setting, exit 3", async () => {
    const res = await cli({ LATCHKEY_PORT: "x", LATCHKEY_REVOCATION_TIMEOUT_MS: "0" }, "serve");
    expect(res.code).toBe(3);
    expect(res.out).toEqual([]);
    const lines = res.err.map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.level, l.setting])).toEqual([
      [60, "LATCHKEY_PORT"],
      [60, "LATCHKEY_REVOCATION_TIMEOUT_MS"],
    ]);
  });
});
