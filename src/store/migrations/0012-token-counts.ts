/**
 * Migration 0012 (issue 18, scale): `account_token_counts`, each account's number of tokens, kept by
 * triggers on `tokens` in the same transaction as every insert and delete (the bulk path, cascades and
 * restores included), so a list's `total` is one row read instead of a count over the account's index
 * entries. Filled here from the tokens already stored, after the triggers exist and (PostgreSQL) under a
 * lock of `tokens`, so a token an older instance writes meanwhile is counted once. No foreign key: a deleted account's row is
 * removed by its own trigger, and the token triggers only update rows that exist or insert new ones.
 * Frozen once released: never edit it, add a new one. Imports nothing of the application.
 */
import { PostgresAdapter, sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // PostgreSQL runs each migration in a transaction already; SQLite's migrations do not, so this one
  // takes its own: the table, the triggers and the fill commit together, no writer in between.
  if (db.getExecutor().adapter instanceof PostgresAdapter) return create(db);
  await db.transaction().execute((trx) => create(trx));
}

async function create(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("account_token_counts")
    .addColumn("account_id", "text", (c) => c.primaryKey())
    .addColumn("n", "bigint", (c) => c.notNull())
    .execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // During a rolling upgrade an older instance may insert tokens while this runs (break test B2-14):
    // the table lock waits for their transactions and holds off new ones until this migration commits,
    // when the triggers (created first) count them. So the fill below sees every committed token.
    await sql`lock table tokens in share row exclusive mode`.execute(db);
    await sql`
      create function latchkey_count_tokens() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          insert into account_token_counts (account_id, n) values (new.account_id, 1)
          on conflict (account_id) do update set n = account_token_counts.n + 1;
          return new;
        end if;
        update account_token_counts set n = n - 1 where account_id = old.account_id;
        return old;
      end $$`.execute(db);
    await sql`create trigger tokens_counted after insert or delete on tokens for each row execute function latchkey_count_tokens()`.execute(db);
    await sql`
      create function latchkey_uncount_account() returns trigger language plpgsql as $$
      begin
        delete from account_token_counts where account_id = old.id;
        return old;
      end $$`.execute(db);
    await sql`create trigger accounts_uncounted after delete on accounts for each row execute function latchkey_uncount_account()`.execute(db);
    await fill(db);
    return;
  }
  await sql`
    create trigger tokens_counted_insert after insert on tokens begin
      insert into account_token_counts (account_id, n) values (new.account_id, 1)
      on conflict (account_id) do update set n = n + 1;
    end`.execute(db);
  await sql`
    create trigger tokens_counted_delete after delete on tokens begin
      update account_token_counts set n = n - 1 where account_id = old.account_id;
    end`.execute(db);
  await sql`
    create trigger accounts_uncounted after delete on accounts begin
      delete from account_token_counts where account_id = old.id;
    end`.execute(db);
  // SQLite: this write transaction holds every other writer off until it commits.
  await fill(db);
}

/** Each account's count from the tokens stored now (after the triggers exist, under the lock). */
async function fill(db: Kysely<unknown>): Promise<void> {
  await sql`insert into account_token_counts (account_id, n) select account_id, count(*) from tokens group by account_id`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop trigger accounts_uncounted on accounts`.execute(db);
    await sql`drop trigger tokens_counted on tokens`.execute(db);
    await sql`drop function latchkey_uncount_account()`.execute(db);
    await sql`drop function latchkey_count_tokens()`.execute(db);
  } else {
    await sql`drop trigger accounts_uncounted`.execute(db);
    await sql`drop trigger tokens_counted_delete`.execute(db);
    await sql`drop trigger tokens_counted_insert`.execute(db);
  }
  await db.schema.dropTable("account_token_counts").execute();
}
