/**
 * SQLite backups (issue 17): a consistent copy of a live database with SQLite's online backup API
 * (better-sqlite3's `backup()`, https://www.sqlite.org/backup.html), and what a backup file holds
 * (its migrations, its tokens) so that a restore can refuse one this code cannot run.
 *
 * The copy is made in ONE step (every page at once, inside one read transaction of the source), so it
 * is the database as of one instant even while a server writes to it: in WAL mode a reader never
 * blocks the writer nor sees half a transaction, and a single step cannot be restarted by another
 * connection's write (SQLite restarts a multi-step backup when the source changes between steps).
 */
import SQLite from "better-sqlite3";
import { migrationProvider } from "./migration-provider.js";

/** What a latchkey SQLite file holds, as far as a backup or restore needs to know. */
export interface SqliteFileSummary {
  /** Names of the migrations applied to it, in name order (e.g. `0001-initial`). */
  readonly migrations: readonly string[];
  /** Migrations applied to it that this code does not know: it was written by a newer release. */
  readonly unknownMigrations: readonly string[];
  /** Number of live (not deleted) tokens. */
  readonly tokens: number;
}

/** Names of the migrations this code knows, in the order they run. */
export async function knownMigrationNames(): Promise<string[]> {
  return Object.keys(await migrationProvider.getMigrations()).sort();
}

/**
 * Copies a SQLite database to `destination` with the online backup API, in one step.
 *
 * @param source path of the live database (opened read-only; the server may keep writing).
 * @param destination path of the copy; must not exist (the caller picks a temporary name and renames).
 * @returns the number of pages copied.
 * @throws Error from SQLite (the source is not a database, the destination's folder is not writable).
 */
export async function backupSqliteFile(source: string, destination: string): Promise<number> {
  const db = new SQLite(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    // Returning the largest step from the progress callback makes the remaining copy one step.
    const result = await db.backup(destination, { progress: () => 0x7fffffff });
    return result.totalPages;
  } finally {
    db.close();
  }
}

/**
 * Reads what a SQLite file holds, checking it is a sound latchkey database.
 *
 * @throws Error naming the file when it is not a SQLite database, fails SQLite's integrity check,
 *   or has no latchkey migrations (not a latchkey database).
 */
export async function summarizeSqliteFile(path: string): Promise<SqliteFileSummary> {
  let db: SQLite.Database;
  try {
    db = new SQLite(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new Error(`${path}: cannot open it as a SQLite database (${(error as Error).message}); check the path and its permissions`);
  }
  try {
    let check: string;
    try {
      check = String(db.pragma("quick_check", { simple: true }));
    } catch (error) {
      throw new Error(`${path}: not a SQLite database (${(error as Error).message})`);
    }
    if (check !== "ok") throw new Error(`${path}: SQLite's integrity check fails (${check})`);
    const hasTable = (name: string): boolean => db.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(name) !== undefined;
    if (!hasTable("kysely_migration") || !hasTable("tokens")) throw new Error(`${path}: not a latchkey database (no migrations table or tokens table)`);
    const migrations = (db.prepare("select name from kysely_migration order by name").pluck().all() as string[]).map(String);
    const known = new Set(await knownMigrationNames());
    const columns = new Set((db.prepare("select name from pragma_table_info('tokens')").pluck().all() as string[]).map(String));
    const tokens = Number(db.prepare(`select count(*) from tokens${columns.has("deleted_at") ? " where deleted_at is null" : ""}`).pluck().get());
    return { migrations, unknownMigrations: migrations.filter((m) => !known.has(m)), tokens };
  } finally {
    db.close();
  }
}
