/**
 * Upgrades never break issued tokens (docs/upgrading.md): each database written by an earlier release
 * (test/fixtures/release-*.sql, with the secrets it issued) is migrated forward by this release, on
 * SQLite and on PostgreSQL (test/upgrade/release-database.ts says how each is loaded), and must still
 * verify its tokens exactly as that release did. Add a fixture per release (this release's version
 * must have one); never edit an old one.
 *
 * From 0.2.0 on a fixture records what its release answered (`checks`: verifications on a fixed
 * clock, replayed here in order), its lineage, limits, webhooks and users, and the SHA-256 of each
 * migration source (an applied migration must never change). 0.1.0's is checked by the hand-written
 * expectations below, which every later fixture meets too (it holds the same five tokens).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { manualClock, type Clock } from "../../src/core/clock.js";
import { Latchkey } from "../../src/service/latchkey.js";
import { dropSchema } from "../helpers/postgres-database.js";
import { fixturePostgres, fixtureReleases, fixtureSqliteFile } from "./release-database.js";

const fixtures = new URL("../fixtures/", import.meta.url);
const releases = fixtureReleases();

interface FixtureCheck {
  readonly token: string;
  readonly secret?: "previous";
  readonly at_ms: number;
  readonly method: string;
  readonly area: string;
  readonly domain?: string;
  readonly ip?: string;
  readonly cost?: number;
  readonly expect: { readonly allowed: boolean; readonly code: string };
}

interface FixtureRecord {
  readonly version: string;
  readonly made_at?: string;
  readonly domains: { readonly example: string };
  readonly tokens: readonly { readonly label: string; readonly id: string; readonly secret: string; readonly previousSecret?: string }[];
  readonly checks?: readonly FixtureCheck[];
  readonly lineage?: Record<string, { readonly ancestorIds: readonly string[] | null; readonly family: Record<string, unknown> | null }>;
  readonly limits?: Record<string, unknown>;
  readonly webhooks?: readonly (Record<string, unknown> & { readonly id: string; readonly signing_secret?: string })[];
  readonly users?: readonly { readonly id: string; readonly email: string; readonly password: string }[];
  readonly migration_sources?: Record<string, string>;
}

function recordOf(version: string): FixtureRecord {
  return JSON.parse(readFileSync(new URL(`release-${version}-tokens.json`, fixtures), "utf8")) as FixtureRecord;
}

const STORES = ["sqlite", "postgres"] as const;
type StoreKind = (typeof STORES)[number];

let open: Latchkey | undefined;
let schemaToDrop: string | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
  if (schemaToDrop !== undefined) await dropSchema(schemaToDrop);
  schemaToDrop = undefined;
});

/** The release's database, freshly loaded on `store` and opened (so migrated) by this code. */
async function openRelease(version: string, store: StoreKind, clock?: Clock): Promise<Latchkey> {
  let databaseUrl: string;
  if (store === "sqlite") databaseUrl = `sqlite:${fixtureSqliteFile(version)}`;
  else {
    const { url, schema } = await fixturePostgres(version);
    schemaToDrop = schema;
    databaseUrl = url;
  }
  open = await Latchkey.open({ databaseUrl, ...(clock === undefined ? {} : { clock }) });
  return open;
}

it("has a fixture for the first release and for this one", () => {
  const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  expect(releases).toEqual(expect.arrayContaining(["0.1.0", version]));
});

it("finds every migration a fixture recorded unchanged (an applied migration is never edited)", () => {
  const folder = new URL("../../src/store/migrations/", import.meta.url);
  const current = Object.fromEntries(
    readdirSync(folder)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => [f.replace(/\.ts$/, ""), createHash("sha256").update(readFileSync(new URL(f, folder))).digest("hex")]),
  );
  const recorded = releases.map((v) => [v, recordOf(v).migration_sources] as const).filter(([, s]) => s !== undefined);
  expect(recorded.length).toBeGreaterThan(0);
  for (const [version, sources] of recorded) for (const [name, hash] of Object.entries(sources ?? {})) expect(current[name], `${name}, applied by ${version}`).toBe(hash);
});

