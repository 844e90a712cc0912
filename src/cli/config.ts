/**
 * Configuration: environment variables (DESIGN.md, "Configuration"), overridden by CLI flags of the
 * same names (`--database-url` for LATCHKEY_DATABASE_URL, and so on); secrets also from `NAME_FILE`,
 * and everything also from the YAML file of LATCHKEY_CONFIG, below the environment
 * (src/cli/config-settings.ts). Every problem is reported at once, one line each.
 */
import { SEED_CATALOGUE, type Catalogue } from "../core/catalogue.js";
import { EMPTY_ROUTE_MAP, type RouteMap } from "../core/route-map.js";
import { loadCatalogueFile } from "../service/latchkey.js";
import { loadRouteMapFile } from "../service/route-map-file.js";
import { loadLeakKeys } from "../service/leak-intake.js";
import { sqliteFileOf } from "../service/database-file.js";
import { parseSecretKey, SECRET_KEY_RULE } from "../service/secret-key.js";
import { TOKEN_PREFIX_PATTERN } from "../core/token-secret.js";
import { SETTINGS, SettingSources } from "./config-settings.js";

/** The settings in force. */
export interface Config {
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string;
  /** Path of a JSON catalogue, or null for the seed's. */
  readonly scopesFile: string | null;
  readonly tokenPrefix: string;
  readonly logLevel: string;
  /** Failed verifications/authentications allowed per client address per minute; 0: no limit. */
  readonly failedAttemptsPerMinute: number;
  /** redis://... sharing the failure counters between instances, or null (in memory). */
  readonly redisUrl: string | null;
  /** Shared key POST /v1/verify requires, or null (open). */
  readonly verifyKey: string | null;
  /** Bearer token GET /metrics requires (LATCHKEY_METRICS_TOKEN), or null (open). */
  readonly metricsToken: string | null;
  /** Fastify trustProxy: false, true, or a comma-separated list of proxy addresses/CIDRs. */
  readonly trustProxy: boolean | string[];
  /** Path of the forward-auth route map (JSON, or YAML by extension), or null for none. */
  readonly routesFile: string | null;
  /** Where clients reach latchkey (`https://host[:port][/prefix]`, no trailing slash), for list links; null: links are paths. */
  readonly publicUrl: string | null;
  /** Bound of a pause's wait for every instance to apply it, milliseconds (LATCHKEY_REVOCATION_TIMEOUT_MS, 1..60000). */
  readonly revocationTimeoutMs: number;
  /** Rate windows while Redis is unreachable: open (count in each instance) or closed (503). Issue 14. */
  readonly rateLimitWhenRedisDown: "open" | "closed";
  /** Days of usage counts kept (default 90). */
  readonly usageRetentionDays: number;
  /** Longest wait for requests in flight on SIGTERM, milliseconds (LATCHKEY_SHUTDOWN_TIMEOUT_MS, default 10000; src/cli/shutdown.ts). */
  readonly shutdownTimeoutMs: number;
  /**
   * LATCHKEY_SECRET_KEY (or LATCHKEY_SECRET_KEY_FILE): 32 bytes sealing TOTP secrets at rest
   * (src/service/secret-key.ts), or null: SQLite makes `latchkey-secret.key` beside the database,
   * PostgreSQL has none (two-factor enrolment answers 503).
   */
  readonly secretKey: Uint8Array | null;
  /** Lifecycle events: webhooks, mail, leak reports (environment only; readEventConfig). */
  readonly events: EventConfig;
}

/** Settings of webhooks, mail and leak reports (docs/webhooks.md). */
export interface EventConfig {
  /** LATCHKEY_SMTP_URL (with LATCHKEY_SMTP_PASSWORD put in): smtp:// or smtps://, or null for no mail. */
  readonly smtpUrl: string | null;
  /** LATCHKEY_SMTP_FROM: the From of latchkey's mail. */
  readonly smtpFrom: string;
  /** LATCHKEY_WEBHOOK_ALLOW_PRIVATE: deliver to private, loopback and link-local addresses. */
  readonly webhookAllowPrivate: boolean;
  /** LATCHKEY_LEAK_KEYS_FILE: GitHub's secret-scanning public keys, or null (POST /v1/leaks refuses all). */
  readonly leakKeysFile: string | null;
  /** LATCHKEY_EXPIRY_REMINDER_DAYS: days before expiry to remind, e.g. [7, 1]. */
  readonly expiryReminderDays: readonly number[];
  /** LATCHKEY_WEBHOOK_RETENTION_DAYS: days the delivery log keeps finished deliveries (default 30). */
  readonly webhookRetentionDays: number;
}

/** Configuration problems, one line each naming the variable and its rule (all of them, not the first). */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
  }
}

/**
 * Reads the lifecycle-event settings from the environment.
 *
 * @throws ConfigError naming each variable and its rule.
 */
