/**
 * Migration 0008 (issue 14): per-token limits (`token_limits`), hourly usage counts (`token_usage`)
 * and the last use of each token with its address, area and method (`token_last_use`).
 * Frozen once released: never edit it, add a new one. Imports nothing of the application.
 *
 * `token_usage` and `token_last_use` have no foreign key to `tokens`: counts are written in batches,
 * and a batch that lands after its token was deleted must still be kept (account-wide usage counts it).
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("token_limits")
    .addColumn("token_id", "text", (c) => c.primaryKey().references("tokens.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("limits", "text", (c) => c.notNull())
    .addColumn("credits_remaining", "bigint")
    .addColumn("credits_period", "integer")
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("token_usage")
    .addColumn("token_id", "text", (c) => c.notNull())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("hour", "text", (c) => c.notNull())
    .addColumn("area", "text", (c) => c.notNull())
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("count", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("token_usage_pk", ["token_id", "hour", "area", "code"])
    .execute();
  await db.schema.createIndex("token_usage_account_hour_idx").on("token_usage").columns(["account_id", "hour"]).execute();
  await db.schema.createIndex("token_usage_hour_idx").on("token_usage").column("hour").execute();
  await db.schema
    .createTable("token_last_use")
    .addColumn("token_id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("used_at", "text", (c) => c.notNull())
    .addColumn("ip", "text")
    .addColumn("area", "text", (c) => c.notNull())
    .addColumn("method", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("token_last_use").execute();
  await db.schema.dropTable("token_usage").execute();
  await db.schema.dropTable("token_limits").execute();
}
