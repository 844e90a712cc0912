/** Opens the service for one CLI command and closes it afterwards, whatever happens. */
import { existsSync } from "node:fs";
import { sqliteFileOf } from "../service/database-file.js";
import { Latchkey } from "../service/latchkey.js";
import { catalogueOf, type Config } from "./config.js";

/** Options of {@link withLatchkey}. */
export interface OpenForCliOptions {
  /**
   * May a missing SQLite file be created? Only `serve` and `migrate` may: for any other command a
   * missing file is a mistyped path, and creating an empty database would look like lost tokens.
   */
  readonly mayCreate?: boolean;
}

/**
 * Runs `work` with an opened service (last-used instants are flushed on close).
 *
 * @throws Error naming the path when the SQLite file is missing and may not be created.
 */
export async function withLatchkey<T>(config: Config, work: (latchkey: Latchkey) => Promise<T>, options: OpenForCliOptions = {}): Promise<T> {
  const file = sqliteFileOf(config.databaseUrl);
  if (file !== null && !options.mayCreate && !existsSync(file)) {
    throw new Error(`no database at ${file}: start the service once (latchkey serve), run latchkey migrate, or check LATCHKEY_DATABASE_URL`);
  }
  const latchkey = await Latchkey.open({ databaseUrl: config.databaseUrl, catalogue: catalogueOf(config), tokenPrefix: config.tokenPrefix, poolSize: 2, events: { allowPrivate: config.events.webhookAllowPrivate }, secretKey: config.secretKey });
  try {
    return await work(latchkey);
  } finally {
    await latchkey.close();
  }
}
