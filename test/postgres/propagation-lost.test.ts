/**
 * An instance that falls silent while a change waits for it (frozen by SIGSTOP, partitioned, crashed)
 * is named in `propagation.lost` (break test F11): it was live when the wait began, stopped
 * heartbeating, and dropped out of the live rows before the bound; the answer must still name it.
 * The silent instance is a registry row that is never updated again, exactly what a frozen process leaves.
 */
import { sql } from "kysely";
import { afterEach, expect, it } from "vitest";
import { Latchkey } from "../../src/service/latchkey.js";
import type { ActorContext } from "../../src/service/principal.js";
import { dropSchema, freshPostgresUrl } from "../helpers/postgres-database.js";

const opened: { latchkey: Latchkey; schema: string }[] = [];
afterEach(async () => {
  for (const { latchkey, schema } of opened.splice(0)) {
    await latchkey.close();
    await dropSchema(schema);
  }
});

it("names an instance that went silent during the wait as lost, and counts it", async () => {
  const { url, schema } = freshPostgresUrl("lost");
  const latchkey = await Latchkey.open({ databaseUrl: url, revocationTimeoutMs: 1_000 });
  opened.push({ latchkey, schema });
  const operator: ActorContext = { principal: await latchkey.operator("default"), ip: null };
  const token = await latchkey.tokens.create(operator, { name: "paused", scopes: ["domains_read"] });
  // Its last heartbeat 700 ms ago: live when the pause's wait begins, silent past the live window before it ends.
  await sql`insert into instances (id, name, started_at, heartbeat_ms, applied_seq, bypassing)
    values ('frozen', 'frozen-host:4242', ${new Date().toISOString()}, (extract(epoch from clock_timestamp()) * 1000)::bigint - 700, 0, 0)`.execute(
    latchkey.store.db,
  );
  const paused = await latchkey.tokens.update(operator, token.token.id, { status: "pause" });
  expect(paused.propagation.lost).toEqual(["frozen-host:4242"]);
  expect(paused.propagation.instances).toBe(2);
  expect(paused.propagation.applied).toBe(1);
  // And once it is long gone (not live at the wait's start), it is no longer waited for.
  const resumed = await latchkey.tokens.update(operator, token.token.id, { status: "unpause" });
  expect(resumed.propagation).toMatchObject({ instances: 1, applied: 1, lost: [] });
});
