/**
 * `latchkey user create`: make a dashboard user from the command line, the operator's alternative to
 * the set-up link. The password is read from standard input (`--password-stdin`, after `docker login`)
 * so it never appears in the process list or the shell's history.
 * `latchkey user reset-password EMAIL` prints a single-use reset link (1 hour) for a person who forgot
 * their password; `latchkey user unlock EMAIL` ends a sign-in lock-out (issue 16).
 */
import { Option, type Command } from "commander";
import type { CliIo } from "./cli-output.js";
import type { Config } from "./config.js";
import { withLatchkey } from "./open-for-cli.js";
import { dashboardBase } from "./dashboard-link.js";
import { resetLink } from "../service/password-recovery.js";

export function registerUserCommands(program: Command, io: CliIo, config: () => Config): void {
  const user = program.command("user").description("Manage dashboard users");

  user
    .command("create")
    .description("Create a dashboard user; the password (at least 12 characters) is read from standard input")
    .requiredOption("--email <address>", "the user's e-mail address")
    .requiredOption("--password-stdin", "read the password from standard input (one line)")
    .addOption(new Option("--account <name>", "account name or id").default("default"))
    .action(async (opts: { email: string; account: string }) => {
      // One trailing line break is the end of the line typed or piped, not part of the password.
      const password = (await io.readStdin()).replace(/\r?\n$/, "");
      await withLatchkey(config(), async (latchkey) => {
        const account = await latchkey.accounts.find(opts.account);
        const created = await latchkey.users.create({ accountId: account.id, email: opts.email, password });
        io.out(`Created user ${created.email} (${created.id}) in account ${account.name}`);
      });
    });

  user
    .command("reset-password")
    .description("Print a link that sets a new password for a user (works once, for one hour; an earlier link stops working)")
    .argument("<email>", "the user's e-mail address")
    .action(async (email: string) => {
      const settings = config();
      await withLatchkey(settings, async (latchkey) => {
        const issued = await latchkey.recovery.issueResetCode(email);
        io.err(`Reset link for ${issued.user.email}, valid until ${issued.expiresAt} (give it to them privately):`);
        io.out(resetLink(dashboardBase(settings), issued.code));
      });
    });

  user
    .command("unlock")
    .description("End a user's sign-in lock-out (after too many failed attempts)")
    .argument("<email>", "the user's e-mail address")
    .action(async (email: string) => {
      await withLatchkey(config(), async (latchkey) => {
        const { user: unlocked, wasLocked } = await latchkey.recovery.unlock(email);
        io.out(wasLocked ? `Unlocked ${unlocked.email}: they can sign in again` : `${unlocked.email} was not locked out; their failed attempts are cleared`);
      });
    });
}
