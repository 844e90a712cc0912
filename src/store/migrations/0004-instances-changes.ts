/**
 * Migration 0004 (round 2, issue 11): the change sequence and the instance registry.
 *
 * - `change_sequence`: one row whose `seq` every change (token created, renamed, paused, resumed,
 *   deleted; domain added or removed) increments in its own transaction. The row lock makes the
 *   numbers follow commit order, so "has applied N" means "has applied every change up to N".
 * - `instances`: each live PostgreSQL instance, its heartbeat (database clock, epoch milliseconds),
 *   the last change it has applied, and whether it is bypassing its cache (reading the database on
 *   every verification, so it has every change by construction).
 *
 * Frozen once released: never edit, add a new one. Imports nothing of the application.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("change_sequence")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .execute();
  await sql`insert into change_sequence (id, seq) values (1, 0)`.execute(db);
  await db.schema
    .createTable("instances")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("heartbeat_ms", "bigint", (c) => c.notNull())
    .addColumn("applied_seq", "bigint", (c) => c.notNull())
    .addColumn("bypassing", "integer", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("instances").execute();
  await db.schema.dropTable("change_sequence").execute();
}
