/**
 * Lists that never skip or repeat a row while rows are added or removed between page reads: keyset
 * (cursor) pagination over the time-ordered ids, newest first (issue 10). A cursor names the row a
 * page continues after (`after`, the next page) or before (`before`, the previous page); MailerSend's
 * `page` (an offset) is still accepted. Each list goes through the viewer's visibility filter
 * (token-lineage-store.ts), so a page holds only what the viewer may see and counts only that.
 */
import { previousSecretsOf } from "./rotation-store.js";
import { sql, type Expression, type RawBuilder, type SqlBool } from "kysely";
import type { AuditEventsTable } from "./database-schema.js";
import type { Store, TokenWithDomains } from "./store.js";
import { visibleTokenIdsSql, visibleTokenSql, type TokenViewer } from "./token-lineage-store.js";

/** Where a page starts: a 1-based page number, or after / before the row with this id. */
export type PagePosition = { readonly kind: "page"; readonly page: number } | { readonly kind: "after"; readonly id: string } | { readonly kind: "before"; readonly id: string };

/** A page request: its position and its size. */
export interface KeysetPageRequest {
  readonly limit: number;
  readonly position: PagePosition;
}

/** A page: its rows (newest first), how many rows the viewer sees in all, and how many precede the page. */
export interface KeysetPage<T> {
  readonly rows: T[];
  readonly total: number;
  /** Rows newer than the page's first row (the page's offset in the list as it is now). */
  readonly offset: number;
  /** Whether older rows follow the page. */
  readonly hasMore: boolean;
}

/**
 * Who reads the audit log: a token or a person other than an Admin (filtered as in
 * {@link listAuditEventsPage}), or null for an Admin or the operator (everything).
 */
export interface AuditViewer {
  /** Whose view of tokens bounds the events (a person's: `tokenId` null, `person` set). */
  readonly token: TokenViewer;
  /** Whether the token or the person's role holds `users_read`: only then are events about people seen. */
  readonly usersRead: boolean;
}

/** Narrows an audit list (issue 16): every field given must match. */
export interface AuditFilter {
  /** Event kinds (`token.create`, ...); an entry ending in `.*` matches a prefix (`token.*`). */
  readonly actions?: readonly string[];
  /** Events done by this token or about it. */
  readonly tokenId?: string;
  /** Events done by this user or about them (failed sign-ins included). */
  readonly userId?: string;
}

/** Target types of events about people (sign-in, users, invitations): they need `users_read`. */
export const PEOPLE_TARGET_TYPES: readonly string[] = ["user", "session", "invite"];

/** Target types whose visibility has its own rule; events about anything else need all domains. */
const SCOPED_TARGET_TYPES: readonly string[] = ["token", "domain", ...PEOPLE_TARGET_TYPES];

/**
 * A page of an account's tokens as `viewer` sees them (null: the whole account), newest first.
 * Three reads: the page (one row more, to know whether more follow), the total and the offset.
 */
export async function listTokensPage(store: Store, accountId: string, viewer: TokenViewer | null, request: KeysetPageRequest): Promise<KeysetPage<TokenWithDomains>> {
  const { position, limit } = request;
  if (viewer === null && position.kind === "page") {
    // The whole account by page number: the store's list, whose deep pages skip index entries only.
    const { rows, total } = await store.listTokens(accountId, { page: position.page, limit });
    const offset = Math.min(total, (position.page - 1) * limit);
    return { rows, total, offset, hasMore: offset + rows.length < total };
  }
  const visible = (): Expression<SqlBool> => (viewer === null ? sql<SqlBool>`1 = 1` : (visibleTokenSql(accountId, viewer) as unknown as Expression<SqlBool>));
  const base = () => store.db.selectFrom("tokens").where("account_id", "=", accountId).where(visible);
  const page = await keysetPage(
    request,
    (slice) => {
      let query = base().selectAll();
      if (slice.after !== null) query = query.where("id", "<", slice.after);
      if (slice.before !== null) query = query.where("id", ">", slice.before);
      return query.orderBy("id", slice.ascending ? "asc" : "desc").limit(slice.limit).offset(slice.offset).execute();
    },
    async (newerThan) => {
      // The whole account's total is kept as it changes (migration 0012); a viewer's share is counted.
      if (newerThan === null && viewer === null) return store.countTokens(accountId);
      let query = base().select((eb) => eb.fn.countAll<string | number>().as("n"));
      if (newerThan !== null) query = query.where("id", ">", newerThan);
      return Number((await query.executeTakeFirst())?.n ?? 0);
    },
  );
  return { ...page, rows: await withDomains(store, page.rows) };
}

