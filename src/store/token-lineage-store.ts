/**
 * The reads and writes of token lineage (issue 10; the rules are in src/core/token-lineage.ts): a
 * token's ancestors for the verification record, a token's subtree for management and cascades, and
 * the visibility filter a token's view of tokens and audit events goes through. Recursive common
 * table expressions over `tokens.parent_id` (migration 0003), the same SQL on SQLite and PostgreSQL.
 */
import type SQLite from "better-sqlite3";
import { sql, type RawBuilder } from "kysely";
import { MAX_LINEAGE_DEPTH } from "../core/token-lineage.js";
import type { Store, TokenVerificationRow } from "./store.js";

/** One ancestor's row, as the verification record needs it. */
export interface AncestorRow {
  readonly id: string;
  readonly parent_id: string | null;
  readonly has_full: number;
  readonly scopes: string;
  readonly all_domains: number;
  readonly expires_at: string | null;
  readonly paused: number;
  readonly domains: { id: string; name: string }[];
}

/** The verification read: the token's row and its ancestors, parent first (empty for a root). */
export interface VerificationRead {
  readonly row: TokenVerificationRow;
  readonly ancestors: readonly AncestorRow[];
}

const NO_ANCESTORS: readonly AncestorRow[] = Object.freeze([]);

/**
 * Who looks at tokens (docs/security.md "Visibility", docs/teams.md "What a person sees"):
 * - a token (`tokenId`): its own subtree, and of it only tokens whose domains lie within its own;
 * - a signed-in person other than an Admin (`tokenId: null`, `person`): every token of the account that
 *   lies within their role, i.e. that holds no Full access and no scope outside `person.reachScopes`,
 *   and whose domains lie within the role's (an all-domains token only when the role holds all domains).
 * Admins and the operator see the whole account (no viewer: null).
 */
export type TokenViewer =
  | {
      /** The viewing token: the root of the subtree it sees. */
      readonly tokenId: string;
      /** The viewer's domain ids, or null when it holds all domains. */
      readonly domainIds: readonly string[] | null;
      readonly person?: undefined;
    }
  | {
      /** No token: a person sees by their role, not by a subtree. */
      readonly tokenId: null;
      /** The role's domain ids, or null when it holds all domains. */
      readonly domainIds: readonly string[] | null;
      readonly person: PersonReach;
    };

/** What a person's role reaches (src/core/roles.ts roleReachScopes). */
export interface PersonReach {
  /** The person's user id (their own audit events are theirs to see). */
  readonly userId: string;
  /** Scope strings a token may hold and lie within the role; empty: no token does. */
  readonly reachScopes: readonly string[];
}

/**
 * The verification read of a secret hash with the token's ancestors, without a promise where it can
 * be done so (SQLite, no transaction open; see Store.findTokenByHashAtOnce). A root costs nothing more
 * than before; a child one more prepared statement.
 *
 * @returns `{read}` (undefined: no such token), or null when it cannot be answered at once.
 */
export function findVerificationAtOnce(store: Store, secretHash: string): { readonly read: VerificationRead | undefined } | null {
  const atOnce = store.findTokenByHashAtOnce(secretHash);
  if (atOnce === null) return null;
  const row = atOnce.row;
  if (row === undefined) return { read: undefined };
  if (row.parent_id === null || row.parent_id === undefined) return { read: { row, ancestors: NO_ANCESTORS } };
  const ancestors = ancestorsAtOnce(store, row.parent_id);
  return ancestors === null ? null : { read: { row, ancestors } };
}

/** The verification read of a secret hash with the token's ancestors (one recursive read for a child). */
export async function findVerification(store: Store, secretHash: string): Promise<VerificationRead | undefined> {
  const row = await store.findTokenByHash(secretHash);
  if (row === undefined) return undefined;
  if (row.parent_id === null || row.parent_id === undefined) return { row, ancestors: NO_ANCESTORS };
  return { row, ancestors: await readAncestors(store, row.parent_id) };
}

/** The chain of ancestors from `parentId` upwards, parent first; it stops where an ancestor is missing. */
function chainSql(parentId: string): RawBuilder<unknown> {
  return sql`with recursive chain(id, depth) as (
      select id, 1 from tokens where id = ${parentId}
      union all
      select t.parent_id, c.depth + 1 from chain c join tokens t on t.id = c.id
      where t.parent_id is not null and c.depth <= ${MAX_LINEAGE_DEPTH}
    )`;
}

/**
 * The ancestors of a token whose parent is `parentId`, parent first, at most MAX_LINEAGE_DEPTH + 1 of
 * them (one more than the rules accept, so that an overlong chain is seen as such).
 */
