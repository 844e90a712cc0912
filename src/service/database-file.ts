/** Where a database URL keeps its data on this machine, for the CLI's "is there a database?" check. */
import { parseDatabaseUrl } from "../store/open-store.js";

/**
 * The SQLite file a database URL names.
 *
 * @param databaseUrl LATCHKEY_DATABASE_URL (`sqlite:PATH` or `postgres://...`).
 * @returns the file's path, or null for PostgreSQL and for `sqlite::memory:`.
 * @throws Error naming the accepted forms when the URL is neither (as opening it would).
 */
export function sqliteFileOf(databaseUrl: string): string | null {
  const location = parseDatabaseUrl(databaseUrl);
  return location.kind === "sqlite" && location.path !== ":memory:" ? location.path : null;
}