/** One token of an account if `viewer` may see it (null: anyone of the account), with its domains. */
export async function findVisibleToken(store: Store, accountId: string, id: string, viewer: TokenViewer | null): Promise<TokenWithDomains | undefined> {
  if (viewer === null) return store.findToken(accountId, id);
  const row = await store.db
    .selectFrom("tokens")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .where(() => visibleTokenSql(accountId, viewer) as unknown as Expression<SqlBool>)
    .executeTakeFirst();
  return row === undefined ? undefined : (await withDomains(store, [row]))[0];
}

/** The tokens among `ids` that `viewer` may see (null: any of the account), with their domains. */
export async function listVisibleTokens(store: Store, accountId: string, ids: readonly string[], viewer: TokenViewer | null): Promise<TokenWithDomains[]> {
  if (ids.length === 0) return [];
  let query = store.db.selectFrom("tokens").selectAll().where("account_id", "=", accountId).where("id", "in", [...ids]);
  if (viewer !== null) query = query.where(() => visibleTokenSql(accountId, viewer) as unknown as Expression<SqlBool>);
  return withDomains(store, await query.execute());
}

/** Of the given token ids, those `viewer` may see. */
export async function visibleAmong(store: Store, accountId: string, viewer: TokenViewer, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await store.db
    .selectFrom("tokens")
    .select("id")
    .where("account_id", "=", accountId)
    .where("id", "in", [...new Set(ids)])
    .where(() => visibleTokenSql(accountId, viewer) as unknown as Expression<SqlBool>)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * A page of an account's audit events as `viewer` sees them (null: all), newest first. A viewer sees
 * events about the tokens it may see (a token also those of its subtree since deleted), about its
 * domains (all domains: every domain), about people only with `users_read`, and about anything else
 * only when it holds all domains; a person also sees every event about themselves or done by them.
 */
export async function listAuditEventsPage(store: Store, accountId: string, viewer: AuditViewer | null, request: KeysetPageRequest, filter: AuditFilter = {}): Promise<KeysetPage<AuditEventsTable>> {
  const visible = (): Expression<SqlBool> => {
    if (viewer === null) return sql<SqlBool>`1 = 1`;
    const domains = viewer.token.domainIds;
    const aboutTokens = sql`(audit_events.target_type = 'token' and (audit_events.target_id in ${visibleTokenIdsSql(accountId, viewer.token)} or ${deletedInViewSql(viewer.token)}))`;
    const aboutDomains =
      domains === null
        ? sql`audit_events.target_type = 'domain'`
        : domains.length === 0
          ? sql`1 = 0`
          : sql`(audit_events.target_type = 'domain' and audit_events.target_id in (${sql.join(domains)}))`;
    const aboutPeople = viewer.usersRead ? sql`audit_events.target_type in (${sql.join(PEOPLE_TARGET_TYPES)})` : sql`1 = 0`;
    const aboutOther = domains === null ? sql`audit_events.target_type not in (${sql.join(SCOPED_TARGET_TYPES)})` : sql`1 = 0`;
    const person = viewer.token.person;
    const aboutSelf =
      person === undefined
        ? sql`1 = 0`
        : sql`((audit_events.target_type = 'user' and audit_events.target_id = ${person.userId}) or (audit_events.actor_type = 'user' and audit_events.actor_id = ${person.userId}))`;
    return sql<SqlBool>`(${aboutTokens} or ${aboutDomains} or ${aboutPeople} or ${aboutOther} or ${aboutSelf})`;
  };
  const filtered = (): Expression<SqlBool> => {
    const parts = [sql`1 = 1`];
    if (filter.actions !== undefined && filter.actions.length > 0) {
      const exact = filter.actions.filter((a) => !a.endsWith(".*"));
      const prefixes = filter.actions.filter((a) => a.endsWith(".*")).map((a) => `${a.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      const any = [...(exact.length > 0 ? [sql`audit_events.action in (${sql.join(exact)})`] : []), ...prefixes.map((p) => sql`audit_events.action like ${p} escape '\\'`)];
      parts.push(sql`(${sql.join(any, sql` or `)})`);
    }
    if (filter.tokenId !== undefined) parts.push(sql`((audit_events.actor_type = 'token' and audit_events.actor_id = ${filter.tokenId}) or (audit_events.target_type = 'token' and audit_events.target_id = ${filter.tokenId}))`);
    if (filter.userId !== undefined) parts.push(sql`((audit_events.actor_type = 'user' and audit_events.actor_id = ${filter.userId}) or (audit_events.target_type = 'user' and audit_events.target_id = ${filter.userId}))`);
    return sql<SqlBool>`(${sql.join(parts, sql` and `)})`;
  };
  const base = () => store.db.selectFrom("audit_events").where("account_id", "=", accountId).where(visible).where(filtered);
  return keysetPage(
    request,
    (slice) => {
      let query = base().selectAll();
      if (slice.after !== null) query = query.where("id", "<", slice.after);
      if (slice.before !== null) query = query.where("id", ">", slice.before);
      return query.orderBy("id", slice.ascending ? "asc" : "desc").limit(slice.limit).offset(slice.offset).execute();
    },
    async (newerThan) => {
      let query = base().select((eb) => eb.fn.countAll<string | number>().as("n"));
      if (newerThan !== null) query = query.where("id", ">", newerThan);
      return Number((await query.executeTakeFirst())?.n ?? 0);
    },
  );
}

/**
 * "The event is about a token of the viewing token's subtree since deleted" (the event kept the
 * lineage). A person's view has no subtree: a deleted token is out of it (unless they acted on it).
 */
function deletedInViewSql(viewer: TokenViewer): RawBuilder<unknown> {
  if (viewer.tokenId === null) return sql`1 = 0`;
  const inLineage = `%/${viewer.tokenId.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
  return sql`(audit_events.target_lineage like ${inLineage} escape '\\' and not exists (select 1 from tokens gone where gone.id = audit_events.target_id))`;
}

/** What one read of a keyset page asks for. */
interface PageSlice {
  /** Rows older than this id (the next page), or null. */
  readonly after: string | null;
  /** Rows newer than this id (the previous page, read oldest first), or null. */
  readonly before: string | null;
  /** Oldest first (a previous page), else newest first. */
  readonly ascending: boolean;
  readonly limit: number;
  readonly offset: number;
}

/**
 * A keyset page over any list ordered by time-ordered ids: one read of `limit + 1` rows (the extra one
 * tells whether more follow), the total, and the count of rows newer than the page's first (its offset).
 */
async function keysetPage<T extends { id: string }>(request: KeysetPageRequest, read: (slice: PageSlice) => Promise<T[]>, count: (newerThan: string | null) => Promise<number>): Promise<KeysetPage<T>> {
  const { position, limit } = request;
  const fetched = await read({
    after: position.kind === "after" ? position.id : null,
    before: position.kind === "before" ? position.id : null,
    ascending: position.kind === "before",
    limit: limit + 1,
    offset: position.kind === "page" ? (position.page - 1) * limit : 0,
  });
  const extra = fetched.length > limit;
  const rows = extra ? fetched.slice(0, limit) : fetched;
  if (position.kind === "before") rows.reverse();
  const total = await count(null);
  const first = rows[0];
  const offset = first !== undefined ? await count(first.id) : position.kind === "page" ? Math.min(total, (position.page - 1) * limit) : position.kind === "before" ? 0 : total;
  const hasMore = position.kind === "before" ? offset + rows.length < total : extra;
  return { rows, total, offset, hasMore };
}

async function withDomains(store: Store, rows: Omit<TokenWithDomains, "domains">[]): Promise<TokenWithDomains[]> {
  const ids = rows.filter((r) => r.all_domains === 0).map((r) => r.id);
  const links =
    ids.length === 0
      ? []
      : await store.db
          .selectFrom("token_domains")
          .innerJoin("domains", "domains.id", "token_domains.domain_id")
          .select(["token_domains.token_id", "domains.id", "domains.name"])
          .where("token_domains.token_id", "in", ids)
          .orderBy("domains.name")
          .execute();
  // The previous secret of rotated tokens (issue 13), shown with them.
  const previous = await previousSecretsOf(store, rows.map((row) => row.id));
  return rows.map((row) => ({ ...row, domains: links.filter((l) => l.token_id === row.id).map((l) => ({ id: l.id, name: l.name })), previous_secret: previous.get(row.id) }));
}
