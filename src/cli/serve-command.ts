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
import { dashboardBase, setupLink } from "./dashboard-link.js";

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
      latchkey.startWebhookWorker({ reminderDays: events.expiryReminderDays });
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
      await app.listen({ host: settings.host, port: settings.port });
      const address = app.server.address();
      const port = typeof address === "object" && address !== null ? address.port : settings.port;
      const host = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
      io.out(`latchkey listening on http://${host}:${port} (database ${settings.databaseUrl.replace(/\/\/[^@/]*@/, "//***@")})`);
      // No user yet: the deployment's one set-up code (stored hashed, shared by every instance). The
      // link is shown on a terminal only, never in output that may be collected as logs.
      const setupCode = await latchkey.users.openSetup();
      if (setupCode !== null && process.stderr.isTTY) io.err(`Set up the first user: ${setupLink(dashboardBase(settings, port), setupCode)}`);
      else if (await latchkey.users.isSetupOpen()) io.out("No user yet: run `latchkey setup-link` for the link that creates the first one.");
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          resolve();
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
      await app.close();
      await latchkey.close();
    });
}
