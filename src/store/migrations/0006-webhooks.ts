/**
 * Migration 0006: webhook endpoints, the outbox of lifecycle events and their deliveries, expiry
 * reminders already sent, leak quarantines, and canary tokens (docs/webhooks.md).
 * Frozen once released: never edit it, add a new one. Imports nothing of the application.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("webhooks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("events", "text", (c) => c.notNull())
    .addColumn("enabled", "integer", (c) => c.notNull())
    .addColumn("signing_secret", "text", (c) => c.notNull())
    .addColumn("failing_since", "text")
    .addColumn("disabled_reason", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("webhooks_account_idx").on("webhooks").columns(["account_id", "id"]).execute();

  // One row per event; the deliveries (one per subscribed endpoint) are written in the same transaction.
  await db.schema
    .createTable("webhook_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("webhook_id", "text", (c) => c.notNull().references("webhooks.id").onDelete("cascade"))
    .addColumn("event_id", "text", (c) => c.notNull().references("webhook_events.id"))
    .addColumn("order_key", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("next_attempt_at", "text", (c) => c.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", "text")
    .addColumn("last_attempt_at", "text")
    .addColumn("last_status_code", "integer")
    .addColumn("last_duration_ms", "integer")
    .addColumn("last_response", "text")
    .addColumn("last_error", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("delivered_at", "text")
    .execute();
  await db.schema.createIndex("webhook_deliveries_due_idx").on("webhook_deliveries").columns(["status", "next_attempt_at"]).execute();
  await db.schema.createIndex("webhook_deliveries_order_idx").on("webhook_deliveries").columns(["webhook_id", "order_key", "status", "id"]).execute();

  await db.schema
    .createTable("token_reminders")
    .addColumn("token_id", "text", (c) => c.notNull().references("tokens.id").onDelete("cascade"))
    .addColumn("threshold_days", "integer", (c) => c.notNull())
    .addColumn("sent_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("token_reminders_pk", ["token_id", "threshold_days"])
    .execute();

  await db.schema
    .createTable("token_quarantines")
    .addColumn("token_id", "text", (c) => c.primaryKey().references("tokens.id").onDelete("cascade"))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("url", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema.alterTable("tokens").addColumn("canary", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex("tokens_expires_idx").on("tokens").column("expires_at").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("tokens_expires_idx").execute();
  await db.schema.alterTable("tokens").dropColumn("canary").execute();
  await db.schema.dropTable("token_quarantines").execute();
  await db.schema.dropTable("token_reminders").execute();
  await db.schema.dropTable("webhook_deliveries").execute();
  await db.schema.dropTable("webhook_events").execute();
  await db.schema.dropTable("webhooks").execute();
}
