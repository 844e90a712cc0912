/**
 * The store: every read and write latchkey makes, behind one class that speaks SQLite and PostgreSQL
 * through Kysely. Methods take and return plain rows; rules live in core and service. A method called
 * on the object handed to {@link Store.transaction}'s callback runs inside that transaction.
 */
import { createHash } from "node:crypto";
import type SQLite from "better-sqlite3";
import { type Kysely, Migrator, sql, type Transaction } from "kysely";
import pg from "pg";
import type { AccountsTable, AuditEventsTable, Database, DomainsTable, SessionsTable, TokenPreviousSecretsTable, TokensTable, UsersTable } from "./database-schema.js";
import { migrationProvider } from "./migration-provider.js";
import { accountOfChange, nextChangeSeq, numberAndNotify, type AnnouncedChange } from "./change-sequence.js";
import { VERIFICATION_COLUMNS_SQL, VERIFICATION_LIMIT_COLUMNS, verificationRowOfSqlite } from "./verification-columns.js";

/** Which database is underneath, with its native handle for the few things Kysely does not cover. */
export type StoreDialect =
  | { readonly kind: "sqlite"; readonly sqlite: SQLite.Database }
  | { readonly kind: "postgres"; readonly pool: pg.Pool; readonly connectionString: string; readonly schema: string | null };

/**
 * Key of the PostgreSQL advisory lock that serialises migrations (and, in the tests, dropping a
 * schema, which would otherwise race Kysely's look across every schema's tables).
 */
export const MIGRATION_LOCK_KEY = 7243;

/** A page request: 1-based page number and page size. */
export interface PageRequest {
  readonly page: number;
  readonly limit: number;
}

/** A page of rows with the total count. */
export interface Page<T> {
  readonly rows: T[];
  readonly total: number;
}

/** A token row joined with its domains, as verification and the API read it. */
export interface TokenWithDomains extends TokensTable {
  readonly domains: { id: string; name: string }[];
  /** The secret a rotation replaced, while the token keeps one (issue 13; src/store/rotation-store.ts). */
  readonly previous_secret?: TokenPreviousSecretsTable | undefined;
}

/** What verification reads of a token: the columns its record is built from, and its domains. */
export type TokenVerificationRow = Pick<TokensTable, "id" | "account_id" | "name" | "has_full" | "scopes" | "all_domains" | "expires_at" | "paused" | "not_before" | "allowed_ips" | "canary"> & {
  /** The parent token's id; null or absent for a root (lineage, token-lineage-store.ts). */
  readonly parent_id?: string | null;
  readonly domains: { id: string; name: string }[];
} & TokenLimitsColumns;

/** The token's limits, joined into the verification read (null columns: no limits; issue 14). */
export interface TokenLimitsColumns {
  readonly limits?: string | null;
  readonly credits_remaining?: number | string | null;
  readonly credits_period?: number | null;
  readonly limits_version?: number | null;
}

/** PostgreSQL's longest identifier, in bytes (NAMEDATALEN - 1); a channel name is one. */
export const MAX_CHANNEL_BYTES = 63;

/**
 * Channel on which PostgreSQL instances hear of changes (see docs/deploy.md): `latchkey_changes`, or
 * `latchkey_changes_<schema>` with a schema, so deployments sharing a database do not hear each other.
 * When that would pass PostgreSQL's 63-byte limit (a schema over 46 characters; pg_notify refuses a
 * longer name and LISTEN truncates it: found by the break test), `latchkey_changes_H` and 45 hex digits
 * of the schema's SHA-256: the capital H keeps it apart from every short form (schemas are lower-case).
 *
 * @param schema the `?schema=` of the database URL (`[a-z_][a-z0-9_]{0,62}`), or null.
 * @returns a channel name of at most {@link MAX_CHANNEL_BYTES} bytes (ASCII), the same on every instance.
 */
export function changeChannel(schema: string | null): string {
  if (schema === null) return "latchkey_changes";
  const plain = `latchkey_changes_${schema}`;
  if (Buffer.byteLength(plain) <= MAX_CHANNEL_BYTES) return plain;
  const prefix = "latchkey_changes_H";
  return prefix + createHash("sha256").update(schema).digest("hex").slice(0, MAX_CHANNEL_BYTES - prefix.length);
}

