/**
 * Migration 0011 (break-test finding F16): the sign-in lock-out of addresses that belong to nobody,
 * kept in the database as a known user's is (`users.failed_attempts`, `users.locked_until`), so that
 * every instance and every restart count them alike and the answers do not tell which addresses
 * exist. Keyed by the SHA-256 of the normalized address, never the address itself.
 * Frozen once released: never edit it, add a new one. Imports nothing of the application.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("address_lockouts")
    .addColumn("address_hash", "text", (c) => c.primaryKey())
    .addColumn("failed_attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("locked_until", "text")
    .execute();
  await db.schema.createIndex("address_lockouts_locked_idx").on("address_lockouts").column("locked_until").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("address_lockouts").execute();
}
