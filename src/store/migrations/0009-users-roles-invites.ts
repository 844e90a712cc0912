/**
 * Migration 0009 (issue 16): people's roles and invitations.
 * Frozen once released: never edit it, add a new one. Imports nothing of the application.
 *
 * `users` gains the role's chosen scopes (`permissions`, a JSON array of scope strings; Custom User
 * only, else null), its domains (`domains`, a JSON array of domain ids, or null for all) and
 * `updated_at`. The owner every database had so far (role `owner`, who acted for the whole account)
 * becomes an `Admin`, which is the same power.
 *
 * `invites`: a pending invitation. Only the SHA-256 of its code is kept (`code_hash`, unique); a resend
 * replaces it, and accepting deletes the row. One pending invitation per address (`email`, unique).
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("users").addColumn("permissions", "text").execute();
  await db.schema.alterTable("users").addColumn("domains", "text").execute();
  await db.schema.alterTable("users").addColumn("updated_at", "text").execute();
  await sql`update users set role = 'Admin' where role = 'owner'`.execute(db);
  await db.schema
    .createTable("invites")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("permissions", "text")
    .addColumn("domains", "text")
    .addColumn("code_hash", "text", (c) => c.notNull().unique())
    .addColumn("invited_by", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("invites_account_idx").on("invites").columns(["account_id", "id"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("invites").execute();
  await sql`update users set role = 'owner' where role = 'Admin'`.execute(db);
  await db.schema.alterTable("users").dropColumn("updated_at").execute();
  await db.schema.alterTable("users").dropColumn("domains").execute();
  await db.schema.alterTable("users").dropColumn("permissions").execute();
}
