/**
 * A fresh PostgreSQL schema per test file, on the server of LATCHKEY_TEST_POSTGRES_URL (default: this
 * machine's, postgres://postgres@127.0.0.1:5432/test). Runs never collide: each schema has a random
 * name and is dropped afterwards. PostgreSQL must be running (.ci/run starts it); tests fail, not skip,
 * when it is not.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { MIGRATION_LOCK_KEY } from "../../src/store/store.js";

/** The server and database the PostgreSQL tests use. */
export const POSTGRES_URL = process.env.LATCHKEY_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Makes a unique schema name and returns a database URL selecting it (latchkey creates it on open). */
export function freshPostgresUrl(label = "t"): { url: string; schema: string } {
  const schema = `lk_${label}_${randomBytes(6).toString("hex")}`;
  return { url: `${POSTGRES_URL}${POSTGRES_URL.includes("?") ? "&" : "?"}schema=${schema}`, schema };
}

/** Drops a schema made by {@link freshPostgresUrl}. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    // Under the migrations' lock: a schema vanishing mid-migration breaks Kysely's table look-up.
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** Runs one query on the test server as an administrator (to cut connections, inspect state). */
export async function adminQuery<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}
