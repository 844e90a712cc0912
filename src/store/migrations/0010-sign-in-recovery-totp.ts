/**
 * Migration 0010 (issue 16, sign-in part): the deployment's one set-up code (`setup_codes`), password
 * reset codes (`password_resets`), two-factor sign-in with TOTP (`user_two_factor`,
 * `recovery_codes`, `sign_in_challenges`, `session_step_ups`) and the account policy's
 * `two_factor_required_for_admins`. Every code is stored as its SHA-256 only.
 * Frozen once released: never edit it, add a new one. Imports nothing of the application.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("setup_codes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("password_resets")
    .addColumn("code_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("password_resets_user_idx").on("password_resets").column("user_id").execute();
  await db.schema
    .createTable("user_two_factor")
    .addColumn("user_id", "text", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("confirmed_at", "text")
    .addColumn("last_time_step", "bigint")
    .execute();
  await db.schema
    .createTable("recovery_codes")
    .addColumn("code_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("used_at", "text")
    .execute();
  await db.schema.createIndex("recovery_codes_user_idx").on("recovery_codes").column("user_id").execute();
  await db.schema
    .createTable("sign_in_challenges")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("session_step_ups")
    .addColumn("session_id_hash", "text", (c) => c.primaryKey().references("sessions.id_hash").onDelete("cascade"))
    .addColumn("verified_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.alterTable("account_policies").addColumn("two_factor_required_for_admins", "integer", (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("account_policies").dropColumn("two_factor_required_for_admins").execute();
  await db.schema.dropTable("session_step_ups").execute();
  await db.schema.dropTable("sign_in_challenges").execute();
  await db.schema.dropTable("recovery_codes").execute();
  await db.schema.dropTable("user_two_factor").execute();
  await db.schema.dropTable("password_resets").execute();
  await db.schema.dropTable("setup_codes").execute();
}
