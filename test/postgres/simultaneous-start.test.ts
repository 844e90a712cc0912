/**
 * Instances started at the same moment on a new schema never crash (issue 11): found as a new user,
 * the second of two `serve` processes on a fresh `?schema=` died with `duplicate key value violates
 * unique constraint "pg_namespace_nspname_index"` (the schema was created before the migration lock
 * was taken). Here four instances open one fresh schema at once, eight times over.
 */
import { expect, it } from "vitest";
import { Latchkey } from "../../src/service/latchkey.js";
import { adminQuery, dropSchema, freshPostgresUrl } from "../helpers/postgres-database.js";

it("opens four instances at once on a fresh schema, eight rounds, without an error, one default account each time", async () => {
  const failures: string[] = [];
  for (let round = 0; round < 8; round++) {
    const { url, schema } = freshPostgresUrl("start");
    const opened = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => Latchkey.open({ databaseUrl: url, instanceName: `round ${round} instance ${i}` })));
    for (const [i, result] of opened.entries()) if (result.status === "rejected") failures.push(`round ${round} instance ${i}: ${String(result.reason)}`);
    const accounts = await adminQuery<{ n: string }>(`select count(*) as n from "${schema}".accounts`);
    expect(Number(accounts[0]?.n), `round ${round}`).toBe(1);
    for (const result of opened) if (result.status === "fulfilled") await result.value.close();
    await dropSchema(schema);
  }
  expect(failures).toEqual([]);
}, 60_000);
