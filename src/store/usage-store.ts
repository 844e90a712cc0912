/**
 * The store of usage (issue 14): token limits, hourly counts of verifications by area and outcome
 * code, and each token's last use. Counts arrive in batches (src/service/usage-recorder.ts) and are
 * added to what is stored (`count = count + excluded.count`, on both SQLite and PostgreSQL), so two
 * instances writing the same hour do not overwrite each other.
 */
import { sql } from "kysely";
import type { TokenLastUseTable, TokenLimitsTable, TokenUsageTable } from "./database-schema.js";
import type { Store } from "./store.js";

/**
 * A token's last use by either secret (`t` the token, `p` its previous secret, left joined): the later
 * of the two (break test B2-11: a token used only through its old secret is in use). Text instants
 * compare as time; `p.last_used_at > coalesce(t.last_used_at, '')` is null, so false, without one.
 */
const LAST_USE = sql<string | null>`(case when p.last_used_at > coalesce(t.last_used_at, '') then p.last_used_at else t.last_used_at end)`;

/** One stored count. */
export interface UsageCountRow {
  readonly tokenId: string;
  readonly accountId: string;
  /** Start of the UTC hour, RFC 3339. */
  readonly hour: string;
  readonly area: string;
  readonly code: string;
  readonly count: number;
}

/** A token's last use as written. */
export type LastUseRow = TokenLastUseTable;

/** Order of {@link UsageStore.listTokenIdsByLastUse}. */
export type LastUseOrder = "last_used_asc" | "last_used_desc";

export class UsageStore {
  constructor(private readonly store: Store) {}

  /** The same store inside a transaction opened on `tx` (Store.transaction's callback argument). */
  static of(tx: Store): UsageStore {
    return new UsageStore(tx);
  }

  private get db() {
    return this.store.kysely;
  }

  /** A token's limits row, or undefined when it has none. */
  async findLimits(tokenId: string): Promise<TokenLimitsTable | undefined> {
    return this.db.selectFrom("token_limits").selectAll().where("token_id", "=", tokenId).executeTakeFirst();
  }

  /** Limits rows of several tokens (for lists). */
  async findLimitsOf(tokenIds: readonly string[]): Promise<TokenLimitsTable[]> {
    if (tokenIds.length === 0) return [];
    return this.db.selectFrom("token_limits").selectAll().where("token_id", "in", tokenIds).execute();
  }

  /** Writes a token's limits (insert or replace), bumping the version past `previousVersion`. */
  async putLimits(row: Omit<TokenLimitsTable, "version">, previousVersion: number): Promise<void> {
    const version = previousVersion + 1;
    await this.db
      .insertInto("token_limits")
      .values({ ...row, version })
      .onConflict((oc) => oc.column("token_id").doUpdateSet({ limits: row.limits, credits_remaining: row.credits_remaining, credits_period: row.credits_period, version, updated_at: row.updated_at }))
      .execute();
  }

