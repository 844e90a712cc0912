/**
 * Upgrades never break issued tokens: each database written by an earlier release (test/fixtures/
 * release-*.sql, with the secrets it issued) is migrated by this release and must still verify its
 * tokens exactly as that release did. Add a fixture per release; never edit an old one.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { Latchkey } from "../../src/service/latchkey.js";

const fixtures = new URL("../fixtures/", import.meta.url);
const releases = readdirSync(fixtures)
  .filter((f) => /^release-.*\.sql$/.test(f))
  .map((f) => f.slice("release-".length, -".sql".length));

interface FixtureTokens {
  domains: { example: string };
  tokens: { label: string; id: string; secret: string }[];
}

async function openRelease(version: string): Promise<{ latchkey: Latchkey; tokens: FixtureTokens }> {
  const path = join(mkdtempSync(join(tmpdir(), "lk-upgrade-")), "old.db");
  const db = new Database(path);
  db.exec(readFileSync(new URL(`release-${version}.sql`, fixtures), "utf8"));
  db.close();
  const tokens = JSON.parse(readFileSync(new URL(`release-${version}-tokens.json`, fixtures), "utf8")) as FixtureTokens;
  return { latchkey: await Latchkey.open({ databaseUrl: `sqlite:${path}` }), tokens };
}

let open: Latchkey | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

it("has a fixture for at least the first release", () => {
  expect(releases).toContain("0.1.0");
});

describe.each(releases)("a database written by release %s", (version) => {
  async function secretOf(label: string): Promise<{ latchkey: Latchkey; secret: string; tokens: FixtureTokens }> {
    const { latchkey, tokens } = await openRelease(version);
    open = latchkey;
    const entry = tokens.tokens.find((t) => t.label === label);
    if (entry === undefined) throw new Error(`fixture ${version} has no ${label} token`);
    return { latchkey, secret: entry.secret, tokens };
  }

  it("still allows its Full access token everywhere", async () => {
    const { latchkey, secret } = await secretOf("full");
    expect((await latchkey.verify({ token: secret, method: "DELETE", area: "users" })).code).toBe("ok");
  });

  it("still applies its Custom access token's levels", async () => {
    const { latchkey, secret } = await secretOf("custom");
    expect((await latchkey.verify({ token: secret, method: "GET", area: "domains" })).code).toBe("ok");
    expect((await latchkey.verify({ token: secret, method: "POST", area: "email" })).code).toBe("ok");
    expect((await latchkey.verify({ token: secret, method: "POST", area: "domains" })).code).toBe("scope_missing");
    expect((await latchkey.verify({ token: secret, method: "GET", area: "webhooks" })).code).toBe("scope_missing");
  });

  it("still limits its domain-scoped token to its domain", async () => {
    const { latchkey, secret, tokens } = await secretOf("domain");
    expect((await latchkey.verify({ token: secret, method: "POST", area: "activity", domain: tokens.domains.example })).code).toBe("ok");
    expect((await latchkey.verify({ token: secret, method: "POST", area: "activity", domain: "example.com" })).code).toBe("ok");
    expect((await latchkey.verify({ token: secret, method: "POST", area: "activity", domain: "example.org" })).code).toBe("domain_not_allowed");
  });

  it("still honours its expiring token until its expiry", async () => {
    const { latchkey, secret } = await secretOf("expiring");
    expect((await latchkey.verify({ token: secret, method: "GET", area: "sms" })).code).toBe("ok");
  });

  it("still refuses its paused token", async () => {
    const { latchkey, secret } = await secretOf("paused");
    expect((await latchkey.verify({ token: secret, method: "GET", area: "sms" })).code).toBe("token_paused");
  });

  it("verifies every one of its tokens as a root (no ancestors), and lets each manage only itself", async () => {
    const { latchkey, tokens } = await secretOf("full");
    const operator = { principal: await latchkey.operator("default"), ip: null };
    for (const entry of tokens.tokens) {
      const lookup = await latchkey.verifier.lookup(entry.secret);
      expect(lookup.kind === "found" ? [lookup.record.ancestorIds, lookup.record.parentInactiveFromMillis] : lookup.kind, entry.label).toEqual([[], null]);
      expect(await latchkey.cascade.family(operator, entry.id), entry.label).toMatchObject({ createdBy: "cli", parentId: null, children: 0 });
    }
    const full = tokens.tokens.find((t) => t.label === "full");
    const { tokens: seen } = await latchkey.tokens.list({ principal: await latchkey.authenticate(full?.secret ?? ""), ip: null }, { page: 1, limit: 10 });
    expect(seen.map((t) => t.id)).toEqual([full?.id]);
  });

  it("can still resume, rename and delete its tokens", async () => {
    const { latchkey, secret, tokens } = await secretOf("paused");
    const actor = { principal: await latchkey.operator("default"), ip: null };
    const id = tokens.tokens.find((t) => t.label === "paused")?.id ?? "";
    await latchkey.tokens.update(actor, id, { status: "unpause", name: "resumed" });
    expect((await latchkey.verify({ token: secret, method: "GET", area: "sms" })).code).toBe("ok");
    await latchkey.tokens.delete(actor, id);
    expect((await latchkey.verify({ token: secret, method: "GET", area: "sms" })).code).toBe("token_unknown");
  });
});
