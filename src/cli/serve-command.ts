/** `latchkey serve`: runs the HTTP service until SIGINT or SIGTERM. */
import type { Command } from "commander";
import { buildApp } from "../http/app.js";
import { Latchkey } from "../service/latchkey.js";
import type { CliIo } from "./cli-output.js";
import { catalogueOf, type Config } from "./config.js";

export function registerServeCommand(program: Command, io: CliIo, config: () => Config): void {
  program
    .command("serve")
    .description("Run the HTTP service (API, verify endpoint, docs); migrates the database first")
    .action(async () => {
      const settings = config();
      const latchkey = await Latchkey.open({
        databaseUrl: settings.databaseUrl,
        catalogue: catalogueOf(settings),
        tokenPrefix: settings.tokenPrefix,
      });
      const app = await buildApp(latchkey, { logger: { level: settings.logLevel } });
      await app.listen({ host: settings.host, port: settings.port });
      const address = app.server.address();
      const port = typeof address === "object" && address !== null ? address.port : settings.port;
      const host = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
      io.out(`latchkey listening on http://${host}:${port} (database ${settings.databaseUrl.replace(/\/\/[^@/]*@/, "//***@")})`);
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
