/**
 * Rotation's storage (issue 13): the previous secret of a rotated token (`token_previous_secrets`,
 * at most one per token, removed with the token) and the sealed replies of idempotent rotations
 * (`token_rotation_replays`). Functions over a {@link Store} (or the transaction's store), so that
 * they run inside the caller's transaction.
 */
import type SQLite from "better-sqlite3";
import type { TokenPreviousSecretsTable, TokenRotationReplaysTable } from "./database-schema.js";
import type { Store, TokenVerificationRow } from "./store.js";
import { VERIFICATION_COLUMNS_SQL, VERIFICATION_LIMIT_COLUMNS, verificationRowOfSqlite } from "./verification-columns.js";

/**
 * The verification read of a previous secret: the same row as the current secret's read (the same
 * token: permissions, conditions, canary flag, limits; verification-columns.ts) and the end of the
 * secret's grace.
 */
export type PreviousVerificationRow = TokenVerificationRow & { readonly grace_ends_at: string };

const statements = new WeakMap<SQLite.Database, SQLite.Statement>();

/**
 * The token whose previous secret hashes to `secretHash`, read at once where that can be done (SQLite,
 * no transaction open; as {@link Store.findTokenByHashAtOnce}).
 *
 * @returns `{row}` (undefined: no such previous secret), or null when it needs a wait.
 */
export function findTokenByPreviousHashAtOnce(store: Store, secretHash: string): { readonly row: PreviousVerificationRow | undefined } | null {
  const sqlite = store.sqliteAtOnce;
  if (sqlite === null) return null;
  let statement = statements.get(sqlite);
  if (statement === undefined) {
    statement = sqlite.prepare(
      `select ${VERIFICATION_COLUMNS_SQL}, p.grace_ends_at
       from token_previous_secrets p join tokens t on t.id = p.token_id left join token_limits l on l.token_id = t.id where p.secret_hash = ?`,
    );
    statements.set(sqlite, statement);
  }
  const found = statement.get(secretHash) as (Omit<PreviousVerificationRow, "domains"> & { domains_json: string }) | undefined;
  return { row: found === undefined ? undefined : verificationRowOfSqlite(found) };
}

/** The token whose previous secret hashes to `secretHash`, with its domains, its limits and the grace's end. */
export async function findTokenByPreviousHash(store: Store, secretHash: string): Promise<PreviousVerificationRow | undefined> {
  const atOnce = findTokenByPreviousHashAtOnce(store, secretHash);
  if (atOnce !== null) return atOnce.row;
  const row = await store.query
    .selectFrom("token_previous_secrets as p")
    .innerJoin("tokens", "tokens.id", "p.token_id")
    .leftJoin("token_limits", "token_limits.token_id", "tokens.id")
    .selectAll("tokens")
    .select([...VERIFICATION_LIMIT_COLUMNS, "p.grace_ends_at"])
    .where("p.secret_hash", "=", secretHash)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const domains =
    row.all_domains === 1
      ? []
      : await store.query
          .selectFrom("token_domains")
          .innerJoin("domains", "domains.id", "token_domains.domain_id")
          .select(["domains.id", "domains.name"])
          .where("token_domains.token_id", "=", row.id)
          .orderBy("domains.name")
          .execute();
  return { ...row, domains };
}

/** The previous secrets of some tokens, by token id (for showing tokens). */
export async function previousSecretsOf(store: Store, tokenIds: readonly string[]): Promise<Map<string, TokenPreviousSecretsTable>> {
  if (tokenIds.length === 0) return new Map();
  const rows = await store.query.selectFrom("token_previous_secrets").selectAll().where("token_id", "in", tokenIds).execute();
  return new Map(rows.map((row) => [row.token_id, row]));
}

/** Replaces the token's previous secret (ending any grace in course: only one previous secret is kept). */
export async function replacePreviousSecret(store: Store, row: TokenPreviousSecretsTable): Promise<void> {
  await store.query.deleteFrom("token_previous_secrets").where("token_id", "=", row.token_id).execute();
  await store.query.insertInto("token_previous_secrets").values(row).execute();
}