export function readEventConfig(env: NodeJS.ProcessEnv): EventConfig {
  const sources = new SettingSources(env, new Map());
  const events = eventSettings(sources);
  if (sources.problems.length > 0) throw new ConfigError(sources.problems);
  return events;
}

function eventSettings(sources: SettingSources): EventConfig {
  const problems = sources.problems;
  const value = (name: string): string => sources.text(name);
  let smtpUrl = value("LATCHKEY_SMTP_URL");
  if (smtpUrl !== "" && !/^smtps?:\/\/[^/\s]+/.test(smtpUrl)) problems.push("LATCHKEY_SMTP_URL must be smtp://[user:password@]host[:port] or smtps://...");
  const smtpPassword = value("LATCHKEY_SMTP_PASSWORD");
  if (smtpPassword !== "") {
    if (smtpUrl === "") problems.push("LATCHKEY_SMTP_PASSWORD is the password of LATCHKEY_SMTP_URL's user: set LATCHKEY_SMTP_URL too (smtp://user@host:587)");
    else if (/^smtps?:\/\/[^/\s]+/.test(smtpUrl)) {
      const url = new URL(smtpUrl);
      if (url.username === "") problems.push("LATCHKEY_SMTP_PASSWORD needs a user name in LATCHKEY_SMTP_URL (smtp://user@host:587)");
      else if (url.password !== "") problems.push("LATCHKEY_SMTP_PASSWORD: LATCHKEY_SMTP_URL holds a password already; give it in one place");
      else {
        url.password = encodeURIComponent(smtpPassword);
        smtpUrl = url.toString();
      }
    }
  }
  const smtpFrom = value("LATCHKEY_SMTP_FROM");
  if (smtpUrl !== "" && smtpFrom === "") problems.push("LATCHKEY_SMTP_FROM is required with LATCHKEY_SMTP_URL, e.g. latchkey <noreply@example.com>");
  if (smtpFrom !== "" && !/^[^\r\n]*@[^\r\n]*$/.test(smtpFrom)) problems.push("LATCHKEY_SMTP_FROM must be an e-mail address, e.g. latchkey <noreply@example.com>");
  const allowPrivate = value("LATCHKEY_WEBHOOK_ALLOW_PRIVATE");
  if (allowPrivate !== "true" && allowPrivate !== "false") problems.push("LATCHKEY_WEBHOOK_ALLOW_PRIVATE must be true or false");
  const daysText = value("LATCHKEY_EXPIRY_REMINDER_DAYS");
  const days = daysText.split(",").map((d) => d.trim());
  if (!days.every((d) => /^\d{1,3}$/.test(d) && Number(d) >= 1 && Number(d) <= 365) || new Set(days.map(Number)).size !== days.length) {
    problems.push(`LATCHKEY_EXPIRY_REMINDER_DAYS must be distinct whole days from 1 to 365, comma-separated (e.g. 7,1), not ${JSON.stringify(daysText)}`);
  }
  const retentionText = value("LATCHKEY_WEBHOOK_RETENTION_DAYS");
  if (!/^\d{1,4}$/.test(retentionText) || Number(retentionText) < 1) problems.push(`LATCHKEY_WEBHOOK_RETENTION_DAYS must be a whole number of days, 1 or more, not ${JSON.stringify(retentionText.slice(0, 20))}`);
  const leakKeysFile = value("LATCHKEY_LEAK_KEYS_FILE");
  return {
    webhookRetentionDays: Number(retentionText),
    smtpUrl: smtpUrl === "" ? null : smtpUrl,
    smtpFrom,
    webhookAllowPrivate: allowPrivate === "true",
    leakKeysFile: leakKeysFile === "" ? null : leakKeysFile,
    expiryReminderDays: days.map(Number).sort((a, b) => b - a),
  };
}

/** Flags as commander parses them (camel-cased names of the variables). */
export interface ConfigFlags {
  host?: string;
  port?: string;
  databaseUrl?: string;
  scopesFile?: string;
  tokenPrefix?: string;
  logLevel?: string;
  failedAttemptsPerMinute?: string;
  redisUrl?: string;
  verifyKey?: string;
  trustProxy?: string;
  routesFile?: string;
  publicUrl?: string;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** The flags given, by the variable each stands for (`--database-url` for LATCHKEY_DATABASE_URL). */
export function flagsByName(flags: ConfigFlags): Map<string, string> {
  const byName = new Map<string, string>();
  for (const spec of SETTINGS) {
    if (spec.flag === null) continue;
    const camel = spec.flag.slice(2).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()) as keyof ConfigFlags;
    const given = flags[camel];
    if (given !== undefined && given !== "") byName.set(spec.name, given);
  }
  return byName;
}