describe.each(releases.flatMap((version) => STORES.map((store) => ({ version, store }))))("a database written by release $version, on $store", ({ version, store }) => {
  const record = recordOf(version);
  const entryOf = (label: string) => {
    const entry = record.tokens.find((t) => t.label === label);
    if (entry === undefined) throw new Error(`fixture ${version} has no ${label} token`);
    return entry;
  };

  it("still allows its Full access token everywhere", async () => {
    const latchkey = await openRelease(version, store);
    expect((await latchkey.verify({ token: entryOf("full").secret, method: "DELETE", area: "users" })).code).toBe("ok");
  });

  it("still applies its Custom access token's levels", async () => {
    const latchkey = await openRelease(version, store);
    const secret = entryOf("custom").secret;
    expect((await latchkey.verify({ token: secret, method: "GET", area: "domains" })).code).toBe("ok");
    expect((await latchkey.verify({ token: secret, method: "POST", area: "email" })).code).toBe("ok");
    expect((await latchkey.verify({ token: secret, method: "POST", area: "domains" })).code).toBe("scope_missing");
    expect((await latchkey.verify({ token: secret, method: "GET", area: "webhooks" })).code).toBe("scope_missing");
  });

  it("still limits its domain-scoped token to its domain", async () => {
    const latchkey = await openRelease(version, store);
    const secret = entryOf("domain").secret;
    expect((await latchkey.verify({ token: secret, method: "POST", area: "activity", domain: record.domains.example })).code).toBe("ok");
    expect((await latchkey.verify({ token: secret, method: "POST", area: "activity", domain: "example.com" })).code).toBe("ok");
    expect((await latchkey.verify({ token: secret, method: "POST", area: "activity", domain: "example.org" })).code).toBe("domain_not_allowed");
  });

  it("still honours its expiring token until its expiry, and refuses its paused token", async () => {
    const latchkey = await openRelease(version, store);
    expect((await latchkey.verify({ token: entryOf("expiring").secret, method: "GET", area: "sms" })).code).toBe("ok");
    expect((await latchkey.verify({ token: entryOf("paused").secret, method: "GET", area: "sms" })).code).toBe("token_paused");
  });

  it("keeps every token's place in its lineage, and lets the Full access token see only itself", async () => {
    const latchkey = await openRelease(version, store);
    const operator = { principal: await latchkey.operator("default"), ip: null };
    for (const entry of record.tokens) {
      // 0.1.0 had no lineage: every token is a root made by the CLI.
      const expected = record.lineage?.[entry.label] ?? { ancestorIds: [], family: { createdBy: "cli", parentId: null, children: 0 } };
      if (expected.family === null) continue; // a canary: refused as unknown, by design
      const lookup = await latchkey.verifier.lookup(entry.secret);
      expect(lookup.kind === "found" ? lookup.record.ancestorIds : lookup.kind, entry.label).toEqual(expected.ancestorIds);
      expect(await latchkey.cascade.family(operator, entry.id), entry.label).toMatchObject(expected.family);
    }
    const full = entryOf("full");
    const { tokens: seen } = await latchkey.tokens.list({ principal: await latchkey.authenticate(full.secret), ip: null }, { page: 1, limit: 10 });
    expect(seen.map((t) => t.id)).toEqual([full.id]);
  });

  it("can still resume, rename and delete its tokens", async () => {
    const latchkey = await openRelease(version, store);
    const actor = { principal: await latchkey.operator("default"), ip: null };
    const { id, secret } = entryOf("paused");
    await latchkey.tokens.update(actor, id, { status: "unpause", name: "resumed" });
    expect((await latchkey.verify({ token: secret, method: "GET", area: "sms" })).code).toBe("ok");
    await latchkey.tokens.delete(actor, id);
    expect((await latchkey.verify({ token: secret, method: "GET", area: "sms" })).code).toBe("token_unknown");
  });

  const { checks, made_at: madeAt } = record;
  if (checks !== undefined && madeAt !== undefined) {
    it(`answers each of the ${checks.length} verifications it recorded exactly as release ${version} did`, async () => {
      const clock = manualClock(Date.parse(madeAt));
      const latchkey = await openRelease(version, store, clock);
      const answers: string[] = [];
      const expected: string[] = [];
      for (const [i, check] of checks.entries()) {
        const entry = entryOf(check.token);
        clock.set(Date.parse(madeAt) + check.at_ms);
        const token = check.secret === "previous" ? entry.previousSecret : entry.secret;
        const decision = await latchkey.verify({ token, method: check.method, area: check.area, domain: check.domain ?? null, ip: check.ip ?? null, cost: check.cost ?? 1 });
        const label = `#${i} ${check.token}${check.secret ? " (previous)" : ""} ${check.method} ${check.area} +${check.at_ms}ms`;
        answers.push(`${label}: ${decision.allowed} ${decision.code}`);
        expected.push(`${label}: ${check.expect.allowed} ${check.expect.code}`);
      }
      expect(answers).toEqual(expected);
    });
  }

  const { limits, webhooks, users } = record;
  if (limits !== undefined && webhooks !== undefined && users !== undefined) {
    it("keeps its tokens' limits, its webhook endpoints and signing secrets, and its users' passwords", async () => {
      const latchkey = await openRelease(version, store, manualClock(Date.parse(madeAt ?? "")));
      const operator = { principal: await latchkey.operator("default"), ip: null };
      for (const [label, wire] of Object.entries(limits)) expect(await latchkey.usage.limits(operator, entryOf(label).id), label).toEqual(wire);
      const listed = (await latchkey.webhooks.list(operator, { page: 1, limit: 25 })).webhooks;
      expect(listed).toEqual(webhooks.map(({ signing_secret: _, ...details }) => expect.objectContaining(details)));
      for (const hook of webhooks) {
        const row = await latchkey.store.kysely.selectFrom("webhooks").select("signing_secret").where("id", "=", hook.id).executeTakeFirst();
        expect(row?.signing_secret, hook.id).toBe(hook.signing_secret);
      }
      for (const user of users) await expect(latchkey.users.signIn(user.email, user.password, { ip: null })).resolves.toMatchObject({});
    });
  }
});

it("the SQLite fixtures are sound files as written", () => {
  for (const version of releases) {
    const db = new Database(fixtureSqliteFile(version), { readonly: true });
    expect(db.pragma("integrity_check", { simple: true }), version).toBe("ok");
    db.close();
  }
});
