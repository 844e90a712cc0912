/**
 * `latchkey user create`: make a dashboard user from the command line, the operator's alternative to
 * the set-up link. The password is read from standard input (`--password-stdin`, after `docker login`)
 * so it never appears in the process list or the shell's history.
 */
import { Option, type Command } from "commander";
import type { CliIo } from "./cli-output.js";
import type { Config } from "./config.js";
import { withLatchkey } from "./open-for-cli.js";

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
}
