/**
 * Migration 0003 (issue 10): token lineage. `tokens.parent_id` names the token that created a token
 * (null: a root, made by a dashboard user or the CLI/operator), indexed for the subtree reads.
 * `audit_events.target_lineage` keeps, for an event about a token, the ids from its root down to it
 * (`/tok_a/tok_b/`), so that a token still sees events about a token of its subtree once deleted.
 * Existing rows are filled from `created_by` (`token:<id>`); rows of release 0.1.0, all made by the
 * CLI or a user, stay roots. No foreign key: a deleted parent leaves its children's `parent_id`
 * pointing at nothing, which refuses them for good (docs/security.md, "Lineage").
 * Frozen once released: never edit it, add a new one. Imports nothing of the application.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("tokens").addColumn("parent_id", "text").execute();
  await sql`update tokens set parent_id = substr(created_by, 7) where created_by like 'token:%'`.execute(db);
  await db.schema.createIndex("tokens_parent_id_idx").on("tokens").columns(["parent_id", "id"]).execute();
  await db.schema.alterTable("audit_events").addColumn("target_lineage", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("audit_events").dropColumn("target_lineage").execute();
  await db.schema.dropIndex("tokens_parent_id_idx").execute();
  await db.schema.alterTable("tokens").dropColumn("parent_id").execute();
}
