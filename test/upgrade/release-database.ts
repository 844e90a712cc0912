/**
 * A database as an earlier release left it, from its fixture (test/fixtures/release-<v>.sql, the
 * SQLite file that release wrote), on SQLite or PostgreSQL, not yet migrated by this code.
 *
 * - SQLite: the fixture's SQL run into a fresh file: byte for byte the schema and rows that release wrote.
 * - PostgreSQL: no release wrote a PostgreSQL dump, so the database is rebuilt the way that release's
 *   own start would have built it: a fresh schema migrated by this code's migrations up to the last one
 *   the fixture had applied (its `kysely_migration` rows), then every row of the fixture copied in,
 *   column by column. This holds as long as applied migrations are never edited, which the fixtures
 *   from 0.2.0 on check (they record each migration source's SHA-256; release-fixtures.test.ts).
 *   What it cannot show is a PostgreSQL-only difference of an old release's own code; that is the
 *   honest limit of this replay (docs/upgrading.md, "How upgrades are tested").
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { migrationProvider } from "../../src/store/migration-provider.js";
import { MIGRATION_LOCK_KEY } from "../../src/store/store.js";
import { freshPostgresUrl, POSTGRES_URL } from "../helpers/postgres-database.js";

const fixtures = new URL("../fixtures/", import.meta.url);

/** Versions with a fixture, oldest first. */
export function fixtureReleases(): string[] {
  return readdirSync(fixtures)
    .filter((f) => /^release-.*\.sql$/.test(f))
    .map((f) => f.slice("release-".length, -".sql".length))
    .sort((x, y) => x.localeCompare(y, undefined, { numeric: true }));
}

/** The fixture's SQL loaded into a fresh SQLite file; returns its path. */
export function fixtureSqliteFile(version: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "lk-upgrade-")), "old.db");
  const db = new Database(path);
  db.exec(readFileSync(new URL(`release-${version}.sql`, fixtures), "utf8"));
  db.close();
  return path;
}

/** The fixture's database on a fresh PostgreSQL schema (see above); returns its URL and schema. */
export async function fixturePostgres(version: string): Promise<{ url: string; schema: string }> {
  const source = new Database(fixtureSqliteFile(version), { readonly: true });
  const { url, schema } = freshPostgresUrl("upgrade");
  // Under the migrations' advisory lock, as latchkey migrates: Kysely's table look-up reads every
  // schema, and another run dropping its schema meanwhile breaks it (test/helpers/postgres-database.ts).
  const holder = new pg.Client({ connectionString: POSTGRES_URL });
  await holder.connect();
  await holder.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
  await holder.query(`create schema "${schema}"`);
  // One connection: the replication role set below must hold for every insert.
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1, options: `-c search_path=${schema}` });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    const applied = source.prepare("select name from kysely_migration order by name").pluck().all() as string[];
    const last = applied.at(-1);
    if (last === undefined) throw new Error(`fixture ${version} has no migrations`);
    const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema: schema });
    const { error } = await migrator.migrateTo(last);
    if (error) throw error instanceof Error ? error : new Error(String(error));
    const tables = source.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by rowid").pluck().all() as string[];
    await sql`set session_replication_role = replica`.execute(db); // rows in the fixture's order, foreign keys unchecked while copying
    for (const table of tables) {
      await sql`delete from ${sql.table(table)}`.execute(db); // rows a migration seeded are in the fixture too
      for (const row of source.prepare(`select * from "${table}"`).all() as Record<string, unknown>[]) {
        const columns = Object.keys(row);
        await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values (${sql.join(columns.map((c) => row[c]))})`.execute(db);
      }
    }
    await sql`set session_replication_role = origin`.execute(db);
  } finally {
    source.close();
    await db.destroy();
    await holder.end(); // ending the session releases the lock
  }
  return { url, schema };
}
