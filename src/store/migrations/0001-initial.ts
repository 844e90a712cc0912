/**
 * Migration 0001 (release 0.1.0): accounts, domains, tokens, token_domains, audit_events.
 * Frozen: never edit a released migration, add a new one. Imports nothing of the application.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("accounts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("domains")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("domains_account_name_unique", ["account_id", "name"])
    .execute();
  await db.schema
    .createTable("tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("secret_hash", "text", (c) => c.notNull().unique())
    .addColumn("preview", "text", (c) => c.notNull())
    .addColumn("format_version", "integer", (c) => c.notNull())
    .addColumn("record_version", "integer", (c) => c.notNull())
    .addColumn("has_full", "integer", (c) => c.notNull())
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("all_domains", "integer", (c) => c.notNull())
    .addColumn("expires_at", "text")
    .addColumn("paused", "integer", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text")
    .execute();
  await db.schema.createIndex("tokens_account_id_idx").on("tokens").columns(["account_id", "id"]).execute();
  await db.schema
    .createTable("token_domains")
    .addColumn("token_id", "text", (c) => c.notNull().references("tokens.id").onDelete("cascade"))
    .addColumn("domain_id", "text", (c) => c.notNull().references("domains.id"))
    .addPrimaryKeyConstraint("token_domains_pk", ["token_id", "domain_id"])
    .execute();
  await db.schema.createIndex("token_domains_domain_idx").on("token_domains").column("domain_id").execute();
  await db.schema
    .createTable("audit_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("actor_type", "text", (c) => c.notNull())
    .addColumn("actor_id", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_type", "text", (c) => c.notNull())
    .addColumn("target_id", "text", (c) => c.notNull())
    .addColumn("ip", "text")
    .addColumn("details", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_events_account_idx").on("audit_events").columns(["account_id", "id"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["audit_events", "token_domains", "tokens", "domains", "accounts"]) {
    await db.schema.dropTable(table).execute();
  }
}
