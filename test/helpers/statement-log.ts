/**
 * Records the SQL statements an instance runs, as test/store/lineage-cache.test.ts does: on SQLite
 * every prepared statement's `get`/`all`/`run`/`iterate` (better-sqlite3's Statement prototype, so
 * Kysely's statements and the direct ones alike), on PostgreSQL every `query` of every client taken
 * from the instance's pool (the instance's own heartbeat and registry writes included: filter by text).
 */
import Database from "better-sqlite3";
import { vi } from "vitest";
import type { Latchkey } from "../../src/service/latchkey.js";

/** The statements seen so far (SQL text, in order); `stop` ends the recording (SQLite's spies restored). */
export interface StatementLog {
  readonly statements: string[];
  /** Statements whose text matches `pattern`. */
  matching(pattern: RegExp): string[];
  stop(): void;
}

/** Starts recording the statements `latchkey` runs (SQLite: every connection in this process). */
export function recordStatements(latchkey: Latchkey): StatementLog {
  const statements: string[] = [];
  let recording = true;
  const dialect = latchkey.store.dialect;
  let stop: () => void;
  if (dialect.kind === "sqlite") {
    const statement = Object.getPrototypeOf(new Database(":memory:").prepare("select 1")) as Record<string, (...args: unknown[]) => unknown>;
    const spies = (["get", "all", "run", "iterate"] as const).map((method) => {
      const original = statement[method] as (...args: unknown[]) => unknown;
      return vi.spyOn(statement, method).mockImplementation(function (this: { source: string }, ...args: unknown[]) {
        if (recording) statements.push(this.source);
        return original.apply(this, args);
      });
    });
    stop = () => {
      recording = false;
      for (const spy of spies) spy.mockRestore();
    };
  } else {
    const spied = new WeakSet<object>();
    dialect.pool.on("acquire", (client) => {
      if (spied.has(client)) return;
      spied.add(client);
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        const first = args[0] as string | { text?: string };
        if (recording) statements.push(typeof first === "string" ? first : String(first?.text));
        return query(...args);
      };
    });
    stop = () => {
      recording = false;
    };
  }
  return { statements, matching: (pattern) => statements.filter((s) => pattern.test(s)), stop };
}

/** Statements that write (insert, update, delete, upsert), in any case. */
export const WRITE_STATEMENT = /^\s*(insert|update|delete|with[\s\S]*\b(insert|update|delete)\b)/i;
