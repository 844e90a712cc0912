/**
 * The account's token count (issue 18): kept by triggers (migration 0012) through every way tokens
 * come and go, so a list's `total` reads one row and always equals a real count, on SQLite and
 * PostgreSQL.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Latchkey } from "../../src/service/latchkey.js";
import type { ActorContext } from "../../src/service/principal.js";
import { dropSchema, freshPostgresUrl } from "../helpers/postgres-database.js";

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
