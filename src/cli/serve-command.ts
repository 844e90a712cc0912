/**
 * `latchkey serve`: runs the HTTP service until SIGINT or SIGTERM. Its own lines (start, set-up,
 * problems, shutdown) are JSON lines (src/cli/serve-log.ts), as the request log is.
 */
import type { Command } from "commander";
import { buildApp } from "../http/app.js";
import { dashboardPlugin } from "../http/dashboard-plugin.js";
import { sessionResolver } from "../http/session-cookie.js";
import { createFailureLimiter } from "../service/failure-limiter.js";
import { Latchkey } from "../service/latchkey.js";
import { LatchkeyMetrics } from "../service/metrics.js";
import { sqliteFileOf } from "../service/database-file.js";
import { createMailer } from "../service/mailer.js";
import type { CliIo } from "./cli-output.js";
import { catalogueOf, checkConfigFiles, ConfigError, configWarnings, routeMapOf, type Config } from "./config.js";
import { acquireDatabaseLock } from "../service/database-lock.js";
import { dashboardBase, relativeLinkHint, setupLink } from "./dashboard-link.js";
import { redactedDatabaseUrl, serveLog, type ServeLog } from "./serve-log.js";
import { shutDown, stopSignal } from "./shutdown.js";

export function registerServeCommand(program: Command, io: CliIo, config: () => Config): void {
  program
    .command("serve")
    .description("Run the HTTP service (API, verify endpoint, docs, dashboard); migrates the database first")
    .action(async () => {
      let settings: Config;
      try {
        settings = config();
      } catch (error) {
        if (error instanceof ConfigError) refuseStart(serveLog(io, "info"), error.problems);
        throw error;
      }
      const log = serveLog(io, settings.logLevel);
      try {
        await serve(settings, log, io);
      } catch (error) {
        if (error instanceof StartRefused) throw error;
        // A database, port or address problem: one fatal line naming the setting to check.
        refuseStart(log, [(error as Error).message ?? String(error)]);
      }
    });
}

/** Starts the service with checked settings, and runs it until SIGINT or SIGTERM. */
async function serve(settings: Config, log: ServeLog, io: CliIo): Promise<void> {
  const fileProblems = checkConfigFiles(settings);
  if (fileProblems.length > 0) refuseStart(log, fileProblems);
  for (const warning of configWarnings(settings)) log.warn(warning, { setting: /^LATCHKEY_[A-Z_]+/.exec(warning)?.[0] ?? null });
  const catalogue = catalogueOf(settings);
  const routeMap = routeMapOf(settings, catalogue);
  const { events } = settings;
  const metrics = new LatchkeyMetrics();
  // SQLite: one server per file, and `latchkey restore` refuses while it runs (src/service/database-lock.ts).
  const file = sqliteFileOf(settings.databaseUrl);
  const lock = file === null ? null : acquireDatabaseLock(file, "serve");
  process.once("exit", () => lock?.release());
  const latchkey = await Latchkey.open({
    databaseUrl: settings.databaseUrl,
    catalogue,
    tokenPrefix: settings.tokenPrefix,
    revocationTimeoutMs: settings.revocationTimeoutMs,
    usage: { redisUrl: settings.redisUrl, windowsWhenRedisDown: settings.rateLimitWhenRedisDown, retentionDays: settings.usageRetentionDays },
    events: {
      allowPrivate: events.webhookAllowPrivate,
      leakKeysFile: events.leakKeysFile,
      mailer: createMailer({ smtpUrl: events.smtpUrl, from: events.smtpFrom }),
    },
    onBackgroundError: (error) => log.error("background work failed", { err: (error as Error).message ?? String(error) }),
    observer: metrics,
    secretKey: settings.secretKey,
  });
  await latchkey.usageGate.limiter.ready();
  latchkey.startWebhookWorker({ reminderDays: events.expiryReminderDays, retentionDays: events.webhookRetentionDays });
  const failureLimiter = createFailureLimiter({ failuresPerWindow: settings.failedAttemptsPerMinute, redisUrl: settings.redisUrl });
  await failureLimiter.ready();
  const app = await buildApp(latchkey, {
    logger: { level: settings.logLevel },
    principalResolvers: [sessionResolver(latchkey.users)],
    failureLimiter,
    verifyKey: settings.verifyKey,
    trustProxy: settings.trustProxy,
    plugins: [dashboardPlugin()],
    routeMap,
    publicUrl: settings.publicUrl,
    metrics,
    metricsToken: settings.metricsToken,
  });
  // Listen for SIGTERM/SIGINT before listening on the port: a signal right after the start line stops gracefully.
  const stopping = stopSignal();
  try {
    await app.listen({ host: settings.host, port: settings.port });
  } catch (error) {
    await app.close();
    await latchkey.close();
    lock?.release();
    throw listenError(error, settings);
  }
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : settings.port;
  const host = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
  const url = `http://${host}:${port}`;
  log.info(`latchkey listening on ${url}`, {
    url,
    host: settings.host,
    port,
    database: redactedDatabaseUrl(settings.databaseUrl),
    store: latchkey.store.dialect.kind,
    change_feed: latchkey.changeFeedState,
    metrics_path: "/metrics",
    metrics_token: settings.metricsToken !== null,
    verify_key: settings.verifyKey !== null,
  });
  // No user yet: the deployment's one set-up code (stored hashed, shared by every instance). The link
  // is shown on a terminal only (stderr when it is one), never as a log line that log shippers keep.
  const setupCode = await latchkey.users.openSetup();
  if (setupCode !== null && process.stderr.isTTY) {
    io.err(`Set up the first user: ${setupLink(dashboardBase(settings), setupCode)}`);
    if (settings.publicUrl === null) io.err(relativeLinkHint(settings, port));
  }
  if (await latchkey.users.isSetupOpen()) log.info("set-up open: no user yet; `latchkey setup-link` prints the link that creates the first one", { setup_pending: true });
  const startedAt = performance.now();
  const signal = await stopping;
  const report = await shutDown(app, latchkey, signal, settings.shutdownTimeoutMs);
  lock?.release();
  log.info("latchkey stopped", { signal, drained: report.drained, took_ms: report.tookMs, uptime_seconds: Math.round((performance.now() - startedAt) / 1000) });
}

/** Logs each problem of the configuration as a fatal line naming its variable, and ends the start (exit 3). */
function refuseStart(log: ServeLog, problems: readonly string[]): never {
  for (const problem of problems) log.fatal(problem, { setting: /^LATCHKEY_[A-Z_]+/.exec(problem)?.[0] ?? null });
  throw new StartRefused(problems.length);
}

/** The start was refused after its problems were logged (exit 3, nothing more printed). */
export class StartRefused extends Error {
  constructor(readonly count: number) {
    super(`${count} configuration problem${count === 1 ? "" : "s"}`);
  }
}

/** A listen failure in the settings' words: a busy port names LATCHKEY_PORT, a bad address LATCHKEY_HOST. */
function listenError(error: unknown, settings: Config): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE")
    return new Error(
      `LATCHKEY_PORT ${settings.port} is already in use on ${settings.host} (is latchkey running already?); stop that process or set LATCHKEY_PORT to a free port`,
    );
  if (code === "EACCES")
    return new Error(`LATCHKEY_PORT ${settings.port}: not allowed to listen on it (ports below 1024 need privileges); choose a port of 1024 or more`);
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN")
    return new Error(`LATCHKEY_HOST ${settings.host} is not an address of this machine (${code}); use 127.0.0.1, 0.0.0.0 or one of its addresses`);
  return error as Error;
}