/**
 * SQLite: the window that keeps "a change made by another process (the CLI) is seen by a running
 * server's next verification" without reading `PRAGMA data_version` (about 2 µs, as much as the
 * rest of a cached verification) on every verification. A write that changes what verification
 * answers waits until more than this many milliseconds have passed since it committed, then returns;
 * a verifier answers from its cache only within this many milliseconds of its last read of the
 * counter. So a verification that starts after the write returned either reads the counter after
 * the commit or is more than the window past its last read, and reads it again. Measured on a
 * monotonic clock, which all processes of a machine share.
 */
export const SQLITE_CHANGE_WINDOW_MILLIS = 1;

/** Waits until more than {@link SQLITE_CHANGE_WINDOW_MILLIS} have passed (timers may fire early). */
async function waitOutChangeWindow(): Promise<void> {
  const start = performance.now();
  while (performance.now() - start <= SQLITE_CHANGE_WINDOW_MILLIS) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** Raised when a foreign key refuses a write (a row it names was deleted meanwhile, or is still named). */
export class ForeignKeyViolation extends Error {
  constructor(readonly constraint: string) {
    super(`foreign key constraint violated: ${constraint}`);
    this.name = "ForeignKeyViolation";
  }
}

/** Raised when a unique constraint refuses a write; `constraint` hints which. */
export class UniqueViolation extends Error {
  constructor(readonly constraint: string) {
    super(`unique constraint violated: ${constraint}`);
    this.name = "UniqueViolation";
  }
}

export class Store {
  constructor(
    /** The query builder, for the store files of other aggregates (e.g. token-lineage-store.ts). */
    readonly db: Kysely<Database> | Transaction<Database>,
    readonly dialect: StoreDialect,
    private readonly committedChangeListeners = new Set<(change: AnnouncedChange) => void>(),
  ) {}

  /**
   * SQLite: calls `listener` with each change this process commits, after the commit and before the
   * write returns (the change stream, src/service/change-stream.ts). PostgreSQL changes are heard
   * through LISTEN instead (src/service/change-listener.ts), so nothing is called there.
   *
   * @returns a function that removes the listener.
   */
  onCommittedChange(listener: (change: AnnouncedChange) => void): () => void {
    this.committedChangeListeners.add(listener);
    return () => this.committedChangeListeners.delete(listener);
  }

  private announce(changes: readonly AnnouncedChange[]): void {
    for (const change of changes) for (const listener of this.committedChangeListeners) listener(change);
  }

  /** The query builder, for the stores of other aggregates (src/store/instance-store.ts and the like). */
  get kysely(): Kysely<Database> | Transaction<Database> {
    return this.db;
  }

  /** The query builder (inside a transaction: the transaction's), for the store files of other aggregates. */
  get query(): Kysely<Database> | Transaction<Database> {
    return this.db;
  }

  /** The SQLite handle when a statement may run on it directly (see {@link Store.directSqlite}), else null. */
  get sqliteAtOnce(): SQLite.Database | null {
    return this.directSqlite();
  }

  /** Brings the schema up to date; safe to call on every start and from several instances at once. */
  async migrate(): Promise<void> {
    // With a schema, Kysely must be told it: its table-exists check looks across every schema.
    const schema = this.dialect.kind === "postgres" ? this.dialect.schema : null;
    const migrator = new Migrator({ db: this.db as Kysely<Database>, provider: migrationProvider, ...(schema !== null ? { migrationTableSchema: schema } : {}) });
    const run = async (): Promise<void> => {
      const { error } = await migrator.migrateToLatest();
      if (error) throw error instanceof Error ? error : new Error(String(error));
    };
    if (this.dialect.kind === "sqlite") return run();
    // PostgreSQL: instances starting together take turns. The advisory lock is held by one dedicated
    // connection (a session lock taken and released on different pooled connections would leak).
    const holder = new pg.Client({ connectionString: this.dialect.connectionString });
    await holder.connect();
    try {
      await holder.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
      await run();
    } finally {
      await holder.end().catch(() => undefined); // ending the session releases the lock
    }
  }

  /**
   * SQLite only: a number that changes whenever another connection (the CLI, another process)
   * commits to the database file (`PRAGMA data_version`); the verifier drops its cache when it moves.
   * Null on PostgreSQL, where changes are announced by NOTIFY instead.
   */
  externalChangeCounter(): number | null {
    if (this.dialect.kind !== "sqlite") return null;
    this.dataVersion ??= this.dialect.sqlite.prepare("pragma data_version").pluck();
    return this.dataVersion.get() as number;
  }

  private dataVersion: SQLite.Statement | undefined;

  /** Closes the connection or pool; a second call does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await (this.db as Kysely<Database>).destroy();
  }

  private closed = false;

  /** Throws when the database does not answer a trivial query. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  /**
   * Runs `work` in one transaction: all its writes land together or none do. On PostgreSQL a
   * `notify` inside it is delivered only if it commits (LISTEN/NOTIFY semantics).
   */
  async transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this);
    let inner: Store | undefined;
    const result = await (this.db as Kysely<Database>).transaction().execute((trx) => work((inner = new Store(trx, this.dialect, this.committedChangeListeners))));
    if (inner?.changeAnnounced === true) {
      this.announce(inner.pendingChanges);
      await waitOutChangeWindow();
    }
    return result;
  }

  /**
   * Tells other instances that a token or an account's domains changed, and numbers the change
   * (src/store/change-sequence.ts). PostgreSQL: a NOTIFY, delivered if the transaction commits.
   * SQLite: the write waits out {@link SQLITE_CHANGE_WINDOW_MILLIS} after it commits, before it
   * returns, so that another process's next verification sees it.
   *
   * @param payload `token:<id>`, `account:<id>`, or anything else for "drop everything".
   * @param accountId the account concerned (default: read from the token or the payload).
   * @returns the change's sequence number, for `awaitPropagation` (src/service/propagation.ts).
   */
  async notifyChange(payload: string, accountId?: string): Promise<number> {
    const account = await accountOfChange(this.db, payload, accountId);
    if (this.dialect.kind === "postgres") return numberAndNotify(this.db, changeChannel(this.dialect.schema), account, payload);
    const change: AnnouncedChange = { seq: await nextChangeSeq(this.db), accountId: account, payload };
    if (this.db.isTransaction) {
      this.changeAnnounced = true;
      this.pendingChanges.push(change);
    } else {
      this.announce([change]);
      await waitOutChangeWindow();
    }
    return change.seq;
  }

  private changeAnnounced = false;
  private readonly pendingChanges: AnnouncedChange[] = [];

  // Accounts

  async insertAccount(row: AccountsTable): Promise<void> {
    await this.guardUnique(() => this.db.insertInto("accounts").values(row).execute());
  }

  async findAccountByName(name: string): Promise<AccountsTable | undefined> {
    return this.db.selectFrom("accounts").selectAll().where("name", "=", name).executeTakeFirst();
  }

  async findAccountById(id: string): Promise<AccountsTable | undefined> {
    return this.db.selectFrom("accounts").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async listAccounts(): Promise<AccountsTable[]> {
    return this.db.selectFrom("accounts").selectAll().orderBy("created_at").orderBy("id").execute();
  }

  // Domains

  async insertDomain(row: DomainsTable): Promise<void> {
    await this.guardUnique(() => this.db.insertInto("domains").values(row).execute());
  }

  /** Domains of an account, oldest first; `ids` limits them to those ids. */
  async listDomains(accountId: string, ids?: readonly string[]): Promise<DomainsTable[]> {
    let query = this.db.selectFrom("domains").selectAll().where("account_id", "=", accountId);
    if (ids !== undefined) {
      if (ids.length === 0) return [];
      query = query.where("id", "in", ids);
    }
    return query.orderBy("created_at").orderBy("id").execute();
  }

  async findDomain(accountId: string, id: string): Promise<DomainsTable | undefined> {
    return this.db.selectFrom("domains").selectAll().where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
  }

  async countTokensUsingDomain(domainId: string): Promise<number> {
    const row = await this.db.selectFrom("token_domains").select((eb) => eb.fn.countAll<string | number>().as("n")).where("domain_id", "=", domainId).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async deleteDomain(accountId: string, id: string): Promise<boolean> {
    let deleted = false;
    await this.guardUnique(async () => {
      const result = await this.db.deleteFrom("domains").where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
      deleted = Number(result.numDeletedRows) > 0;
    });
    return deleted;
  }

  // Tokens

  async insertToken(row: TokensTable, domainIds: readonly string[]): Promise<void> {
    await this.guardUnique(() => this.db.insertInto("tokens").values(row).execute());
    if (domainIds.length > 0) {
      await this.guardUnique(() =>
        this.db
          .insertInto("token_domains")
          .values(domainIds.map((domain_id) => ({ token_id: row.id, domain_id })))
          .execute(),
      );
    }
  }

  /**
   * Inserts many tokens and their domain links in one transaction, in multi-row statements: the bulk
   * path for imports and the benchmark's million tokens. The rows are as {@link Store.insertToken}
   * takes them; no audit event and no change notice are written (the caller does what it needs).
   *
   * @param tokens rows with the domain ids each is limited to (empty for all domains).
   * @throws UniqueViolation when an id or secret hash is taken (nothing is written then).
   */
  async insertTokens(tokens: readonly { readonly row: TokensTable; readonly domainIds: readonly string[] }[]): Promise<void> {
    const sqlite = this.directSqlite();
    if (sqlite !== null) {
      this.insertTokensAtOnce(sqlite, tokens);
      return;
    }
    // 16 columns x 500 rows stays under both SQLite's (32,766) and PostgreSQL's (65,535) bound parameters.
    const rowsPerStatement = 500;
    await this.transaction(async (tx) => {
      for (let start = 0; start < tokens.length; start += rowsPerStatement) {
        const chunk = tokens.slice(start, start + rowsPerStatement);
        await tx.guardUnique(() => tx.db.insertInto("tokens").values(chunk.map((t) => t.row)).execute());
        const links = chunk.flatMap((t) => t.domainIds.map((domain_id) => ({ token_id: t.row.id, domain_id })));
        for (let at = 0; at < links.length; at += 10_000) await tx.db.insertInto("token_domains").values(links.slice(at, at + 10_000)).execute();
      }
    });
  }

  /**
   * SQLite, no transaction open: the bulk insert as one better-sqlite3 transaction over two prepared
   * statements (no query compiled per chunk). It runs to its end without yielding, so nothing else on
   * the connection can interleave with it; a batch of 10,000 tokens holds the event loop for some tens
   * of milliseconds.
   */
  private insertTokensAtOnce(sqlite: SQLite.Database, tokens: readonly { readonly row: TokensTable; readonly domainIds: readonly string[] }[]): void {
    const columns = ["id", "account_id", "name", "secret_hash", "preview", "format_version", "record_version", "has_full", "scopes", "all_domains", "expires_at", "paused", "created_by", "created_at", "updated_at", "last_used_at"] as const satisfies readonly (keyof TokensTable)[];
    this.bulkToken ??= sqlite.prepare(`insert into tokens (${columns.join(", ")}) values (${columns.map((c) => `@${c}`).join(", ")})`);
    this.bulkLink ??= sqlite.prepare("insert into token_domains (token_id, domain_id) values (?, ?)");
    const insertToken = this.bulkToken;
    const insertLink = this.bulkLink;
    try {
      sqlite.transaction(() => {
        for (const { row, domainIds } of tokens) {
          insertToken.run(row);
          for (const domainId of domainIds) insertLink.run(row.id, domainId);
        }
      })();
    } catch (error) {
      throw asUniqueViolation(error);
    }
  }

  private bulkToken: SQLite.Statement | undefined;
  private bulkLink: SQLite.Statement | undefined;

  /** Tokens of an account, newest first (ids are time-ordered, so id order is creation order). */
  async listTokens(accountId: string, page: PageRequest): Promise<Page<TokenWithDomains>> {
    const [rows, count] = await Promise.all([
      // The page's ids come from the (account_id, id) index alone, so the rows skipped to reach a deep
      // page are index entries, never table rows; only the page's own rows are read in full.
      this.db
        .selectFrom("tokens")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("id", "in", (eb) =>
          eb
            .selectFrom("tokens")
            .select("id")
            .where("account_id", "=", accountId)
            .orderBy("id", "desc")
            .limit(page.limit)
            .offset((page.page - 1) * page.limit),
        )
        .orderBy("id", "desc")
        .execute(),
      this.countTokens(accountId),
    ]);
    return { rows: await this.withDomains(rows), total: count };
  }

  /**
   * How many tokens an account has: one row of `account_token_counts`, kept by triggers in the same
   * transaction as every insert and delete of a token (migration 0012), so it never scans the account.
   */
  async countTokens(accountId: string): Promise<number> {
    const row = await this.db.selectFrom("account_token_counts").select("n").where("account_id", "=", accountId).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async findToken(accountId: string, id: string): Promise<TokenWithDomains | undefined> {
    const row = await this.db.selectFrom("tokens").selectAll().where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
    return row === undefined ? undefined : (await this.withDomains([row]))[0];
  }

  /** The token whose secret hashes to `secretHash`, with its domains: the verification read. */
  async findTokenByHash(secretHash: string): Promise<TokenVerificationRow | undefined> {
    const atOnce = this.findTokenByHashAtOnce(secretHash);
    if (atOnce !== null) return atOnce.row;
    const row = await this.db
      .selectFrom("tokens")
      .leftJoin("token_limits", "token_limits.token_id", "tokens.id")
      .selectAll("tokens")
      .select(VERIFICATION_LIMIT_COLUMNS)
      .where("secret_hash", "=", secretHash)
      .executeTakeFirst();
    return row === undefined ? undefined : (await this.withDomains([row]))[0];
  }

  /**
   * The verification read without a promise, where it can be done so: on SQLite, when no transaction
   * is open on the connection. One prepared statement reads the columns verification needs and the
   * token's domains (ordered by name, as {@link Store.findTokenByHash} gives them); no query is
   * compiled per call.
   *
   * @returns `{row}` (row undefined: no such token), or null when it cannot be answered at once
   *   (PostgreSQL; or SQLite inside a transaction, whose writes this read must neither see nor
   *   cut into): call {@link Store.findTokenByHash} then.
   */
  findTokenByHashAtOnce(secretHash: string): { readonly row: TokenVerificationRow | undefined } | null {
    const sqlite = this.directSqlite();
    if (sqlite === null) return null;
    this.byHash ??= sqlite.prepare(`select ${VERIFICATION_COLUMNS_SQL} from tokens t left join token_limits l on l.token_id = t.id where t.secret_hash = ?`);
    const found = this.byHash.get(secretHash) as (Omit<TokenVerificationRow, "domains"> & { domains_json: string }) | undefined;
    return { row: found === undefined ? undefined : verificationRowOfSqlite(found) };
  }

  /**
   * An account's domains (id and name, oldest first, as {@link Store.listDomains}) without a promise,
   * where it can be done so (see {@link Store.findTokenByHashAtOnce}); null when it cannot.
   */
  listDomainRefsAtOnce(accountId: string): { id: string; name: string }[] | null {
    const sqlite = this.directSqlite();
    if (sqlite === null) return null;
    this.domainRefs ??= sqlite.prepare("select id, name from domains where account_id = ? order by created_at, id");
    return this.domainRefs.all(accountId) as { id: string; name: string }[];
  }

  private byHash: SQLite.Statement | undefined;
  private domainRefs: SQLite.Statement | undefined;

  /**
   * The SQLite handle when a statement may run on it directly: SQLite, and no transaction open on the
   * connection. Kysely holds the connection for a whole transaction (its other queries wait); a direct
   * statement does not wait, so it must not run while one is open, or it would read uncommitted rows.
   */
  private directSqlite(): SQLite.Database | null {
    if (this.dialect.kind !== "sqlite" || this.dialect.sqlite.inTransaction) return null;
    return this.dialect.sqlite;
  }

  /** Updates name and/or paused; returns false when no such token is in the account. */
  async updateToken(accountId: string, id: string, changes: { name?: string; paused?: number; updated_at: string }): Promise<boolean> {
    const result = await this.db.updateTable("tokens").set(changes).where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async deleteToken(accountId: string, id: string): Promise<boolean> {
    await this.db.deleteFrom("token_domains").where("token_id", "in", (eb) => eb.selectFrom("tokens").select("id").where("account_id", "=", accountId).where("id", "=", id)).execute();
    const result = await this.db.deleteFrom("tokens").where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Records last-used instants in one transaction; never moves a time backwards. */
  async touchLastUsed(entries: ReadonlyMap<string, string>): Promise<void> {
    if (entries.size === 0) return;
    await this.transaction(async (tx) => {
      for (const [id, at] of entries) {
        await tx.db
          .updateTable("tokens")
          .set({ last_used_at: at })
          .where("id", "=", id)
          .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", at)]))
          .execute();
      }
    });
  }

  // Audit

  async insertAuditEvent(row: AuditEventsTable): Promise<void> {
    await this.db.insertInto("audit_events").values(row).execute();
  }

  /** Audit events of an account, newest first. */
  async listAuditEvents(accountId: string, page: PageRequest): Promise<Page<AuditEventsTable>> {
    const [rows, count] = await Promise.all([
      this.db
        .selectFrom("audit_events")
        .selectAll()
        .where("account_id", "=", accountId)
        .orderBy("id", "desc")
        .limit(page.limit)
        .offset((page.page - 1) * page.limit)
        .execute(),
      this.db.selectFrom("audit_events").select((eb) => eb.fn.countAll<string | number>().as("n")).where("account_id", "=", accountId).executeTakeFirst(),
    ]);
    return { rows, total: Number(count?.n ?? 0) };
  }

  // Users and sessions (the dashboard)

  async insertUser(row: Omit<UsersTable, "failed_attempts">): Promise<void> {
    await this.guardUnique(() => this.db.insertInto("users").values(row).execute());
  }

  async countUsers(): Promise<number> {
    const row = await this.db.selectFrom("users").select((eb) => eb.fn.countAll<string | number>().as("n")).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async findUserByEmail(email: string): Promise<Omit<UsersTable, "failed_attempts"> & { failed_attempts: number } | undefined> {
    return this.db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();
  }

  async findUserById(id: string): Promise<Omit<UsersTable, "failed_attempts"> & { failed_attempts: number } | undefined> {
    return this.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /**
   * Counts one sign-in attempt in a single statement (no lost update between concurrent attempts, on
   * either database): `failed_attempts + 1`, unless the user is locked at `nowIso`.
   *
   * @returns the new count, or null when the user is locked (nothing is counted) or unknown.
   */
  async countSignInAttempt(userId: string, nowIso: string): Promise<number | null> {
    const row = await this.db
      .updateTable("users")
      .set((eb) => ({ failed_attempts: eb("failed_attempts", "+", 1) }))
      .where("id", "=", userId)
      .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", nowIso)]))
      .returning("failed_attempts")
      .executeTakeFirst();
    return row === undefined ? null : Number(row.failed_attempts);
  }

  async recordSignInAttempt(userId: string, failedAttempts: number, lockedUntil: string | null): Promise<void> {
    await this.db.updateTable("users").set({ failed_attempts: failedAttempts, locked_until: lockedUntil }).where("id", "=", userId).execute();
  }

  async insertSession(row: SessionsTable): Promise<void> {
    await this.db.insertInto("sessions").values(row).execute();
  }

  async findSession(idHash: string): Promise<SessionsTable | undefined> {
    return this.db.selectFrom("sessions").selectAll().where("id_hash", "=", idHash).executeTakeFirst();
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("id_hash", "=", idHash).execute();
  }

  async deleteExpiredSessions(nowIso: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("expires_at", "<=", nowIso).execute();
  }

  private async withDomains<R extends TokensTable>(rows: R[]): Promise<(R & TokenWithDomains)[]> {
    const ids = rows.filter((r) => r.all_domains === 0).map((r) => r.id);
    const links =
      ids.length === 0
        ? []
        : await this.db
            .selectFrom("token_domains")
            .innerJoin("domains", "domains.id", "token_domains.domain_id")
            .select(["token_domains.token_id", "domains.id", "domains.name"])
            .where("token_domains.token_id", "in", ids)
            .orderBy("domains.name")
            .execute();
    const previousRows =
      ids.length === 0 ? [] : await this.db.selectFrom("token_previous_secrets").selectAll().where("token_id", "in", ids).execute();
    const previous = new Map(previousRows.map((row) => [row.token_id, row]));
    return rows.map((row) => ({ ...row, domains: links.filter((l) => l.token_id === row.id).map((l) => ({ id: l.id, name: l.name })), previous_secret: previous.get(row.id) }));
  }

  /** Runs a write, turning constraint failures into {@link UniqueViolation} / {@link ForeignKeyViolation}. */
  private async guardUnique(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      throw asUniqueViolation(error);
    }
  }
}

/**
 * A constraint error of either database as a {@link UniqueViolation} or {@link ForeignKeyViolation};
 * any other error as it is.
 */
function asUniqueViolation(error: unknown): unknown {
  const e = error as { code?: string; constraint?: string; message?: string };
  if (e.code === "23505") return new UniqueViolation(e.constraint ?? "unique");
  if (e.code === "SQLITE_CONSTRAINT_UNIQUE" || e.code === "SQLITE_CONSTRAINT_PRIMARYKEY") return new UniqueViolation(e.message ?? "unique");
  if (e.code === "23503" || e.code === "SQLITE_CONSTRAINT_FOREIGNKEY") return new ForeignKeyViolation(e.constraint ?? e.message ?? "foreign key");
  return error;
}
