/**
 * `latchkey setup-link`: prints a set-up link for the deployment's first user (issue 16). The code is
 * stored hashed in the database, one for every instance, so the link works through any of them; each
 * run makes a new code and ends the one before (a code cannot be shown twice). Printed on stdout for
 * the operator who asked, on LATCHKEY_PUBLIC_URL (else the path, with a hint on stderr); never written to a log.
 */
import type { Command } from "commander";
import type { CliIo } from "./cli-output.js";
import type { Config } from "./config.js";
import { dashboardBase, printDashboardLink, setupLink } from "./dashboard-link.js";
import { withLatchkey } from "./open-for-cli.js";

export function registerSetupCommands(program: Command, io: CliIo, config: () => Config): void {
  program
    .command("setup-link")
    .description("Print a link to create the first dashboard user (a new code each time; the previous link stops working)")
    .action(async () => {
      const settings = config();
      await withLatchkey(settings, async (latchkey) => {
        const code = await latchkey.users.renewSetup();
        if (code === null) {
          io.err("error: set-up is done: a user exists already (sign in, or use latchkey user reset-password EMAIL)");
          process.exitCode = 1;
          return;
        }
        printDashboardLink(io, settings, setupLink(dashboardBase(settings), code));
      });
    });
}
