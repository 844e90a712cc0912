/**
 * The account's token count (issue 18): kept by triggers (migration 0012) through every way tokens
 * come and go, so a list's `total` reads one row and always equals a real count, on SQLite and
 * PostgreSQL.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Migrator } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { Latchkey } from "../../src/service/latchkey.js";
import type { ActorContext } from "../../src/service/principal.js";
import { migrationProvider } from "../../src/store/migration-provider.js";
import { dropSchema, freshPostgresUrl, POSTGRES_URL } from "../helpers/postgres-database.js";

const opened: { latchkey: Latchkey; cleanup?: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const { latchkey, cleanup } of opened.splice(0)) {
    await latchkey.close();
    await cleanup?.();
  }
});

const stores = [
  { label: "SQLite", open: () => ({ url: `sqlite:${join(mkdtempSync(join(tmpdir(), "lk-counts-")), "db.sqlite")}`, cleanup: undefined }) },
  {
    label: "PostgreSQL",
    open: () => {
      const { url, schema } = freshPostgresUrl("counts");
      return { url, cleanup: () => dropSchema(schema) };
    },
  },
];

describe("the account's token count", () => {
  it("equals count(*) after creates, children, deletes, a rollback and a second account", async () => {
    for (const { label, open } of stores) {
      const { url, cleanup } = open();
      const latchkey = await Latchkey.open({ databaseUrl: url });
      opened.push({ latchkey, ...(cleanup ? { cleanup } : {}) });
      const real = async (accountId: string): Promise<number> => {
        const row = await latchkey.store.db
          .selectFrom("tokens")
          .select((eb) => eb.fn.countAll<string | number>().as("n"))
          .where("account_id", "=", accountId)
          .executeTakeFirst();
        return Number(row?.n ?? 0);
      };
      const operator: ActorContext = { principal: await latchkey.operator("default"), ip: null };
      const accountId = operator.principal.kind === "operator" ? operator.principal.accountId : "";
      const expectCount = async (step: string, n: number) => {
        expect(await real(accountId), `${label}: ${step} (real)`).toBe(n);
        expect(await latchkey.store.countTokens(accountId), `${label}: ${step} (kept)`).toBe(n);
        const listed = await latchkey.tokens.list(operator, { page: 1, limit: 10 });
        expect(listed.total, `${label}: ${step} (list total)`).toBe(n);
      };
      await expectCount("empty", 0);
      const made: Awaited<ReturnType<typeof latchkey.tokens.create>>[] = [];
      for (let i = 0; i < 3; i++) made.push(await latchkey.tokens.create(operator, { name: `t${i}`, scopes: ["tokens_full", "email_full"] }));
      await expectCount("three created", 3);
      const parent = made[0];
      if (parent === undefined) throw new Error("no token");
      await latchkey.tokens.create({ principal: await latchkey.authenticate(parent.secret), ip: null }, { name: "child", scopes: ["email_full"] });
      await expectCount("a child", 4);
      const other = await latchkey.accounts.create("other");
      const otherOperator: ActorContext = { principal: await latchkey.operator(other.id), ip: null };
      await latchkey.tokens.create(otherOperator, { name: "elsewhere", scopes: ["domains_read"] });
      await expectCount("another account's token counts there", 4);
      expect(await latchkey.store.countTokens(other.id), `${label}: other account`).toBe(1);
      await latchkey.tokens.delete(operator, made[1]?.token.id ?? "");
      await expectCount("one deleted", 3);
      await expect(latchkey.tokens.delete(operator, made[1]?.token.id ?? "")).rejects.toThrow();
      await expectCount("a second delete changes nothing", 3);
      // A failed transaction leaves the count as it was: the triggers run inside it.
      await expect(
        latchkey.store.transaction(async (tx) => {
          await tx.deleteToken(accountId, made[2]?.token.id ?? "");
          throw new Error("rolled back");
        }),
      ).rejects.toThrow("rolled back");
      await expectCount("a rolled-back delete", 3);
    }
  });
});

describe("migration 0012 during a rolling upgrade (PostgreSQL)", () => {
  it("counts the tokens an older instance writes while it runs (break test B2-14)", async () => {
    const { url, schema } = freshPostgresUrl("counts_upgrade");
    const latchkey = await Latchkey.open({ databaseUrl: url });
    opened.push({ latchkey, cleanup: () => dropSchema(schema) });
    const operator: ActorContext = { principal: await latchkey.operator("default"), ip: null };
    const seed = await latchkey.tokens.create(operator, { name: "seed", scopes: ["domains_read"] });
    const accountId = operator.principal.kind === "operator" ? operator.principal.accountId : "";
    // Back to the schema before 0012, as an older release left it.
    const migrator = new Migrator({ db: latchkey.store.db as never, provider: migrationProvider, migrationTableSchema: schema });
    expect((await migrator.migrateTo("0011-address-lockouts")).error).toBeUndefined();
    // An "older instance": its own connection, inserting copies of the seed token in a loop, no trigger known to it.
    const older = new pg.Client({ connectionString: POSTGRES_URL });
    await older.connect();
    await older.query(`set search_path to "${schema}"`);
    const columns = (
      await older.query<{ column_name: string }>("select column_name from information_schema.columns where table_schema = $1 and table_name = 'tokens'", [
        schema,
      ])
    ).rows.map((r) => r.column_name);
    const copied = columns.map((c) => (c === "id" ? "$1" : c === "secret_hash" ? "$2" : c === "name" ? "'copy'" : c)).join(", ");
    let stop = false;
    let inserted = 0;
    const writer = (async () => {
      while (!stop) {
        await older.query(`insert into tokens (${columns.join(", ")}) select ${copied} from tokens where id = $3`, [
          `tok_copy${inserted}`,
          `hash-copy-${inserted}`,
          seed.token.id,
        ]);
        inserted++;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 30));
    stop = true;
    await writer;
    await older.end();
    expect(inserted).toBeGreaterThan(0);
    const real = await latchkey.store.db
      .selectFrom("tokens")
      .select((eb) => eb.fn.countAll<string | number>().as("n"))
      .where("account_id", "=", accountId)
      .executeTakeFirst();
    expect(await latchkey.store.countTokens(accountId)).toBe(Number(real?.n));
    expect(Number(real?.n)).toBe(1 + inserted);
  });
});
