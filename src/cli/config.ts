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