/**
 * Reads and checks every setting (flags, environment, `*_FILE`, the LATCHKEY_CONFIG file, defaults;
 * src/cli/config-settings.ts).
 *
 * @returns the settings, or null with every problem (one line each, naming the variable and its rule).
 */
export function checkConfig(env: NodeJS.ProcessEnv, flags: ConfigFlags = {}): { readonly config: Config | null; readonly problems: readonly string[] } {
  const sources = new SettingSources(env, flagsByName(flags));
  const problems = sources.problems;
  const pick = (name: string): string => sources.text(name);
  const portText = pick("LATCHKEY_PORT");
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) problems.push(`LATCHKEY_PORT must be a port number 0..65535, not ${JSON.stringify(portText)}`);
  const host = pick("LATCHKEY_HOST");
  if (/[\s/]/.test(host)) problems.push(`LATCHKEY_HOST must be an address or host name to listen on (e.g. 127.0.0.1, 0.0.0.0, ::), not ${JSON.stringify(host)}`);
  const databaseUrl = pick("LATCHKEY_DATABASE_URL");
  try {
    sqliteFileOf(databaseUrl);
  } catch (error) {
    // Never the URL itself: it may hold a password.
    const message = (error as Error).message;
    problems.push(message.startsWith("LATCHKEY_DATABASE_URL") ? message : "LATCHKEY_DATABASE_URL must be sqlite:PATH or postgres://USER@HOST:PORT/DATABASE (this one is not a valid URL)");
  }
  const tokenPrefix = pick("LATCHKEY_TOKEN_PREFIX");
  if (!TOKEN_PREFIX_PATTERN.test(tokenPrefix)) problems.push(`LATCHKEY_TOKEN_PREFIX must match ${TOKEN_PREFIX_PATTERN.source}, e.g. lk_`);
  const logLevel = pick("LATCHKEY_LOG_LEVEL");
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LATCHKEY_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`);
  const scopesFile = pick("LATCHKEY_SCOPES_FILE");
  const limitText = pick("LATCHKEY_FAILED_ATTEMPTS_PER_MINUTE");
  if (!/^\d{1,9}$/.test(limitText)) problems.push(`LATCHKEY_FAILED_ATTEMPTS_PER_MINUTE must be a whole number (0 turns the limit off), not ${JSON.stringify(limitText)}`);
  const redisUrl = pick("LATCHKEY_REDIS_URL");
  if (redisUrl !== "" && !/^rediss?:\/\//.test(redisUrl)) problems.push("LATCHKEY_REDIS_URL must start with redis:// or rediss://");
  const verifyKey = pick("LATCHKEY_VERIFY_KEY");
  if (verifyKey !== "" && verifyKey.length < 16) problems.push("LATCHKEY_VERIFY_KEY must be at least 16 characters");
  const metricsToken = pick("LATCHKEY_METRICS_TOKEN");
  if (metricsToken !== "" && (metricsToken.length < 16 || /\s/.test(metricsToken))) problems.push("LATCHKEY_METRICS_TOKEN must be at least 16 characters without spaces");
  const secretKeyText = pick("LATCHKEY_SECRET_KEY");
  const secretKey = secretKeyText === "" ? null : parseSecretKey(secretKeyText);
  // Never the value: it is the key.
  if (secretKeyText !== "" && secretKey === null) problems.push(`LATCHKEY_SECRET_KEY (or the file of LATCHKEY_SECRET_KEY_FILE) must be ${SECRET_KEY_RULE}`);
  const trustText = pick("LATCHKEY_TRUST_PROXY");
  const routesFile = pick("LATCHKEY_ROUTES_FILE");
  let publicUrl: string | null = null;
  try {
    publicUrl = checkPublicUrl(pick("LATCHKEY_PUBLIC_URL"));
  } catch (error) {
    problems.push((error as Error).message);
  }
  const revocationText = pick("LATCHKEY_REVOCATION_TIMEOUT_MS");
  if (!/^\d{1,5}$/.test(revocationText) || Number(revocationText) < 1 || Number(revocationText) > 60_000) problems.push(`LATCHKEY_REVOCATION_TIMEOUT_MS must be a whole number of milliseconds 1..60000, not ${JSON.stringify(revocationText)}`);
  const whenDown = pick("LATCHKEY_RATE_LIMIT_WHEN_REDIS_DOWN");
  if (whenDown !== "open" && whenDown !== "closed") problems.push("LATCHKEY_RATE_LIMIT_WHEN_REDIS_DOWN must be open or closed");
  const retentionText = pick("LATCHKEY_USAGE_RETENTION_DAYS");
  if (!/^\d{1,5}$/.test(retentionText) || Number(retentionText) < 1) problems.push("LATCHKEY_USAGE_RETENTION_DAYS must be a whole number of days, 1 or more");
  const shutdownText = pick("LATCHKEY_SHUTDOWN_TIMEOUT_MS");
  if (!/^\d{1,7}$/.test(shutdownText) || Number(shutdownText) > 3_600_000) problems.push(`LATCHKEY_SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds 0..3600000, not ${JSON.stringify(shutdownText.slice(0, 20))}`);
  const events = eventSettings(sources);
  if (problems.length > 0) return { config: null, problems: [...problems] };
  const config: Config = {
    host,
    port,
    databaseUrl,
    scopesFile: scopesFile === "" ? null : scopesFile,
    tokenPrefix,
    logLevel,
    failedAttemptsPerMinute: Number(limitText),
    redisUrl: redisUrl === "" ? null : redisUrl,
    verifyKey: verifyKey === "" ? null : verifyKey,
    metricsToken: metricsToken === "" ? null : metricsToken,
    secretKey,
    trustProxy: trustText === "true" ? true : trustText === "false" ? false : trustText.split(",").map((s) => s.trim()).filter((s) => s !== ""),
    routesFile: routesFile === "" ? null : routesFile,
    publicUrl,
    revocationTimeoutMs: Number(revocationText),
    rateLimitWhenRedisDown: whenDown as "open" | "closed",
    usageRetentionDays: Number(retentionText),
    shutdownTimeoutMs: Number(shutdownText),
    events,
  };
  return { config, problems: [] };
}

/**
 * Reads the configuration.
 *
 * @param env the environment (process.env).
 * @param flags command-line flags; each wins over its variable.
 * @throws ConfigError naming each variable with a problem and its rule.
 */
export function readConfig(env: NodeJS.ProcessEnv, flags: ConfigFlags = {}): Config {
  const { config, problems } = checkConfig(env, flags);
  if (config === null) throw new ConfigError(problems);
  return config;
}

/**
 * The problems of the files the settings name (catalogue, route map, leak keys), each on one line
 * naming its variable; [] when all load.
 */
export function checkConfigFiles(config: Config): string[] {
  const problems: string[] = [];
  let catalogue: Catalogue = SEED_CATALOGUE;
  try {
    catalogue = catalogueOf(config);
  } catch (error) {
    problems.push((error as Error).message);
  }
  try {
    routeMapOf(config, catalogue);
  } catch (error) {
    problems.push((error as Error).message.replace(/\n/g, "; "));
  }
  if (config.events.leakKeysFile !== null) {
    try {
      loadLeakKeys(config.events.leakKeysFile);
    } catch (error) {
      problems.push((error as Error).message.replace(/\n/g, "; "));
    }
  }
  return problems;
}

/**
 * What is allowed but probably not meant, one line each naming the variables: `latchkey config check`
 * prints them as warnings (exit 0) and `latchkey serve` logs them once at start.
 *
 * @returns [] when there is nothing to warn of.
 */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.secretKey === null && /^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    warnings.push("LATCHKEY_SECRET_KEY is not set: on PostgreSQL two-factor sign-in cannot be set up (503 secret_key_unavailable) until it is; set it to 32 random bytes, e.g. `openssl rand -base64 32`, the same on every instance");
  }
  if (config.events.smtpUrl !== null && config.publicUrl === null) {
    warnings.push(
      "LATCHKEY_SMTP_URL is set without LATCHKEY_PUBLIC_URL: invitations and password reset links are not mailed, since a mail needs an absolute link latchkey can trust (never the Host header); set LATCHKEY_PUBLIC_URL",
    );
  }
  return warnings;
}

/**
 * LATCHKEY_PUBLIC_URL: an absolute http(s) URL with no query, fragment or credentials; a trailing
 * slash is dropped. Empty: null.
 *
 * @throws Error naming the variable.
 */
function checkPublicUrl(text: string): string | null {
  if (text === "") return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error("LATCHKEY_PUBLIC_URL must be an absolute URL such as https://latchkey.example.com");
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "" || text.includes("?") || text.includes("#")) {
    throw new Error("LATCHKEY_PUBLIC_URL must be an http(s) URL without query, fragment or credentials, such as https://latchkey.example.com");
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

/** The catalogue the configuration names. */
export function catalogueOf(config: Config): Catalogue {
  return config.scopesFile === null ? SEED_CATALOGUE : loadCatalogueFile(config.scopesFile);
}

/**
 * The forward-auth route map the configuration names (docs/forward-auth.md).
 *
 * @returns the checked map, or the empty one (every check refused) when no file is named.
 * @throws Error naming LATCHKEY_ROUTES_FILE, the file and each problem.
 */
export function routeMapOf(config: Config, catalogue: Catalogue): RouteMap {
  return config.routesFile === null ? EMPTY_ROUTE_MAP : loadRouteMapFile(config.routesFile, catalogue);
}