export async function readAncestors(store: Store, parentId: string): Promise<AncestorRow[]> {
  const atOnce = ancestorsAtOnce(store, parentId);
  if (atOnce !== null) return atOnce;
  const rows = await sql<Omit<AncestorRow, "domains">>`${chainSql(parentId)}
    select t.id, t.parent_id, t.has_full, t.scopes, t.all_domains, t.expires_at, t.paused
    from chain c join tokens t on t.id = c.id order by c.depth`.execute(store.db);
  const limited = rows.rows.filter((r) => Number(r.all_domains) === 0).map((r) => r.id);
  const links =
    limited.length === 0
      ? []
      : await store.db
          .selectFrom("token_domains")
          .innerJoin("domains", "domains.id", "token_domains.domain_id")
          .select(["token_domains.token_id", "domains.id", "domains.name"])
          .where("token_domains.token_id", "in", limited)
          .execute();
  return rows.rows.map((r) => ({
    id: r.id,
    parent_id: r.parent_id,
    has_full: Number(r.has_full),
    scopes: r.scopes,
    all_domains: Number(r.all_domains),
    expires_at: r.expires_at,
    paused: Number(r.paused),
    domains: links.filter((l) => l.token_id === r.id).map((l) => ({ id: l.id, name: l.name })),
  }));
}

const ancestorStatements = new WeakMap<SQLite.Database, SQLite.Statement>();

/** {@link readAncestors} as one prepared statement on SQLite with no transaction open; else null. */
function ancestorsAtOnce(store: Store, parentId: string): AncestorRow[] | null {
  const dialect = store.dialect;
  if (dialect.kind !== "sqlite" || dialect.sqlite.inTransaction) return null;
  let statement = ancestorStatements.get(dialect.sqlite);
  if (statement === undefined) {
    statement = dialect.sqlite.prepare(
      `with recursive chain(id, depth) as (
         select id, 1 from tokens where id = ?
         union all
         select t.parent_id, c.depth + 1 from chain c join tokens t on t.id = c.id
         where t.parent_id is not null and c.depth <= ${MAX_LINEAGE_DEPTH}
       )
       select t.id, t.parent_id, t.has_full, t.scopes, t.all_domains, t.expires_at, t.paused,
         case when t.all_domains = 1 then '[]' else (
           select json_group_array(json_object('id', d.id, 'name', d.name))
           from token_domains td join domains d on d.id = td.domain_id where td.token_id = t.id) end as domains_json
       from chain c join tokens t on t.id = c.id order by c.depth`,
    );
    ancestorStatements.set(dialect.sqlite, statement);
  }
  const rows = statement.all(parentId) as (Omit<AncestorRow, "domains"> & { domains_json: string })[];
  return rows.map(({ domains_json, ...row }) => ({ ...row, domains: JSON.parse(domains_json) as { id: string; name: string }[] }));
}

/**
 * The ids of a token's subtree in an account: the token itself (when it exists) and every descendant.
 * `union` (not `union all`) ends the recursion on any cycle a hand-edited database might hold.
 */
export function subtreeIdsSql(accountId: string, rootId: string): RawBuilder<unknown> {
  return sql`(with recursive sub(id) as (
      select id from tokens where account_id = ${accountId} and id = ${rootId}
      union
      select t.id from tokens t join sub s on t.parent_id = s.id
    ) select id from sub)`;
}

/**
 * The condition "the token row `tokens` may be seen by `viewer`" (see {@link TokenViewer}): in its
 * subtree (a token) or within its role's scopes (a person), and (when the viewer is limited to
 * domains) limited to domains that all lie within the viewer's.
 *
 * The SQL refers to the row as `tokens` (use it in a query over the tokens table).
 */
export function visibleTokenSql(accountId: string, viewer: TokenViewer): RawBuilder<boolean> {
  const reach = viewer.tokenId !== null ? sql`tokens.id in ${subtreeIdsSql(accountId, viewer.tokenId)}` : withinScopesSql(viewer.person.reachScopes);
  if (viewer.domainIds === null) return sql<boolean>`(${reach})`;
  const outside =
    viewer.domainIds.length === 0
      ? sql`select 1 from token_domains td where td.token_id = tokens.id`
      : sql`select 1 from token_domains td where td.token_id = tokens.id and td.domain_id not in (${sql.join(viewer.domainIds)})`;
  return sql<boolean>`(${reach} and tokens.all_domains = 0 and not exists (${outside}))`;
}

/**
 * "The row `tokens` holds no Full access and no scope but these": its stored JSON array (written by
 * JSON.stringify, scope strings of `[a-z0-9_]`) is `[]` once spaces, every allowed `"scope"` and
 * the commas are removed. The same SQL on SQLite and PostgreSQL (no JSON functions, which differ). A scope the
 * catalogue does not know is outside every role. No scopes at all: no token is within reach.
 */
function withinScopesSql(scopes: readonly string[]): RawBuilder<unknown> {
  if (scopes.length === 0) return sql`1 = 0`;
  // The quotes delimit each string: removing `"a_read"` never cuts into `"ba_read"`.
  let rest: RawBuilder<unknown> = sql`replace(tokens.scopes, ' ', '')`;
  for (const scope of scopes) rest = sql`replace(${rest}, ${`"${scope}"`}, '')`;
  return sql`(tokens.has_full = 0 and replace(${rest}, ',', '') = '[]')`;
}

