/**
 * The people of an account and their invitations (issue 16; migration 0009): functions over a
 * {@link Store}, which join its transaction when given the store of `Store.transaction`'s callback.
 * Rows never carry a password hash out of here, and an invitation is found by its code's hash only.
 */
import type { InvitesTable, UsersTable } from "./database-schema.js";
import type { Page, PageRequest, Store } from "./store.js";

/** A person as the Users API reads them: every column but the password hash and the lock-out count. */
export type TeamUserRow = Pick<UsersTable, "id" | "account_id" | "email" | "role" | "created_at" | "locked_until"> & {
  readonly permissions: string | null;
  readonly domains: string | null;
  readonly updated_at: string | null;
};

const USER_COLUMNS = ["id", "account_id", "email", "role", "created_at", "locked_until", "permissions", "domains", "updated_at"] as const;

function asTeamUser(row: Record<(typeof USER_COLUMNS)[number], unknown>): TeamUserRow {
  return {
    id: row.id as string,
    account_id: row.account_id as string,
    email: row.email as string,
    role: row.role as string,
    created_at: row.created_at as string,
    locked_until: (row.locked_until as string | null) ?? null,
    permissions: (row.permissions as string | null | undefined) ?? null,
    domains: (row.domains as string | null | undefined) ?? null,
    updated_at: (row.updated_at as string | null | undefined) ?? null,
  };
}

/** An account's people, oldest first (the owner leads), a page at a time. */
export async function listTeamUsers(store: Store, accountId: string, page: PageRequest): Promise<Page<TeamUserRow>> {
  const db = store.query;
  const [rows, count] = await Promise.all([
    db.selectFrom("users").select(USER_COLUMNS).where("account_id", "=", accountId).orderBy("created_at", "asc").orderBy("id", "asc").limit(page.limit).offset((page.page - 1) * page.limit).execute(),
    db.selectFrom("users").select((eb) => eb.fn.countAll<string | number>().as("n")).where("account_id", "=", accountId).executeTakeFirst(),
  ]);
  return { rows: rows.map(asTeamUser), total: Number(count?.n ?? 0) };
}

/** One person of the account, or undefined (also for another account's). */
export async function findTeamUser(store: Store, accountId: string, id: string): Promise<TeamUserRow | undefined> {
  const row = await store.query.selectFrom("users").select(USER_COLUMNS).where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
  return row === undefined ? undefined : asTeamUser(row);
}

/** A person's role as stored: name, Custom User scopes (JSON) and domains (JSON), with the instant. */
export interface StoredRole {
  readonly role: string;
  readonly permissions: string | null;
  readonly domains: string | null;
}

/** Changes a person's role; false when no such person is in the account. */
export async function updateTeamUserRole(store: Store, accountId: string, id: string, role: StoredRole, updatedAt: string): Promise<boolean> {
  const result = await store.query.updateTable("users").set({ role: role.role, permissions: role.permissions, domains: role.domains, updated_at: updatedAt }).where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Removes a person and their sessions; false when no such person is in the account. Their tokens stay. */
export async function deleteTeamUser(store: Store, accountId: string, id: string): Promise<boolean> {
  await store.query.deleteFrom("sessions").where("user_id", "in", (eb) => eb.selectFrom("users").select("id").where("account_id", "=", accountId).where("id", "=", id)).execute();
  const result = await store.query.deleteFrom("users").where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** How many Admins the account has. */
export async function countAdmins(store: Store, accountId: string): Promise<number> {
  const row = await store.query.selectFrom("users").select((eb) => eb.fn.countAll<string | number>().as("n")).where("account_id", "=", accountId).where("role", "=", "Admin").executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Inside a transaction on PostgreSQL: locks the account's Admin rows until it ends, so that two
 * transactions that each remove or demote an Admin take turns and the second counts what the first
 * left. SQLite has one writer at a time and needs nothing.
 */
export async function lockAdmins(tx: Store, accountId: string): Promise<void> {
  if (tx.dialect.kind !== "postgres") return;
  await tx.query.selectFrom("users").select("id").where("account_id", "=", accountId).where("role", "=", "Admin").forUpdate().execute();
}

/** Ids of the account's tokens a creator made (`created_by`, e.g. `user:usr_...`), oldest first. */
export async function listTokenIdsCreatedBy(store: Store, accountId: string, createdBy: string): Promise<string[]> {
  const rows = await store.query.selectFrom("tokens").select("id").where("account_id", "=", accountId).where("created_by", "=", createdBy).orderBy("id", "asc").execute();
  return rows.map((r) => r.id);
}

/** Whether an address is taken by a person of any account (addresses are unique across the database). */
export async function emailHasUser(store: Store, email: string): Promise<boolean> {
  const row = await store.query.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
  return row !== undefined;
}

export async function insertInvite(store: Store, row: InvitesTable): Promise<void> {
  await store.query.insertInto("invites").values(row).execute();
}

/** An account's pending invitations, newest first. */
export async function listInvites(store: Store, accountId: string, page: PageRequest): Promise<Page<InvitesTable>> {
  const db = store.query;
  const [rows, count] = await Promise.all([
    db.selectFrom("invites").selectAll().where("account_id", "=", accountId).orderBy("id", "desc").limit(page.limit).offset((page.page - 1) * page.limit).execute(),
    db.selectFrom("invites").select((eb) => eb.fn.countAll<string | number>().as("n")).where("account_id", "=", accountId).executeTakeFirst(),
  ]);
  return { rows, total: Number(count?.n ?? 0) };
}

export async function findInvite(store: Store, accountId: string, id: string): Promise<InvitesTable | undefined> {
  return store.query.selectFrom("invites").selectAll().where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
}

/** The invitation whose code hashes to `codeHash` (SHA-256 hex), or undefined. */
export async function findInviteByCodeHash(store: Store, codeHash: string): Promise<InvitesTable | undefined> {
  return store.query.selectFrom("invites").selectAll().where("code_hash", "=", codeHash).executeTakeFirst();
}

/** Puts a new code in force (resend); false when no such invitation is in the account. */
export async function replaceInviteCode(store: Store, accountId: string, id: string, codeHash: string, updatedAt: string, expiresAt: string): Promise<boolean> {
  const result = await store.query.updateTable("invites").set({ code_hash: codeHash, updated_at: updatedAt, expires_at: expiresAt }).where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deletes an invitation; false when there was none (so of two accepts racing, one wins). */
export async function deleteInvite(store: Store, accountId: string, id: string): Promise<boolean> {
  const result = await store.query.deleteFrom("invites").where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Deletes the invitation of a code hash, if still the one in force; false when none was. */
export async function spendInviteCode(store: Store, codeHash: string): Promise<boolean> {
  const result = await store.query.deleteFrom("invites").where("code_hash", "=", codeHash).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
