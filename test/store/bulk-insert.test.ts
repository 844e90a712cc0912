/**
 * The store's bulk insert (`insertTokens`, the path imports and the benchmark's million tokens take),
 * on a real SQLite file and a real PostgreSQL schema: the tokens it writes verify and list like any
 * other, and a batch with a taken secret hash writes nothing.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cryptoRandom } from "../../src/core/random-source.js";
import { generateSecret, hashSecret, previewOf } from "../../src/core/token-secret.js";
import { Latchkey } from "../../src/service/latchkey.js";
import type { TokensTable } from "../../src/store/database-schema.js";
import { UniqueViolation } from "../../src/store/store.js";
import { dropSchema, freshPostgresUrl } from "../helpers/postgres-database.js";

const backends = [
  { name: "sqlite", open: async () => ({ url: `sqlite:${join(mkdtempSync(join(tmpdir(), "lk-bulk-")), "bulk.db")}`, cleanup: async () => undefined }) },
  {
    name: "postgres",
    open: async () => {
      const { url, schema } = freshPostgresUrl("bulk");
      return { url, cleanup: () => dropSchema(schema) };
    },
  },
];

describe.each(backends)("insertTokens on $name", (backend) => {
  const opened: { latchkey: Latchkey; cleanup: () => Promise<void> }[] = [];
  afterEach(async () => {
    for (const { latchkey, cleanup } of opened.splice(0)) {
      await latchkey.close();
      await cleanup();
    }
  });

  async function open(): Promise<{ latchkey: Latchkey; accountId: string; domainId: string; row: (secret: string, limited: boolean) => TokensTable }> {
    const { url, cleanup } = await backend.open();
    const latchkey = await Latchkey.open({ databaseUrl: url });
    opened.push({ latchkey, cleanup });
    const operator = { principal: await latchkey.operator("default"), ip: null };
    const { id: domainId } = await latchkey.domains.add(operator, "example.com");
    const { id: accountId } = await latchkey.accounts.find("default");
    const now = new Date().toISOString();
    const row = (secret: string, limited: boolean): TokensTable => ({
      id: latchkey.ids("token"),
      account_id: accountId,
      name: limited ? "limited" : "all domains",
      secret_hash: hashSecret(secret),
      preview: previewOf(secret, "lk_"),
      format_version: 1,
      record_version: 1,
      has_full: 0,
      scopes: JSON.stringify(["domains_read"]),
      all_domains: limited ? 0 : 1,
      expires_at: null,
      paused: 0,
      created_by: "cli",
      created_at: now,
      updated_at: now,
      last_used_at: null,
    });
    return { latchkey, accountId, domainId, row };
  }

  it("writes tokens that verify, with their domains, and list newest first", async () => {
    const { latchkey, accountId, domainId, row } = await open();
    const secrets = [generateSecret("lk_", cryptoRandom), generateSecret("lk_", cryptoRandom)];
    const rows = [row(secrets[0] ?? "", true), row(secrets[1] ?? "", false)];
    await latchkey.store.insertTokens([
      { row: rows[0] as TokensTable, domainIds: [domainId] },
      { row: rows[1] as TokensTable, domainIds: [] },
    ]);
    const limited = await latchkey.verify({ token: secrets[0], method: "GET", area: "domains", domain: "example.com" });
    expect(limited.allowed && limited.record.domains).toEqual([{ id: domainId, name: "example.com" }]);
    expect((await latchkey.verify({ token: secrets[0], method: "GET", area: "domains", domain: "example.org" })).code).toBe("domain_not_allowed");
    expect((await latchkey.verify({ token: secrets[1], method: "GET", area: "domains", domain: "example.com" })).code).toBe("ok");
    const page = await latchkey.store.listTokens(accountId, { page: 1, limit: 10 });
    expect(page.rows.map((r) => r.id)).toEqual([rows[1]?.id, rows[0]?.id]);
    expect(page.total).toBe(2);
  });

  it("writes nothing of a batch in which a secret hash is taken", async () => {
    const { latchkey, accountId, row } = await open();
    const secret = generateSecret("lk_", cryptoRandom);
    await latchkey.store.insertTokens([{ row: row(secret, false), domainIds: [] }]);
    const batch = [{ row: row(generateSecret("lk_", cryptoRandom), false), domainIds: [] }, { row: row(secret, false), domainIds: [] }];
    await expect(latchkey.store.insertTokens(batch)).rejects.toBeInstanceOf(UniqueViolation);
    expect((await latchkey.store.listTokens(accountId, { page: 1, limit: 10 })).total).toBe(1);
  });
});
