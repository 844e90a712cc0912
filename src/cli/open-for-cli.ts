/** Opens the service for one CLI command and closes it afterwards, whatever happens. */
import { Latchkey } from "../service/latchkey.js";
import { catalogueOf, type Config } from "./config.js";

/** Runs `work` with an opened service (last-used instants are flushed on close). */
export async function withLatchkey<T>(config: Config, work: (latchkey: Latchkey) => Promise<T>): Promise<T> {
  const latchkey = await Latchkey.open({ databaseUrl: config.databaseUrl, catalogue: catalogueOf(config), tokenPrefix: config.tokenPrefix, poolSize: 2 });
  try {
    return await work(latchkey);
  } finally {
    await latchkey.close();
  }
}
