/**
 * The change sequence (migration 0004): every change that verification must see gets the next number
 * of one counter row, in the change's own transaction. The row stays locked until that transaction
 * ends, so numbers are handed out in commit order: an instance that has applied change N has applied
 * every change before it (PostgreSQL delivers one channel's notifications in commit order too).
 *
 * On PostgreSQL the change is announced on the change channel as one line,
 * `c <seq> <account id or -> <payload>` (payload: `token:<id>`, `account:<id>`, or anything else,
 * which means "drop everything"); heartbeats (`h ...`) and acknowledgements (`a ...`) share the
 * channel (src/service/change-listener.ts).
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "./database-schema.js";

/** A committed change as announced: its number, the account it concerns (null: unknown) and its payload. */
export interface AnnouncedChange {
  readonly seq: number;
  readonly accountId: string | null;
  readonly payload: string;
}

/** Hands out the next change number inside the caller's transaction (locking the counter row until it ends). */
export async function nextChangeSeq(db: Kysely<Database> | Transaction<Database>): Promise<number> {
  const row = await db.updateTable("change_sequence").set((eb) => ({ seq: eb("seq", "+", 1) })).where("id", "=", 1).returning("seq").executeTakeFirstOrThrow();
  return Number(row.seq);
}

/** The last change number handed out (0 on a fresh database). */
export async function currentChangeSeq(db: Kysely<Database> | Transaction<Database>): Promise<number> {
  const row = await db.selectFrom("change_sequence").select("seq").where("id", "=", 1).executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/**
 * The account a change payload concerns: given, or the account of the token it names (read inside the
 * transaction, before the token could be gone), or the account it names; null when none.
 */
export async function accountOfChange(db: Kysely<Database> | Transaction<Database>, payload: string, accountId: string | undefined): Promise<string | null> {
  if (accountId !== undefined) return accountId;
  if (payload.startsWith("account:")) return payload.slice("account:".length);
  if (payload.startsWith("token:")) {
    const row = await db.selectFrom("tokens").select("account_id").where("id", "=", payload.slice("token:".length)).executeTakeFirst();
    return row?.account_id ?? null;
  }
  return null;
}

/**
 * PostgreSQL: numbers a change and sends its line on the channel in one statement (one round trip);
 * delivered if and only if the transaction commits.
 *
 * @returns the change's number.
 */
export async function numberAndNotify(db: Kysely<Database> | Transaction<Database>, channel: string, accountId: string | null, payload: string): Promise<number> {
  const { rows } = await sql<{ seq: string | number }>`
    with next as (update change_sequence set seq = seq + 1 where id = 1 returning seq)
    select seq, pg_notify(${channel}, 'c ' || seq || ' ' || ${accountId ?? "-"} || ' ' || ${payload}) from next`.execute(db);
  const row = rows[0];
  if (row === undefined) throw new Error("change_sequence has no row");
  return Number(row.seq);
}
