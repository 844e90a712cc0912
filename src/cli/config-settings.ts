/**
 * Where each setting's text comes from, and the list of every setting (docs/operations.md has the
 * same list as a table; test/docs/settings-docs.test.ts keeps the two in step).
 *
 * Precedence, highest first: the command-line flag (where there is one), the environment variable,
 * the environment variable `NAME_FILE` naming a file that holds the value (secret settings only, as
 * container platforms pass secrets; one trailing newline is dropped), the YAML file of
 * LATCHKEY_CONFIG (keys are the names without `LATCHKEY_`, lower-case: `port: 8080`), the default.
 * Problems are collected, never thrown one at a time, so that a start reports all of them at once.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";

/** One setting: its variable, its flag (if any), whether it may hold a secret, its default. */
export interface SettingSpec {
  /** The environment variable, e.g. `LATCHKEY_PORT`. */
  readonly name: string;
  /** The command-line flag, e.g. `--port`, or null (environment and file only). */
  readonly flag: string | null;
  /** Also readable from the file named by `NAME_FILE`; never printed. */
  readonly secret: boolean;
  /** The text used when no source gives one ("" means none). */
  readonly fallback: string;
}

const setting = (name: string, fallback: string, options: { flag?: string; secret?: boolean } = {}): SettingSpec => ({ name, flag: options.flag ?? null, secret: options.secret === true, fallback });

/** Every setting latchkey reads (LATCHKEY_CONFIG itself is environment only and names the file). */
export const SETTINGS: readonly SettingSpec[] = [
  setting("LATCHKEY_CONFIG", ""),
  setting("LATCHKEY_HOST", "127.0.0.1", { flag: "--host" }),
  setting("LATCHKEY_PORT", "8080", { flag: "--port" }),
  setting("LATCHKEY_DATABASE_URL", "sqlite:./data/latchkey.db", { flag: "--database-url", secret: true }),
  setting("LATCHKEY_SCOPES_FILE", "", { flag: "--scopes-file" }),
  setting("LATCHKEY_ROUTES_FILE", "", { flag: "--routes-file" }),
  setting("LATCHKEY_PUBLIC_URL", "", { flag: "--public-url" }),
  setting("LATCHKEY_TOKEN_PREFIX", "lk_", { flag: "--token-prefix" }),
  setting("LATCHKEY_LOG_LEVEL", "info", { flag: "--log-level" }),
  setting("LATCHKEY_FAILED_ATTEMPTS_PER_MINUTE", "30", { flag: "--failed-attempts-per-minute" }),
  setting("LATCHKEY_REDIS_URL", "", { flag: "--redis-url", secret: true }),
  setting("LATCHKEY_RATE_LIMIT_WHEN_REDIS_DOWN", "open"),
  setting("LATCHKEY_USAGE_RETENTION_DAYS", "90"),
  setting("LATCHKEY_TRUST_PROXY", "false", { flag: "--trust-proxy" }),
  setting("LATCHKEY_VERIFY_KEY", "", { secret: true }),
  setting("LATCHKEY_METRICS_TOKEN", "", { secret: true }),
  setting("LATCHKEY_SECRET_KEY", "", { secret: true }),
  setting("LATCHKEY_REVOCATION_TIMEOUT_MS", "1000"),
  setting("LATCHKEY_SMTP_URL", "", { secret: true }),
  setting("LATCHKEY_SMTP_PASSWORD", "", { secret: true }),
  setting("LATCHKEY_SMTP_FROM", ""),
  setting("LATCHKEY_WEBHOOK_ALLOW_PRIVATE", "false"),
  setting("LATCHKEY_LEAK_KEYS_FILE", ""),
  setting("LATCHKEY_EXPIRY_REMINDER_DAYS", "7,1"),
  setting("LATCHKEY_WEBHOOK_RETENTION_DAYS", "30"),
  setting("LATCHKEY_SHUTDOWN_TIMEOUT_MS", "10000"),
];

const BY_NAME = new Map(SETTINGS.map((s) => [s.name, s]));

/** The config file's key of a setting: `LATCHKEY_DATABASE_URL` -> `database_url`. */
export function fileKeyOf(name: string): string {
  return name.slice("LATCHKEY_".length).toLowerCase();
}

