/** `latchkey account create|list`: accounts (tenants) are the operator's to make. */
import type { Command } from "commander";
import type { CliIo } from "./cli-output.js";
import { formatTable } from "./cli-output.js";
import type { Config } from "./config.js";
import { withLatchkey } from "./open-for-cli.js";

export function registerAccountCommands(program: Command, io: CliIo, config: () => Config): void {
  const account = program.command("account").description("Manage accounts (tenants)");

  account
    .command("create <name>")
    .description("Create an account")
    .action(async (name: string) => {
      await withLatchkey(config(), async (latchkey) => {
        const created = await latchkey.accounts.create(name);
        io.out(`Created account ${created.name} (${created.id})`);
      });
    });

  account
    .command("list")
    .description("List accounts")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      await withLatchkey(config(), async (latchkey) => {
        const accounts = await latchkey.accounts.list();
        if (opts.json) return io.out(JSON.stringify(accounts.map((a) => ({ id: a.id, name: a.name, created_at: a.createdAt })), null, 2));
        io.out(formatTable(["ID", "NAME", "CREATED"], accounts.map((a) => [a.id, a.name, a.createdAt])));
      });
    });

  program
    .command("migrate")
    .description("Bring the database schema up to date (serve does this on start too)")
    .action(async () => {
      await withLatchkey(
        config(),
        async () => {
          io.out("Database is up to date.");
        },
        { mayCreate: true },
      );
    });
}
