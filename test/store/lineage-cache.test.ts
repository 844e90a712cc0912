/**
 * Lineage costs nothing on the warm path (issue 10): a warm verification of a grandchild token reads
 * nothing from the database, on SQLite (no statement runs but the change counter's) and on
 * PostgreSQL (no connection is taken from the pool); a change to an ancestor drops its cached
 * descendants, in the process that made it and, through the change feed, on another instance.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Latchkey } from "../../src/service/latchkey.js";
import type { ActorContext } from "../../src/service/principal.js";
import { dropSchema, freshPostgresUrl } from "../helpers/postgres-database.js";

const opened: { latchkey: Latchkey; cleanup?: () => Promise<void> }[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  const closing = opened.splice(0);
  for (const { latchkey } of closing) await latchkey.close();
  for (const { cleanup } of closing) await cleanup?.();
});

async function open(url: string, cleanup?: () => Promise<void>): Promise<Latchkey> {
  const latchkey = await Latchkey.open({ databaseUrl: url });
  opened.push({ latchkey, ...(cleanup ? { cleanup } : {}) });
  return latchkey;
}

/** root (operator) -> parent -> child -> grandchild; returns each token's id and secret. */
async function chain(latchkey: Latchkey) {
  const operator: ActorContext = { principal: await latchkey.operator("default"), ip: null };
  const root = await latchkey.tokens.create(operator, { name: "root", scopes: ["tokens_full", "email_full"] });
  const under = async (parent: { secret: string }, name: string) => latchkey.tokens.create({ principal: await latchkey.authenticate(parent.secret), ip: null }, { name, scopes: ["tokens_full", "email_full"] });
  const child = await under(root, "child");
  const grandchild = await under(child, "grandchild");
  return { operator, root, child, grandchild };
}

const ask = (latchkey: Latchkey, secret: string) => latchkey.verify({ token: secret, method: "POST", area: "email" });

describe("a warm verification of a descendant", () => {
  it("runs no SQLite statement (the change counter aside)", async () => {
    const latchkey = await open(`sqlite:${join(mkdtempSync(join(tmpdir(), "lk-lineage-")), "db.sqlite")}`);
    const { grandchild } = await chain(latchkey);
    expect((await ask(latchkey, grandchild.secret)).code).toBe("ok"); // cold: fills the cache
    const statement = Object.getPrototypeOf(new Database(":memory:").prepare("select 1")) as Record<string, (...args: unknown[]) => unknown>;
    const run: string[] = [];
    for (const method of ["get", "all", "run", "iterate"] as const) {
      const original = statement[method] as (...args: unknown[]) => unknown;
      vi.spyOn(statement, method).mockImplementation(function (this: { source: string }, ...args: unknown[]) {
        run.push(this.source);
        return original.apply(this, args);
      });
    }
    for (let i = 0; i < 500; i++) expect((await ask(latchkey, grandchild.secret)).code).toBe("ok");
    expect(run.filter((source) => !/data_version/.test(source))).toEqual([]);
    // And the spy sees reads when there are some: a cold read of another token is counted.
    latchkey.verifier.invalidateAll();
    await ask(latchkey, grandchild.secret);
    expect(run.filter((source) => /with recursive chain/.test(source)).length).toBe(1);
  });

  it("takes no PostgreSQL connection from the pool", async () => {
    const { url, schema } = freshPostgresUrl("lineage");
    const latchkey = await open(url, () => dropSchema(schema));
    const { grandchild } = await chain(latchkey);
    expect((await ask(latchkey, grandchild.secret)).code).toBe("ok");
    if (latchkey.store.dialect.kind !== "postgres") throw new Error("not postgres");
    // Every statement run through the pool, whoever runs it: the instance's own heartbeat and
    // registry writes (every 250 ms, more often counted on a loaded machine) are not the verification's.
    const statements: string[] = [];
    const spied = new WeakSet<object>();
    latchkey.store.dialect.pool.on("acquire", (client) => {
      if (spied.has(client)) return;
      spied.add(client);
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        const first = args[0] as string | { text?: string };
        statements.push(typeof first === "string" ? first : String(first?.text));
        return query(...args);
      };
    });
    const ofTokens = () => statements.filter((text) => /\btokens\b/.test(text));
    // The cache is trusted only while the instance hears its own heartbeat (issue 11): on a loaded
    // machine a heartbeat can come back late, and a verification in that gap reads the database, as
    // it must. So a run of 200 counts only when the cache was trusted before and after every one;
    // five runs are allowed to find one (CI failed once on a lapse in the first).
    let clean = false;
    for (let attempt = 0; attempt < 5 && !clean; attempt++) {
      await expect.poll(() => latchkey.verifier.isCacheTrusted).toBe(true);
      await ask(latchkey, grandchild.secret); // warm again after a lapse
      statements.length = 0;
      let trusted = true;
      for (let i = 0; i < 200; i++) {
        trusted &&= latchkey.verifier.isCacheTrusted;
        expect((await ask(latchkey, grandchild.secret)).code).toBe("ok");
        trusted &&= latchkey.verifier.isCacheTrusted;
      }
      if (!trusted) continue;
      expect(ofTokens()).toEqual([]);
      clean = true;
    }
    expect(clean).toBe(true);
    latchkey.verifier.invalidateAll();
    await ask(latchkey, grandchild.secret);
    expect(ofTokens().length).toBeGreaterThan(0);
  });
});

describe("a change to an ancestor", () => {
  it("drops every cached descendant in this process", async () => {
    const latchkey = await open("sqlite::memory:");
    const { operator, root, child, grandchild } = await chain(latchkey);
    for (const t of [root, child, grandchild]) expect((await ask(latchkey, t.secret)).code).toBe("ok");
    await latchkey.tokens.update(operator, root.token.id, { status: "pause" });
    expect((await ask(latchkey, child.secret)).code).toBe("token_parent_inactive");
    expect((await ask(latchkey, grandchild.secret)).code).toBe("token_parent_inactive");
    await latchkey.tokens.update(operator, root.token.id, { status: "unpause" });
    expect((await ask(latchkey, grandchild.secret)).code).toBe("ok");
  });

  it("reaches another instance's cached descendants through the change feed (PostgreSQL)", async () => {
    const { url, schema } = freshPostgresUrl("lineage2");
    const a = await open(url, () => dropSchema(schema));
    const b = await open(url);
    const { operator, root, grandchild } = await chain(a);
    expect((await ask(b, grandchild.secret)).code).toBe("ok"); // b caches it
    expect((await ask(b, grandchild.secret)).code).toBe("ok");
    const waitFor = async (code: string): Promise<number> => {
      const start = Date.now();
      while ((await ask(b, grandchild.secret)).code !== code) {
        if (Date.now() - start > 2_000) throw new Error(`b never answered ${code}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return Date.now() - start;
    };
    await a.tokens.update(operator, root.token.id, { status: "pause" });
    expect(await waitFor("token_parent_inactive")).toBeLessThan(1_000);
    await a.tokens.update(operator, root.token.id, { status: "unpause" });
    expect(await waitFor("ok")).toBeLessThan(1_000);
    // A cascade sends one notice, for the top token; the paused grandchild answers its own state.
    await a.cascade.pause(operator, root.token.id);
    expect(await waitFor("token_paused")).toBeLessThan(1_000);
  });
});