/** The ids of the tokens `viewer` may see, as a subquery (for audit events about tokens). */
export function visibleTokenIdsSql(accountId: string, viewer: TokenViewer): RawBuilder<unknown> {
  return sql`(select tokens.id from tokens where tokens.account_id = ${accountId} and ${visibleTokenSql(accountId, viewer)})`;
}

/**
 * A token's lineage as audit events keep it: `/<root id>/.../<parent id>/<its id>/`, or null when no
 * such token exists.
 */
export async function lineagePathOf(store: Store, accountId: string, id: string): Promise<string | null> {
  const row = await store.db.selectFrom("tokens").select("parent_id").where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
  if (row === undefined) return null;
  const ancestors = row.parent_id === null || row.parent_id === undefined ? [] : await readAncestors(store, row.parent_id);
  return `/${[...ancestors.map((a) => a.id).reverse(), id].join("/")}/`;
}

/** The ids of a token's subtree (itself first when it exists), for a cascade. */
export async function listSubtreeIds(store: Store, accountId: string, rootId: string): Promise<string[]> {
  const result = await sql<{ id: string }>`select id from ${subtreeIdsSql(accountId, rootId)} as subtree order by id`.execute(store.db);
  const ids = result.rows.map((r) => r.id);
  const at = ids.indexOf(rootId);
  if (at > 0) ids.unshift(...ids.splice(at, 1));
  return ids;
}

/** How many tokens a token made directly (`children`) and in all (`descendants`, itself excluded). */
export async function countDescendants(store: Store, accountId: string, id: string): Promise<{ children: number; descendants: number }> {
  const children = await store.db
    .selectFrom("tokens")
    .select((eb) => eb.fn.countAll<string | number>().as("n"))
    .where("account_id", "=", accountId)
    .where("parent_id", "=", id)
    .executeTakeFirst();
  const all = await sql<{ n: string | number }>`select count(*) as n from ${subtreeIdsSql(accountId, id)} as subtree`.execute(store.db);
  return { children: Number(children?.n ?? 0), descendants: Math.max(0, Number(all.rows[0]?.n ?? 0) - 1) };
}

/**
 * Sets `paused` on the given tokens of an account; returns those whose state changed (id and name).
 *
 * @param paused 1 to pause, 0 to resume.
 */
export async function setPausedMany(store: Store, accountId: string, ids: readonly string[], paused: 0 | 1, updatedAt: string): Promise<{ id: string; name: string }[]> {
  if (ids.length === 0) return [];
  const changed: { id: string; name: string }[] = [];
  // Chunks keep the bound parameters under both databases' limits for any subtree size.
  for (let at = 0; at < ids.length; at += 500) {
    const rows = await store.db
      .updateTable("tokens")
      .set({ paused, updated_at: updatedAt })
      .where("account_id", "=", accountId)
      .where("id", "in", ids.slice(at, at + 500))
      .where("paused", "!=", paused)
      .returning(["id", "name"])
      .execute();
    changed.push(...rows);
  }
  return changed;
}

/**
 * The creator's own state and its ancestors', read inside a create's transaction (F10). On
 * PostgreSQL the creator's row is locked `for share`, so a create waits for a cascade that has locked
 * it (see {@link lockSubtreeUntilStable}) and then sees it paused; on SQLite writers are serialized.
 *
 * @returns undefined when the creator is gone, else whether it is paused and its ancestors' rows.
 */
export async function creatorStateForCreate(tx: Store, accountId: string, creatorId: string): Promise<{ paused: boolean; ancestors: AncestorRow[] } | undefined> {
  let query = tx.db.selectFrom("tokens").select(["paused", "parent_id"]).where("account_id", "=", accountId).where("id", "=", creatorId);
  if (tx.dialect.kind === "postgres") query = query.forShare();
  const row = await query.executeTakeFirst();
  if (row === undefined) return undefined;
  const ancestors = row.parent_id === null || row.parent_id === undefined ? [] : await readAncestors(tx, row.parent_id);
  return { paused: Number(row.paused) === 1, ancestors };
}

/**
 * The ids of a subtree (as {@link listSubtreeIds}) with every row locked `for update` until the set is
 * stable (F10, PostgreSQL): a create commits under a parent either before the lock, and a re-read
 * finds its child, or waits for the cascade to commit (creatorStateForCreate) and sees the parent
 * paused. SQLite serializes writers: one read suffices.
 */
export async function lockSubtreeUntilStable(tx: Store, accountId: string, rootId: string): Promise<string[]> {
  let ids = await listSubtreeIds(tx, accountId, rootId);
  if (tx.dialect.kind !== "postgres") return ids;
  for (;;) {
    for (let at = 0; at < ids.length; at += 500) {
      await tx.db.selectFrom("tokens").select("id").where("account_id", "=", accountId).where("id", "in", ids.slice(at, at + 500)).forUpdate().execute();
    }
    const again = await listSubtreeIds(tx, accountId, rootId);
    const known = new Set(ids);
    if (again.length === ids.length && again.every((id) => known.has(id))) return again;
    ids = again;
  }
}
