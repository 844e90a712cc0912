/**
 * `latchkey backup` and `latchkey restore` (issue 17; docs/operations.md, "Backups"), for the SQLite
 * database. PostgreSQL has its own tools (pg_dump, pg_restore), which these commands name instead.
 *
 * - A backup is SQLite's online backup of the live file (src/store/sqlite-backup.ts): consistent as
 *   of one instant while a server keeps serving, checked with SQLite's quick_check, written under a
 *   temporary name and renamed into place (never a half-written file under the asked name), mode 0600
 *   (it holds webhook signing secrets and password hashes; token secrets are only hashed).
 * - A restore refuses while a live process holds the database's lock (src/service/database-lock.ts:
 *   a running `latchkey serve`), refuses a backup written by a newer release (a migration this code
 *   does not know), refuses to replace an existing database without `force`, then copies the backup in
 *   beside the target and renames it over, and brings the schema up to this release's.
 */
import { existsSync, renameSync, rmSync, chmodSync } from "node:fs";
import { dirname, resolve } from "node:path";
import SQLite from "better-sqlite3";
import { openStore, parseDatabaseUrl } from "../store/open-store.js";
import { backupSqliteFile, summarizeSqliteFile, type SqliteFileSummary } from "../store/sqlite-backup.js";
import { acquireDatabaseLock } from "./database-lock.js";
import { packageVersion } from "./package-version.js";

/** The SQLite file a URL names, or an error saying what to use for PostgreSQL. */
function sqliteTarget(databaseUrl: string, command: "backup" | "restore"): string {
  const location = parseDatabaseUrl(databaseUrl);
  if (location.kind === "postgres") {
    const tool = command === "backup" ? "pg_dump --format=custom" : "pg_restore";
    throw new Error(`latchkey ${command} works on a SQLite database; for PostgreSQL use ${tool} (docs/operations.md, "Backups")`);
  }
  if (location.path === ":memory:") throw new Error(`latchkey ${command} needs a database file, not sqlite::memory:`);
  return resolve(location.path);
}

/** What a backup or restore did. */
export interface BackupResult extends SqliteFileSummary {
  /** The file written (the backup, or the restored database). */
  readonly file: string;
}

/**
 * Backs up the SQLite database of `databaseUrl` to `to`.
 *
 * @param force replace `to` if it exists.
 * @throws Error for a PostgreSQL URL (use pg_dump), a missing database, an existing `to` without
 *   `force`, a folder that cannot be written.
 */
export async function backupDatabase(databaseUrl: string, to: string, options: { readonly force?: boolean } = {}): Promise<BackupResult> {
  const source = sqliteTarget(databaseUrl, "backup");
  if (!existsSync(source)) throw new Error(`no database at ${source}: check LATCHKEY_DATABASE_URL`);
  const destination = resolve(to);
  if (destination === source) throw new Error("--to names the database itself; choose another file");
  if (existsSync(destination) && !options.force) throw new Error(`${destination} exists; choose another file or pass --force to replace it`);
  if (!existsSync(dirname(destination))) throw new Error(`the folder ${dirname(destination)} does not exist`);
  const partial = `${destination}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  try {
    await backupSqliteFile(source, partial);
    chmodSync(partial, 0o600);
    const summary = await summarizeSqliteFile(partial);
    renameSync(partial, destination);
    return { ...summary, file: destination };
  } finally {
    rmSync(partial, { force: true });
  }
}

/**
 * Restores the SQLite database of `databaseUrl` from the backup `from`, then migrates it.
 *
 * @param force replace an existing database (only when no server holds it).
 * @throws Error for a PostgreSQL URL (use pg_restore); a file that is no sound latchkey database; a
 *   backup of a newer release (naming its unknown migrations); a database a live process holds (naming
 *   it); an existing database without `force`.
 */
export async function restoreDatabase(databaseUrl: string, from: string, options: { readonly force?: boolean } = {}): Promise<BackupResult> {
  const target = sqliteTarget(databaseUrl, "restore");
  const source = resolve(from);
  if (!existsSync(source)) throw new Error(`no backup at ${source}`);
  if (source === target) throw new Error("--from names the database itself; nothing to restore");
  const summary = await summarizeSqliteFile(source);
  if (summary.unknownMigrations.length > 0) {
    throw new Error(
      `${source} was written by a newer latchkey than this one (${packageVersion()}): its schema has ${summary.unknownMigrations.join(", ")}, which this release does not know. Restore it with that release or a later one.`,
    );
  }
  const lock = acquireDatabaseLock(target, "restore");
  try {
    if (existsSync(target) && !options.force) throw new Error(`a database exists at ${target}; pass --force to replace it with the backup`);
    const incoming = `${target}.restoring-${process.pid}`;
    rmSync(incoming, { force: true });
    try {
      await backupSqliteFile(source, incoming);
      chmodSync(incoming, 0o600);
      if (existsSync(target)) {
        // Fold the old database's WAL into it and drop the WAL: a WAL left beside the restored file
        // would be replayed into it on the next open.
        const old = new SQLite(target);
        old.pragma("journal_mode = DELETE");
        old.close();
      }
      for (const suffix of ["-wal", "-shm"]) rmSync(`${target}${suffix}`, { force: true });
      renameSync(incoming, target);
    } finally {
      rmSync(incoming, { force: true });
    }
    const store = await openStore(`sqlite:${target}`);
    try {
      await store.migrate();
    } finally {
      await store.close();
    }
    return { ...(await summarizeSqliteFile(target)), file: target };
  } finally {
    lock.release();
  }
}