/** Reads setting texts from the sources in order of precedence, collecting problems. */
export class SettingSources {
  /** One line per problem, each naming the variable and its rule. */
  readonly problems: string[] = [];
  private readonly file: ReadonlyMap<string, string>;

  /**
   * @param env the environment (process.env).
   * @param flags flag values by variable name (only those given).
   */
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly flags: ReadonlyMap<string, string>,
  ) {
    this.file = this.readConfigFile();
    for (const name of Object.keys(env)) {
      if (!name.startsWith("LATCHKEY_") || !name.endsWith("_FILE") || BY_NAME.has(name)) continue;
      const base = name.slice(0, -"_FILE".length);
      const spec = BY_NAME.get(base);
      if (spec === undefined) continue;
      if (!spec.secret) this.problems.push(`${name}: ${base} cannot be read from a file (only secret settings can: ${SETTINGS.filter((s) => s.secret).map((s) => s.name).join(", ")})`);
      else if ((env[base] ?? "") !== "" && (env[name] ?? "") !== "") this.problems.push(`${name}: give ${base} or ${name}, not both`);
    }
  }

  /** Where the setting's value comes from: flag, environment, file (`NAME_FILE`), config file or default. */
  sourceOf(name: string): "flag" | "environment" | "secret file" | "config file" | "default" {
    if (this.flags.has(name)) return "flag";
    if ((this.env[name] ?? "") !== "") return "environment";
    if (BY_NAME.get(name)?.secret === true && (this.env[`${name}_FILE`] ?? "") !== "") return "secret file";
    if (this.file.has(name)) return "config file";
    return "default";
  }

  /** The setting's text (trimmed), from the highest source that gives one, or its default. */
  text(name: string): string {
    const spec = BY_NAME.get(name);
    if (spec === undefined) throw new Error(`no setting ${name}`);
    const flag = this.flags.get(name);
    if (flag !== undefined && flag !== "") return flag.trim();
    const fromEnv = (this.env[name] ?? "").trim();
    if (fromEnv !== "") return fromEnv;
    if (spec.secret) {
      const path = (this.env[`${name}_FILE`] ?? "").trim();
      if (path !== "") return this.readSecretFile(name, path);
    }
    return this.file.get(name) ?? spec.fallback;
  }

  private readSecretFile(name: string, path: string): string {
    try {
      return readFileSync(path, "utf8").replace(/\r?\n$/, "").trim();
    } catch (error) {
      this.problems.push(`${name}_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"}); check the path and that latchkey's user may read it`);
      return "";
    }
  }

  /** The YAML file of LATCHKEY_CONFIG as setting texts by variable name (empty without one). */
  private readConfigFile(): Map<string, string> {
    const values = new Map<string, string>();
    const path = (this.env.LATCHKEY_CONFIG ?? "").trim();
    if (path === "") return values;
    let parsed: unknown;
    try {
      parsed = parseYaml(readFileSync(path, "utf8"));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      this.problems.push(code !== undefined && !code.includes("YAML") && code.startsWith("E") ? `LATCHKEY_CONFIG: cannot read ${path} (${code}); check the path and that latchkey's user may read it` : `LATCHKEY_CONFIG: ${path} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
      return values;
    }
    if (parsed === null || parsed === undefined) return values;
    if (typeof parsed !== "object" || Array.isArray(parsed)) {
      this.problems.push(`LATCHKEY_CONFIG: ${path} must be a mapping of settings, e.g. "port: 8080"`);
      return values;
    }
    const keys = new Map(SETTINGS.filter((s) => s.name !== "LATCHKEY_CONFIG").map((s) => [fileKeyOf(s.name), s.name]));
    for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
      const name = keys.get(key);
      if (name === undefined) {
        this.problems.push(`LATCHKEY_CONFIG: ${path}: unknown setting "${key}" (keys are the variables' names without LATCHKEY_, lower-case, e.g. port, database_url)`);
        continue;
      }
      if (Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number")) values.set(name, value.join(","));
      else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") values.set(name, String(value).trim());
      else if (value !== null) this.problems.push(`LATCHKEY_CONFIG: ${path}: ${key} must be a string, a number, a boolean or a list of them`);
    }
    return values;
  }
}
