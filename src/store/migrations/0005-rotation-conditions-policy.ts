/**
 * Migration 0005 (issue 13): conditions of use on tokens (`not_before`, `allowed_ips`), the previous
 * secret a rotation keeps for its grace, the sealed replies of idempotent rotations, and account
 * policies. Frozen once released: never edit it, add a new one. Imports nothing of the application.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("tokens").addColumn("not_before", "text").execute();
  // JSON array of canonical CIDR strings, or null for any address.
  await db.schema.alterTable("tokens").addColumn("allowed_ips", "text").execute();
  await db.schema
    .createTable("token_previous_secrets")
    .addColumn("token_id", "text", (c) => c.primaryKey().references("tokens.id").onDelete("cascade"))
    .addColumn("secret_hash", "text", (c) => c.notNull().unique())
    .addColumn("preview", "text", (c) => c.notNull())
    .addColumn("grace_ends_at", "text", (c) => c.notNull())
    .addColumn("rotated_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text")
    .execute();
  await db.schema
    .createTable("token_rotation_replays")
    .addColumn("key_hash", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("token_id", "text", (c) => c.notNull().references("tokens.id").onDelete("cascade"))
    .addColumn("grace_seconds", "integer", (c) => c.notNull())
    .addColumn("sealed_secret", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("replay_until", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("token_rotation_replays_until_idx").on("token_rotation_replays").column("replay_until").execute();
  await db.schema
    .createTable("account_policies")
    .addColumn("account_id", "text", (c) => c.primaryKey().references("accounts.id"))
    .addColumn("max_lifetime_days", "integer")
    .addColumn("expiry_required", "integer", (c) => c.notNull())
    .addColumn("allowed_ips_required", "integer", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("account_policies").execute();
  await db.schema.dropTable("token_rotation_replays").execute();
  await db.schema.dropTable("token_previous_secrets").execute();
  await db.schema.alterTable("tokens").dropColumn("allowed_ips").execute();
  await db.schema.alterTable("tokens").dropColumn("not_before").execute();
}