/** Which token of an account a secret hash belongs to, as its current or its previous secret. */
export async function findTokenIdByAnyHash(store: Store, accountId: string, secretHash: string): Promise<{ id: string; secret: "current" | "previous" } | undefined> {
  const current = await store.query.selectFrom("tokens").select("id").where("account_id", "=", accountId).where("secret_hash", "=", secretHash).executeTakeFirst();
  if (current !== undefined) return { id: current.id, secret: "current" };
  const previous = await store.query
    .selectFrom("token_previous_secrets as p")
    .innerJoin("tokens as t", "t.id", "p.token_id")
    .select("t.id")
    .where("t.account_id", "=", accountId)
    .where("p.secret_hash", "=", secretHash)
    .executeTakeFirst();
  return previous === undefined ? undefined : { id: previous.id, secret: "previous" };
}

/** The token (id and account) whose previous secret hashes to `secretHash`, in any account (the leak intake). */
export async function findTokenIdByPreviousHash(store: Store, secretHash: string): Promise<{ id: string; account_id: string } | undefined> {
  return store.query.selectFrom("token_previous_secrets as p").innerJoin("tokens as t", "t.id", "p.token_id").select(["t.id", "t.account_id"]).where("p.secret_hash", "=", secretHash).executeTakeFirst();
}

/**
 * Ends the grace of a token's previous secret at `nowIso` (a leaked previous secret, break-test F8):
 * from then on it is refused with token_rotated. A grace already over is left as it is.
 */
export async function endPreviousGrace(store: Store, tokenId: string, nowIso: string): Promise<void> {
  await store.query.updateTable("token_previous_secrets").set({ grace_ends_at: nowIso }).where("token_id", "=", tokenId).where("grace_ends_at", ">", nowIso).execute();
}

/** Records last-used instants of previous secrets, by token id; never moves a time backwards. */
export async function touchPreviousLastUsed(store: Store, entries: ReadonlyMap<string, string>): Promise<void> {
  if (entries.size === 0) return;
  await store.transaction(async (tx) => {
    for (const [tokenId, at] of entries) {
      await tx.query
        .updateTable("token_previous_secrets")
        .set({ last_used_at: at })
        .where("token_id", "=", tokenId)
        .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", at)]))
        .execute();
    }
  });
}

/**
 * Gives a token a new current secret, if its current one is still `expectedSecretHash` (a rotation
 * that raced another must not build on a secret it did not see); its last-used instant starts over
 * (null: the new secret is unused; the old one's moves to its previous-secret row).
 *
 * @returns false when the token's secret changed meanwhile (or the token is gone).
 */
export async function replaceCurrentSecret(store: Store, tokenId: string, expectedSecretHash: string, change: { secret_hash: string; preview: string; updated_at: string }): Promise<boolean> {
  const result = await store.query.updateTable("tokens").set({ ...change, last_used_at: null }).where("id", "=", tokenId).where("secret_hash", "=", expectedSecretHash).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Takes the token's row lock for the rest of the transaction (PostgreSQL `select ... for update`), so
 * that concurrent rotations of one token run one after another, each reading the secret the previous
 * one left (break test B2-2: without it they raced and retried). SQLite's write transactions are
 * serialized already: nothing to do there.
 */
export async function lockTokenRow(store: Store, tokenId: string): Promise<void> {
  if (store.dialect.kind !== "postgres") return;
  await store.query.selectFrom("tokens").select("id").where("id", "=", tokenId).forUpdate().execute();
}

/** The stored reply of an idempotent rotation, by its key hash. */
export async function findReplay(store: Store, keyHash: string): Promise<TokenRotationReplaysTable | undefined> {
  return store.query.selectFrom("token_rotation_replays").selectAll().where("key_hash", "=", keyHash).executeTakeFirst();
}

/** Stores the sealed reply of a rotation. @throws UniqueViolation-like database error when the key is taken. */
export async function insertReplay(store: Store, row: TokenRotationReplaysTable): Promise<void> {
  await store.query.insertInto("token_rotation_replays").values(row).execute();
}

/**
 * Ages the stored replies: wipes the sealed secret of those whose replay window has passed
 * (`replay_until <= nowIso`; the key's hash stays, so a late retry gets a 409, never a new secret),
 * and deletes those created at or before `forgetBeforeIso`.
 */
export async function ageReplays(store: Store, nowIso: string, forgetBeforeIso: string): Promise<void> {
  await store.query.updateTable("token_rotation_replays").set({ sealed_secret: "" }).where("replay_until", "<=", nowIso).where("sealed_secret", "!=", "").execute();
  await store.query.deleteFrom("token_rotation_replays").where("created_at", "<=", forgetBeforeIso).execute();
}
