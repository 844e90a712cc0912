/**
 * Opens the store named by a database URL: `sqlite:PATH` (embedded, the default; `sqlite::memory:`
 * for a throw-away database) or `postgres://...` / `postgresql://...` (several instances on one
 * database). A `schema` query parameter on a PostgreSQL URL selects the schema (created if missing),
 * which lets test runs and tenants share one database without colliding.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import SQLite from "better-sqlite3";
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, type Driver } from "kysely";
import pg from "pg";
import type { Database } from "./database-schema.js";
import { MIGRATION_LOCK_KEY, Store, type StoreDialect } from "./store.js";

/** A parsed database URL. */
export type DatabaseLocation =
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "postgres"; readonly connectionString: string; readonly schema: string | null };

/**
 * Parses LATCHKEY_DATABASE_URL.
 *
 * @throws Error naming the accepted forms when the URL is neither.
 */
export function parseDatabaseUrl(url: string): DatabaseLocation {
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length).replace(/^\/\//, "");
    if (path === "") throw new Error("LATCHKEY_DATABASE_URL: sqlite: needs a path, e.g. sqlite:./data/latchkey.db");
    return { kind: "sqlite", path };
  }
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get("schema");
    parsed.searchParams.delete("schema");
    if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error("LATCHKEY_DATABASE_URL: schema must match [a-z_][a-z0-9_]{0,62}");
    return { kind: "postgres", connectionString: parsed.toString(), schema };
  }
  throw new Error("LATCHKEY_DATABASE_URL must be sqlite:PATH or postgres://USER@HOST:PORT/DATABASE");
}

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  /** Largest number of PostgreSQL connections in the pool (default 10). */
  readonly poolSize?: number;
}

/**
 * Opens (and for SQLite, creates) the database. Does not migrate; call `store.migrate()`.
 *
 * SQLite runs in WAL mode with synchronous=NORMAL (durable across a process crash, which is what
 * an acknowledged change must survive), foreign keys on and a 5 s busy timeout, and every transaction
 * begins IMMEDIATE (see {@link ImmediateSqliteDialect}).
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const location = parseDatabaseUrl(url);
  let dialect: StoreDialect;
  let db: Kysely<Database>;
  if (location.kind === "sqlite") {
    const memory = location.path === ":memory:";
    let sqlite: SQLite.Database;
    try {
      if (!memory) mkdirSync(dirname(resolve(location.path)), { recursive: true });
      sqlite = new SQLite(memory ? ":memory:" : location.path);
      sqlite.pragma("journal_mode = WAL");
    } catch (error) {
      throw sqliteOpenError(location.path, error);
    }
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
    dialect = { kind: "sqlite", sqlite };
  } else {
    if (location.schema !== null) {
      // Under the migrations' lock: two `create schema if not exists` at once can both find it missing,
      // and the second fails on pg_namespace's unique index (issue 11, found starting two instances).
      const setup = new pg.Client({ connectionString: location.connectionString });
      await setup.connect().catch((error: unknown) => {
        throw postgresConnectError(location.connectionString, error);
      });
      try {
        await setup.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
        await setup.query(`create schema if not exists "${location.schema}"`);
      } finally {
        await setup.end(); // ending the session releases the lock
      }
    }
    // The schema is set at connection start-up (libpq's `options`), so no query can run before it.
    const pool = new pg.Pool({
      connectionString: location.connectionString,
      max: options.poolSize ?? 10,
      ...(location.schema !== null ? { options: `-c search_path=${location.schema}` } : {}),
    });
    // An idle client's error (the server restarting) must not crash the process; the pool replaces it.
    pool.on("error", () => undefined);
    // Connect once now, so that a wrong host or password is told at start in words that name it.
    try {
      (await pool.connect()).release();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw postgresConnectError(location.connectionString, error);
    }
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    dialect = { kind: "postgres", pool, connectionString: location.connectionString, schema: location.schema };
  }
  return new Store(db, dialect);
}

/**
 * A SQLite file that cannot be opened, in words that say what to check: the path, the folder, the
 * permissions of the user latchkey runs as.
 */
export function sqliteOpenError(path: string, error: unknown): Error {
  const file = resolve(path);
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  const user = typeof process.getuid === "function" ? ` (uid ${process.getuid()})` : "";
  return new Error(`LATCHKEY_DATABASE_URL: cannot open the SQLite database ${file} (${reason}): check that the folder ${dirname(file)} exists or can be created, and that the user running latchkey${user} may write to it and to the file`);
}

/**
 * A PostgreSQL connection failure naming the host, port, database and user, never the password.
 */
export function postgresConnectError(connectionString: string, error: unknown): Error {
  const url = new URL(connectionString);
  const password = decodeURIComponent(url.password);
  let reason = (error as Error).message || ((error as NodeJS.ErrnoException).code ?? "connection failed");
  if (password !== "") reason = reason.split(password).join("***");
  const user = decodeURIComponent(url.username) || "(the default)";
  const database = decodeURIComponent(url.pathname.replace(/^\//, "")) || "(the default)";
  return new Error(
    `LATCHKEY_DATABASE_URL: cannot connect to PostgreSQL at ${url.hostname || "localhost"}:${url.port || "5432"} (database ${database}, user ${user}): ${reason}; check that the server runs and accepts connections from this machine, and the user, password and database name`,
  );
}

/**
 * Kysely's SQLite dialect with transactions that begin `IMMEDIATE`, taking the write lock at once.
 * Kysely begins them DEFERRED, and a deferred transaction that read before another process (the CLI,
 * the server) committed cannot write after it: SQLite answers SQLITE_BUSY at once, which the busy
 * timeout does not retry, and the request got a 500 (found by the break test). An immediate one waits
 * up to the busy timeout for the lock instead, and then reads what the other wrote
 * (https://www.sqlite.org/lang_transaction.html; test/store/sqlite-concurrent-writers.test.ts).
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection) => {
      await connection.executeQuery(CompiledQuery.raw("begin immediate"));
    };
    return driver;
  }
}
