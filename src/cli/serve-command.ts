/** `latchkey serve`: runs the HTTP service until SIGINT or SIGTERM. */
import type { Command } from "commander";
import { buildApp } from "../http/app.js";
import { dashboardPlugin } from "../http/dashboard-plugin.js";
import { sessionResolver } from "../http/session-cookie.js";
import { createFailureLimiter } from "../service/failure-limiter.js";
import { Latchkey } from "../service/latchkey.js";
import { loadLeakKeys } from "../service/leak-intake.js";
import { createMailer } from "../service/mailer.js";
import type { CliIo } from "./cli-output.js";
import { catalogueOf, routeMapOf, type Config } from "./config.js";
import { acquireDatabaseLock } from "../service/database-lock.js";
import { sqliteFileOf } from "../service/database-file.js";
import { shutDown, stopSignal } from "./shutdown.js";

export function registerServeCommand(program: Command, io: CliIo, config: () => Config): void {
  program
    .command("serve")
    .description("Run the HTTP service (API, verify endpoint, docs, dashboard); migrates the database first")
    .action(async () => {
      const settings = config();
      const catalogue = catalogueOf(settings);
      const routeMap = routeMapOf(settings, catalogue);
      const { events } = settings;
      if (events.leakKeysFile !== null) loadLeakKeys(events.leakKeysFile); // refuse a bad file at start
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
        events: { allowPrivate: events.webhookAllowPrivate, leakKeysFile: events.leakKeysFile, mailer: createMailer({ smtpUrl: events.smtpUrl, from: events.smtpFrom }) },
        onBackgroundError: (error) => io.err(`background work failed: ${(error as Error).message ?? String(error)}`),
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
      });
      // No user yet: a one-time set-up code, printed as a link once listening. The code is in the
      // fragment, which browsers never send, so it reaches no access log.
      const setupCode = await latchkey.users.openSetup();
      await app.listen({ host: settings.host, port: settings.port });
      const address = app.server.address();
      const port = typeof address === "object" && address !== null ? address.port : settings.port;
      const host = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
      io.out(`latchkey listening on http://${host}:${port} (database ${settings.databaseUrl.replace(/\/\/[^@/]*@/, "//***@")})`);
      if (setupCode !== null) io.out(`Set up the first user: http://${setupHost(settings.host)}:${port}/setup#code=${setupCode}`);
      await shutDown(app, latchkey, await stopSignal(), settings.shutdownTimeoutMs);
      lock?.release();
    });
}

/** A host for a link a person can open: a wildcard address becomes the loopback one. */
function setupHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}
