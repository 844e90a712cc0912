/**
 * Configuration: environment variables (DESIGN.md, "Configuration"), overridden by CLI flags of the
 * same names (`--database-url` for LATCHKEY_DATABASE_URL, and so on).
 */
import { SEED_CATALOGUE, type Catalogue } from "../core/catalogue.js";
import { EMPTY_ROUTE_MAP, type RouteMap } from "../core/route-map.js";
import { loadCatalogueFile } from "../service/latchkey.js";
import { loadRouteMapFile } from "../service/route-map-file.js";

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
  /** Lifecycle events: webhooks, mail, leak reports (environment only; readEventConfig). */
  readonly events: EventConfig;
}

/** Settings of webhooks, mail and leak reports (docs/webhooks.md). Environment only: the SMTP URL may hold a password. */
export interface EventConfig {
  /** LATCHKEY_SMTP_URL: smtp:// or smtps://, or null for no mail. */
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

/**
 * Reads the lifecycle-event settings from the environment.
 *
 * @throws Error naming the variable and its rule.
 */
export function readEventConfig(env: NodeJS.ProcessEnv): EventConfig {
  const value = (name: string): string => (env[name] ?? "").trim();
  const smtpUrl = value("LATCHKEY_SMTP_URL");
  if (smtpUrl !== "" && !/^smtps?:\/\/[^/\s]+/.test(smtpUrl)) throw new Error("LATCHKEY_SMTP_URL must be smtp://[user:password@]host[:port] or smtps://...");
  const smtpFrom = value("LATCHKEY_SMTP_FROM");
  if (smtpUrl !== "" && smtpFrom === "") throw new Error("LATCHKEY_SMTP_FROM is required with LATCHKEY_SMTP_URL, e.g. latchkey <noreply@example.com>");
  if (smtpFrom !== "" && !/^[^\r\n]*@[^\r\n]*$/.test(smtpFrom)) throw new Error("LATCHKEY_SMTP_FROM must be an e-mail address, e.g. latchkey <noreply@example.com>");
  const allowPrivate = value("LATCHKEY_WEBHOOK_ALLOW_PRIVATE") || "false";
  if (allowPrivate !== "true" && allowPrivate !== "false") throw new Error("LATCHKEY_WEBHOOK_ALLOW_PRIVATE must be true or false");
  const daysText = value("LATCHKEY_EXPIRY_REMINDER_DAYS") || "7,1";
  const days = daysText.split(",").map((d) => d.trim());
  if (!days.every((d) => /^\d{1,3}$/.test(d) && Number(d) >= 1 && Number(d) <= 365) || new Set(days.map(Number)).size !== days.length) {
    throw new Error(`LATCHKEY_EXPIRY_REMINDER_DAYS must be distinct whole days from 1 to 365, comma-separated (e.g. 7,1), not ${JSON.stringify(daysText)}`);
  }
  const retentionText = value("LATCHKEY_WEBHOOK_RETENTION_DAYS") || "30";
  if (!/^\d{1,4}$/.test(retentionText) || Number(retentionText) < 1) throw new Error(`LATCHKEY_WEBHOOK_RETENTION_DAYS must be a whole number of days, 1 or more, not ${JSON.stringify(retentionText.slice(0, 20))}`);
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

/**
 * Reads the configuration.
 *
 * @param env the environment (process.env).
 * @param flags command-line flags; each wins over its variable.
 * @throws Error naming the variable and its rule.
 */
export function readConfig(env: NodeJS.ProcessEnv, flags: ConfigFlags = {}): Config {
  const pick = (flag: string | undefined, name: string, fallback: string): string => {
    const value = flag ?? env[name];
    return value === undefined || value === "" ? fallback : value;
  };
  const portText = pick(flags.port, "LATCHKEY_PORT", "8080");
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new Error(`LATCHKEY_PORT must be a port number 0..65535, not ${JSON.stringify(portText)}`);
  const logLevel = pick(flags.logLevel, "LATCHKEY_LOG_LEVEL", "info");
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LATCHKEY_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`);
  const scopesFile = pick(flags.scopesFile, "LATCHKEY_SCOPES_FILE", "");
  const limitText = pick(flags.failedAttemptsPerMinute, "LATCHKEY_FAILED_ATTEMPTS_PER_MINUTE", "30");
  if (!/^\d{1,9}$/.test(limitText)) throw new Error(`LATCHKEY_FAILED_ATTEMPTS_PER_MINUTE must be a whole number (0 turns the limit off), not ${JSON.stringify(limitText)}`);
  const redisUrl = pick(flags.redisUrl, "LATCHKEY_REDIS_URL", "");
  if (redisUrl !== "" && !/^rediss?:\/\//.test(redisUrl)) throw new Error("LATCHKEY_REDIS_URL must start with redis:// or rediss://");
  const verifyKey = pick(flags.verifyKey, "LATCHKEY_VERIFY_KEY", "");
  if (verifyKey !== "" && verifyKey.length < 16) throw new Error("LATCHKEY_VERIFY_KEY must be at least 16 characters");
  const trustText = pick(flags.trustProxy, "LATCHKEY_TRUST_PROXY", "false");
  const routesFile = pick(flags.routesFile, "LATCHKEY_ROUTES_FILE", "");
  const publicUrl = checkPublicUrl(pick(flags.publicUrl, "LATCHKEY_PUBLIC_URL", ""));
  const revocationText = pick(undefined, "LATCHKEY_REVOCATION_TIMEOUT_MS", "1000");
  if (!/^\d{1,5}$/.test(revocationText) || Number(revocationText) < 1 || Number(revocationText) > 60_000) throw new Error(`LATCHKEY_REVOCATION_TIMEOUT_MS must be a whole number of milliseconds 1..60000, not ${JSON.stringify(revocationText)}`);
  const whenDown = pick(undefined, "LATCHKEY_RATE_LIMIT_WHEN_REDIS_DOWN", "open");
  if (whenDown !== "open" && whenDown !== "closed") throw new Error("LATCHKEY_RATE_LIMIT_WHEN_REDIS_DOWN must be open or closed");
  const retentionText = pick(undefined, "LATCHKEY_USAGE_RETENTION_DAYS", "90");
  if (!/^\d{1,5}$/.test(retentionText) || Number(retentionText) < 1) throw new Error("LATCHKEY_USAGE_RETENTION_DAYS must be a whole number of days, 1 or more");
  const shutdownText = pick(undefined, "LATCHKEY_SHUTDOWN_TIMEOUT_MS", "10000");
  if (!/^\d{1,7}$/.test(shutdownText) || Number(shutdownText) > 3_600_000) throw new Error(`LATCHKEY_SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds 0..3600000, not ${JSON.stringify(shutdownText)}`);
  return {
    host: pick(flags.host, "LATCHKEY_HOST", "127.0.0.1"),
    port,
    databaseUrl: pick(flags.databaseUrl, "LATCHKEY_DATABASE_URL", "sqlite:./data/latchkey.db"),
    scopesFile: scopesFile === "" ? null : scopesFile,
    tokenPrefix: pick(flags.tokenPrefix, "LATCHKEY_TOKEN_PREFIX", "lk_"),
    logLevel,
    failedAttemptsPerMinute: Number(limitText),
    redisUrl: redisUrl === "" ? null : redisUrl,
    verifyKey: verifyKey === "" ? null : verifyKey,
    trustProxy: trustText === "true" ? true : trustText === "false" ? false : trustText.split(",").map((s) => s.trim()).filter((s) => s !== ""),
    routesFile: routesFile === "" ? null : routesFile,
    publicUrl,
    revocationTimeoutMs: Number(revocationText),
    rateLimitWhenRedisDown: whenDown,
    usageRetentionDays: Number(retentionText),
    shutdownTimeoutMs: Number(shutdownText),
    events: readEventConfig(env),
  };
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
