/**
 * A usage batch that repeats a key (token, hour, area, code) is written as the sum, on SQLite and
 * PostgreSQL alike. PostgreSQL refused such a batch ("ON CONFLICT DO UPDATE command cannot affect row
 * a second time"), and since a failed batch is retried with the next one, every later batch failed
 * too: found replaying the 0.2.0 upgrade fixture, whose clock goes back into an hour already closed.
 */
import { afterAll, expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { UsageRecorder } from "../../src/service/usage-recorder.js";
import { openStore } from "../../src/store/open-store.js";
import { UsageStore } from "../../src/store/usage-store.js";
import { dropSchema, freshPostgresUrl } from "../helpers/postgres-database.js";

const pg = freshPostgresUrl("usagerepeat");
afterAll(() => dropSchema(pg.schema));

const HOUR = 3_600_000;
const START = Date.parse("2026-12-06T10:15:00.000Z");

it("writes repeated keys of one batch as their sum, on each store", async () => {
  for (const [label, url] of [["sqlite", "sqlite::memory:"], ["postgres", pg.url]] as const) {
    const store = await openStore(url);
    try {
      await store.migrate();
      const clock = manualClock(START);
      const usage = new UsageStore(store);
      const recorder = new UsageRecorder(usage, clock, { flushMillis: 3_600_000 });
      const use = (): void => recorder.record("tok_1", "acc_1", "email", "ok", "POST", null, clock.nowMillis());
      use();
      clock.advance(HOUR);
      use();
      clock.advance(-HOUR); // set back into the hour already closed: its key is queued twice
      use();
      use();
      await recorder.close();
      const rows = await usage.listCounts("acc_1", new Date(START - HOUR).toISOString(), new Date(START + 2 * HOUR).toISOString());
      expect(rows.map((r) => [r.hour, Number(r.count)]).sort(), label).toEqual([
        ["2026-12-06T10:00:00.000Z", 3],
        ["2026-12-06T11:00:00.000Z", 1],
      ]);
    } finally {
      await store.close();
    }
  }
});
