/**
 * Migration 0013 (break-test finding F7): who made a webhook endpoint.
 * Frozen once released: never edit it, add a new one. Imports nothing of the application.
 *
 * `webhooks.maker_lineage`: for an endpoint made by an API token, that token's lineage as audit events
 * keep it (`/<root id>/.../<its id>/`), so that the endpoint hears only the events of the maker's
 * subtree and only tokens of whose subtree the maker is part may manage it, even after the maker is
 * deleted; null for an endpoint made by a person or the operator (every endpoint made before this
 * migration), which only people and the operator manage.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("webhooks").addColumn("maker_lineage", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("webhooks").dropColumn("maker_lineage").execute();
}
