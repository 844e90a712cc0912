/**
 * `latchkey backup --to FILE` and `latchkey restore --from FILE` (issue 17; docs/operations.md,
 * "Backups"): SQLite's online backup of the database of LATCHKEY_DATABASE_URL, and its restore into
 * it (refused while a server holds the database, or for a backup of a newer release). Errors are the
 * service's one-line messages (exit 3); PostgreSQL's answer names pg_dump or pg_restore.
 */
import { Option, type Command } from "commander";
import { backupDatabase, restoreDatabase, type BackupResult } from "../service/database-backup.js";
import type { CliIo } from "./cli-output.js";
import type { Config } from "./config.js";

function describe(result: BackupResult): string {
  const schema = result.migrations.at(-1) ?? "none";
  return `${result.tokens} token${result.tokens === 1 ? "" : "s"}, schema ${schema}`;
}

export function registerBackupCommands(program: Command, io: CliIo, config: () => Config): void {
  program
    .command("backup")
    .description("Copy the SQLite database to a file, consistently, while the server keeps serving")
    .addOption(new Option("--to <file>", "the backup file to write").makeOptionMandatory())
    .option("--force", "replace the file if it exists")
    .action(async (opts: { to: string; force?: boolean }) => {
      const result = await backupDatabase(config().databaseUrl, opts.to, { force: opts.force === true });
      io.out(`Backed up ${describe(result)} to ${result.file}`);
    });

  program
    .command("restore")
    .description("Replace the SQLite database with a backup (stop the server first), then migrate it")
    .addOption(new Option("--from <file>", "the backup file to restore").makeOptionMandatory())
    .option("--force", "replace an existing database")
    .action(async (opts: { from: string; force?: boolean }) => {
      const result = await restoreDatabase(config().databaseUrl, opts.from, { force: opts.force === true });
      io.out(`Restored ${describe(result)} into ${result.file}`);
    });
}
