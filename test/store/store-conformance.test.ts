/**
 * One conformance suite for both stores (after Kysely's practice): every behaviour the service relies
 * on is run against a real SQLite file and a real PostgreSQL schema, and must be the same on both.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { manualClock } from "../../src/core/clock.js";
import { Latchkey } from "../../src/service/latchkey.js";
import type { ActorContext } from "../../src/service/principal.js";
import { ServiceError } from "../../src/service/service-error.js";
import { ForeignKeyViolation, UniqueViolation } from "../../src/store/store.js";
import { dropSchema, freshPostgresUrl } from "../helpers/postgres-database.js";

interface Backend {
  readonly name: string;
  open(): Promise<{ url: string; cleanup: () => Promise<void> }>;
}

const backends: Backend[] = [
  { name: "sqlite", open: async () => ({ url: `sqlite:${join(mkdtempSync(join(tmpdir(), "lk-store-")), "store.db")}`, cleanup: async () => undefined }) },
  {
    name: "postgres",
    open: async () => {
      const { url, schema } = freshPostgresUrl("store");
      return { url, cleanup: () => dropSchema(schema) };
    },
  },
];

describe.each(backends)("the $name store", (backend) => {
  const opened: { latchkey: Latchkey; cleanup: () => Promise<void> }[] = [];
  afterEach(async () => {
    for (const { latchkey, cleanup } of opened.splice(0)) {
      await latchkey.close();
      await cleanup();
    }
  });

  async function open(clock = manualClock(Date.UTC(2026, 10, 30, 12))): Promise<{ latchkey: Latchkey; actor: ActorContext; url: string }> {
    const { url, cleanup } = await backend.open();
    const latchkey = await Latchkey.open({ databaseUrl: url, clock });
    opened.push({ latchkey, cleanup });
    return { latchkey, actor: { principal: await latchkey.operator("default"), ip: "192.0.2.1" }, url };
  }

  it("migrates a fresh database and creates the default account once, also when opened twice", async () => {
    const { latchkey, url } = await open();
    const again = await Latchkey.open({ databaseUrl: url });
    try {
      expect((await again.accounts.list()).map((a) => a.name)).toEqual(["default"]);
    } finally {
      await again.close();
    }
    expect((await latchkey.accounts.list()).length).toBe(1);
  });

  it("stores a token with its scopes, domains and expiry, and reads it back the same", async () => {
    const { latchkey, actor } = await open();
    const domain = await latchkey.domains.add(actor, "Example.com");
    const { token } = await latchkey.tokens.create(actor, { name: "  Ünïcode ✓ name ", scopes: ["domains_read", "email_full", "domains_full"], domainId: domain.id, expiresAt: "2027-01-31" });
    const shown = await latchkey.tokens.show(actor, token.id);
    expect(shown).toEqual(token);
    expect(shown.name).toBe("Ünïcode ✓ name");
    expect(shown.scopes).toEqual(["email_full", "domains_full"]);
    expect(shown.domains).toEqual([{ id: domain.id, name: "example.com" }]);
    expect(shown.expiresAt).toBe("2027-02-01T00:00:00.000Z");
    expect(shown.createdAt).toBe("2026-11-30T12:00:00.000Z");
  });

  it("lists tokens newest first with a total, page by page", async () => {
    const clock = manualClock(Date.UTC(2026, 10, 30, 12));
    const { latchkey, actor } = await open(clock);
    for (let i = 0; i < 12; i++) {
      await latchkey.tokens.create(actor, { name: `t${i}`, hasFull: true });
      clock.advance(1_000);
    }
    const first = await latchkey.tokens.list(actor, { page: 1, limit: 10 });
    const second = await latchkey.tokens.list(actor, { page: 2, limit: 10 });
    expect(first.total).toBe(12);
    expect(first.tokens.map((t) => t.name)).toEqual(["t11", "t10", "t9", "t8", "t7", "t6", "t5", "t4", "t3", "t2"]);
    expect(second.tokens.map((t) => t.name)).toEqual(["t1", "t0"]);
  });

  it("renames, pauses, resumes and deletes, each seen by the next verification", async () => {
    const { latchkey, actor } = await open();
    const { token, secret } = await latchkey.tokens.create(actor, { name: "t", scopes: ["sms_read"] });
    const ask = async (): Promise<string> => (await latchkey.verify({ token: secret, method: "GET", area: "sms" })).code;
    expect(await ask()).toBe("ok");
    expect((await latchkey.tokens.update(actor, token.id, { name: "renamed", status: "pause" })).name).toBe("renamed");
    expect(await ask()).toBe("token_paused");
    await latchkey.tokens.update(actor, token.id, { status: "unpause" });
    expect(await ask()).toBe("ok");
    await latchkey.tokens.delete(actor, token.id);
    expect(await ask()).toBe("token_unknown");
    await expect(latchkey.tokens.delete(actor, token.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("writes an audit event in the same transaction as each change, newest first", async () => {
    const clock = manualClock(Date.UTC(2026, 10, 30, 12));
    const { latchkey, actor } = await open(clock);
    const { token } = await latchkey.tokens.create(actor, { name: "t", hasFull: true });
    clock.advance(1);
    await latchkey.tokens.update(actor, token.id, { status: "pause" });
    clock.advance(1);
    await latchkey.tokens.delete(actor, token.id);
    const { events } = await latchkey.auditEvents(actor, { page: 1, limit: 10 });
    expect(events.map((e) => e.action)).toEqual(["token.delete", "token.pause", "token.create", "account.create"]);
    expect(events[0]).toMatchObject({ target: { type: "token", id: token.id }, actor: { type: "cli" }, ip: "192.0.2.1" });
  });

  it("refuses a second domain of the same name in one account, case-insensitively", async () => {
    const { latchkey, actor } = await open();
    await latchkey.domains.add(actor, "example.com");
    await expect(latchkey.domains.add(actor, "EXAMPLE.com.")).rejects.toMatchObject({ code: "domain_exists" });
    expect((await latchkey.domains.list(actor)).length).toBe(1);
  });

  it("refuses to remove a domain a token uses, and removes it once unused", async () => {
    const { latchkey, actor } = await open();
    const domain = await latchkey.domains.add(actor, "example.com");
    const { token } = await latchkey.tokens.create(actor, { name: "t", scopes: ["email_full"], domainId: domain.id });
    await expect(latchkey.domains.remove(actor, domain.id)).rejects.toMatchObject({ code: "domain_in_use" });
    await latchkey.tokens.delete(actor, token.id);
    await latchkey.domains.remove(actor, domain.id);
    expect(await latchkey.domains.list(actor)).toEqual([]);
  });

  it("keeps accounts apart: another account's ids are not found", async () => {
    const { latchkey, actor } = await open();
    await latchkey.accounts.create("other");
    const other = { principal: await latchkey.operator("other"), ip: null };
    const { token } = await latchkey.tokens.create(other, { name: "theirs", hasFull: true });
    await expect(latchkey.tokens.show(actor, token.id)).rejects.toBeInstanceOf(ServiceError);
    expect((await latchkey.tokens.list(actor, { page: 1, limit: 10 })).total).toBe(0);
  });

  it("enforces unique secret hashes in the database itself", async () => {
    const { latchkey } = await open();
    const account = (await latchkey.accounts.list())[0]?.id ?? "";
    const row = {
      account_id: account,
      name: "dup",
      secret_hash: "a".repeat(64),
      preview: "lk_1…",
      format_version: 1,
      record_version: 1,
      has_full: 1,
      scopes: "[]",
      all_domains: 1,
      expires_at: null,
      paused: 0,
      created_by: "cli",
      created_at: "2026-11-30T12:00:00.000Z",
      updated_at: "2026-11-30T12:00:00.000Z",
      last_used_at: null,
    };
    await latchkey.store.insertToken({ ...row, id: "tok_one" }, []);
    await expect(latchkey.store.insertToken({ ...row, id: "tok_two" }, [])).rejects.toBeInstanceOf(UniqueViolation);
  });

  it("reports a foreign key refusal as such, not as a crash (a domain removed while a token is made for it)", async () => {
    const { latchkey, actor } = await open();
    const domain = await latchkey.domains.add(actor, "example.com");
    const { token } = await latchkey.tokens.create(actor, { name: "t", scopes: ["email_full"], domainId: domain.id });
    const account = (await latchkey.accounts.find("default")).id;
    await expect(latchkey.store.deleteDomain(account, domain.id)).rejects.toBeInstanceOf(ForeignKeyViolation);
    const row = (await latchkey.store.findToken(account, token.id))!;
    const { domains: _domains, ...bare } = row;
    await expect(latchkey.store.insertToken({ ...bare, id: "tok_fk", secret_hash: "b".repeat(64) }, ["dom_gone"])).rejects.toBeInstanceOf(ForeignKeyViolation);
  });

  it("records last use in a batch, never on the verification itself", async () => {
    const clock = manualClock(Date.UTC(2026, 10, 30, 12));
    const { latchkey, actor } = await open(clock);
    const { token, secret } = await latchkey.tokens.create(actor, { name: "t", hasFull: true });
    await latchkey.verify({ token: secret, method: "GET", area: "sms" });
    expect((await latchkey.tokens.show(actor, token.id)).lastUsedAt).toBeNull();
    await latchkey.verifier.flushLastUsed();
    expect((await latchkey.tokens.show(actor, token.id)).lastUsedAt).toBe("2026-11-30T12:00:00.000Z");
  });

  it("rolls back a change whose transaction fails, audit event included", async () => {
    const { latchkey, actor } = await open();
    const before = await latchkey.auditEvents(actor, { page: 1, limit: 100 });
    await expect(
      latchkey.store.transaction(async (tx) => {
        await tx.insertAccount({ id: "acc_rollback", name: "rollback", created_at: "2026-11-30T12:00:00.000Z" });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await latchkey.accounts.list()).map((a) => a.name)).toEqual(["default"]);
    expect((await latchkey.auditEvents(actor, { page: 1, limit: 100 })).total).toBe(before.total);
  });
});