  /** Removes a token's limits; true when it had some. */
  async deleteLimits(tokenId: string): Promise<boolean> {
    const result = await this.db.deleteFrom("token_limits").where("token_id", "=", tokenId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Writes credits counted since the last batch; a row whose limits changed meanwhile (other version) is left alone. */
  async saveCredits(batch: readonly { tokenId: string; version: number; remaining: number; period: number | null }[]): Promise<void> {
    if (batch.length === 0) return;
    await this.store.transaction(async (tx) => {
      for (const c of batch) {
        await tx.kysely.updateTable("token_limits").set({ credits_remaining: c.remaining, credits_period: c.period }).where("token_id", "=", c.tokenId).where("version", "=", c.version).execute();
      }
    });
  }

  /** Adds counts and replaces last uses (newer only), in one transaction. */
  async writeBatch(counts: readonly UsageCountRow[], lastUses: readonly LastUseRow[]): Promise<void> {
    if (counts.length === 0 && lastUses.length === 0) return;
    // One row per key: PostgreSQL refuses an upsert that meets the same row twice ("ON CONFLICT DO
    // UPDATE command cannot affect row a second time"), and a batch can repeat a key: a failed batch
    // retried with the next one's counts of the same hour, or a clock set back into an hour already
    // closed (found by the upgrade fixture's replay, test/upgrade/release-fixtures.test.ts).
    const merged = new Map<string, TokenUsageTable>();
    for (const c of counts) {
      const key = `${c.tokenId}\0${c.hour}\0${c.area}\0${c.code}`;
      const row = merged.get(key);
      if (row === undefined) merged.set(key, { token_id: c.tokenId, account_id: c.accountId, hour: c.hour, area: c.area, code: c.code, count: c.count });
      else row.count = Number(row.count) + c.count;
    }
    const all = [...merged.values()];
    await this.store.transaction(async (tx) => {
      const db = tx.kysely;
      for (let at = 0; at < all.length; at += 500) {
        const rows = all.slice(at, at + 500);
        await db
          .insertInto("token_usage")
          .values(rows)
          .onConflict((oc) => oc.columns(["token_id", "hour", "area", "code"]).doUpdateSet({ count: sql`token_usage.count + excluded.count` }))
          .execute();
      }
      for (const u of lastUses) {
        await db
          .insertInto("token_last_use")
          .values(u)
          .onConflict((oc) =>
            oc
              .column("token_id")
              .doUpdateSet({ used_at: u.used_at, ip: u.ip, area: u.area, method: u.method })
              .where("token_last_use.used_at", "<", u.used_at),
          )
          .execute();
      }
    });
  }

  /**
   * Stored counts of an account in `[fromHour, toHour)`, optionally of one token.
   *
   * @param fromHour, toHour RFC 3339 UTC instants (compared as text, which sorts as time).
   */
  async listCounts(accountId: string, fromHour: string, toHour: string, tokenId?: string): Promise<UsageCountRow[]> {
    let query = this.db.selectFrom("token_usage").selectAll().where("account_id", "=", accountId).where("hour", ">=", fromHour).where("hour", "<", toHour);
    if (tokenId !== undefined) query = query.where("token_id", "=", tokenId);
    const rows = await query.orderBy("hour").execute();
    return rows.map((r) => ({ tokenId: r.token_id, accountId: r.account_id, hour: r.hour, area: r.area, code: r.code, count: Number(r.count) }));
  }

  /** Names of some tokens of an account (id -> name), in one query per 500 ids. */
  async tokenNames(accountId: string, tokenIds: readonly string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (let at = 0; at < tokenIds.length; at += 500) {
      const rows = await this.db.selectFrom("tokens").select(["id", "name"]).where("account_id", "=", accountId).where("id", "in", tokenIds.slice(at, at + 500)).execute();
      for (const r of rows) names.set(r.id, r.name);
    }
    return names;
  }

  /** Last uses of some tokens of an account. */
  async listLastUses(accountId: string, tokenIds?: readonly string[]): Promise<LastUseRow[]> {
    let query = this.db.selectFrom("token_last_use").selectAll().where("account_id", "=", accountId);
    if (tokenIds !== undefined) {
      if (tokenIds.length === 0) return [];
      query = query.where("token_id", "in", tokenIds);
    }
    return query.execute();
  }

  /** Deletes counts of hours before `beforeHour` (retention); returns how many rows went. */
  async deleteCountsBefore(beforeHour: string): Promise<number> {
    const result = await this.db.deleteFrom("token_usage").where("hour", "<", beforeHour).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * A page of an account's token ids ordered by last use, the later of its two secrets' ({@link LAST_USE};
   * never used first with `last_used_asc`, then oldest use; ties by id, newest first), optionally only
   * tokens not used since `unusedSince`
   * (RFC 3339; never-used tokens included). This is the README's "tokens unused for N days" query.
   */
  async listTokenIdsByLastUse(accountId: string, options: { order: LastUseOrder; unusedSince?: string; limit: number; offset: number }): Promise<{ ids: string[]; total: number }> {
    let query = this.db.selectFrom("tokens as t").leftJoin("token_previous_secrets as p", "p.token_id", "t.id").where("t.account_id", "=", accountId);
    if (options.unusedSince !== undefined) {
      const since = options.unusedSince;
      query = query.where(sql<boolean>`(${LAST_USE} is null or ${LAST_USE} < ${since})`);
    }
    const nullsFirst = options.order === "last_used_asc";
    const [rows, count] = await Promise.all([
      query
        .select("t.id")
        .orderBy(sql`case when ${LAST_USE} is null then ${nullsFirst ? 0 : 1} else ${nullsFirst ? 1 : 0} end`)
        .orderBy(LAST_USE, nullsFirst ? "asc" : "desc")
        .orderBy("t.id", "desc")
        .limit(options.limit)
        .offset(options.offset)
        .execute(),
      query.select((eb) => eb.fn.countAll<string | number>().as("n")).executeTakeFirst(),
    ]);
    return { ids: rows.map((r) => r.id), total: Number(count?.n ?? 0) };
  }
}
