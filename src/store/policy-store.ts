/**
 * Account policies' storage (issue 13): one row per account that has set one (`account_policies`);
 * no row means no policy. Functions over a {@link Store} (or the transaction's store).
 */
import type { AccountPoliciesTable } from "./database-schema.js";
import type { Expression, SqlBool } from "kysely";
import type { Store } from "./store.js";
import { visibleTokenSql, type TokenViewer } from "./token-lineage-store.js";

/** The account's policy row, or undefined when it has none. */
export async function findAccountPolicy(store: Store, accountId: string): Promise<AccountPoliciesTable | undefined> {
  return store.query.selectFrom("account_policies").selectAll().where("account_id", "=", accountId).executeTakeFirst();
}

/** Sets the account's policy (insert or replace). */
export async function saveAccountPolicy(store: Store, row: AccountPoliciesTable): Promise<void> {
  await store.query.deleteFrom("account_policies").where("account_id", "=", row.account_id).execute();
  await store.query.insertInto("account_policies").values(row).execute();
}

/**
 * Every token of an account that `viewer` may see (null: all; token-lineage-store.ts) with what the
 * policy looks at (for the out-of-policy list), newest first.
 */
export async function listTokensForPolicy(
  store: Store,
  accountId: string,
  viewer: TokenViewer | null = null,
): Promise<{ id: string; name: string; created_at: string; expires_at: string | null; allowed_ips: string | null }[]> {
  let query = store.query.selectFrom("tokens").select(["id", "name", "created_at", "expires_at", "allowed_ips"]).where("account_id", "=", accountId);
  if (viewer !== null) query = query.where(() => visibleTokenSql(accountId, viewer) as unknown as Expression<SqlBool>);
  const rows = await query.orderBy("id", "desc").execute();
  return rows.map((row) => ({ ...row, allowed_ips: row.allowed_ips ?? null }));
}
