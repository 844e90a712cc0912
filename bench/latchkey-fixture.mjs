/**
 * The latchkey side of the benchmark's set-up: a database with one domain and tokens that hold
 * `domains_read` on that domain only, the permission the peer's keys get ({domains: ["read"]}), so
 * that both answer the same question: may this key read the domains area (of example.com)?
 *
 * Everything goes through the compiled library (dist/), as a user of latchkey would call it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Latchkey } from "../dist/index.js";
import { seededRandom } from "../dist/core/random-source.js";
import { generateSecret } from "../dist/core/token-secret.js";

/** The domain the benchmark's tokens are limited to. */
export const BENCH_DOMAIN = "example.com";

/** The question each verification asks: GET (read) on the domains area, for example.com. */
export const BENCH_QUESTION = { method: "GET", area: "domains", domain: BENCH_DOMAIN };

/**
 * A fresh folder under the system's temporary directory, removed by `dispose()`.
 *
 * @param label part of the folder's name.
 * @returns `{dir, dispose}`.
 */
export function scratchDir(label) {
  const dir = mkdtempSync(join(tmpdir(), `latchkey-bench-${label}-`));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Opens latchkey on a new SQLite file and creates the benchmark's domain and tokens.
 *
 * @param databasePath path of the SQLite file to create.
 * @param tokenCount how many domain-limited `domains_read` tokens to create (1..10,000).
 * @param options `cacheEntries` for the verifier (default: latchkey's).
 * @returns `{latchkey, secrets, domainId, adminSecret}`; the caller closes `latchkey`.
 */
/** Limits of the limited bench tokens: one window and credits, both too large to refuse (issue 14). */
export const BENCH_LIMITS = { rateLimits: [{ name: "burst", limit: 1_000_000_000, window_seconds: 3600 }], credits: { remaining: 1_000_000_000 } };

export async function openFixture(databasePath, tokenCount, options = {}) {
  const latchkey = await Latchkey.open({
    databaseUrl: `sqlite:${databasePath}`,
    ...(options.cacheEntries === undefined ? {} : { cacheEntries: options.cacheEntries }),
  });
  const actor = { principal: await latchkey.operator("default"), ip: null };
  const domain = await latchkey.domains.add(actor, BENCH_DOMAIN);
  const secrets = [];
  for (let i = 0; i < Math.min(tokenCount, 10_000); i++) {
    const created = await latchkey.tokens.create(actor, { name: `bench ${i}`, scopes: ["domains_read"], domains: [domain.id] });
    secrets.push(created.secret);
  }
  const limitedSecrets = [];
  for (let i = 0; i < Math.min(options.limitedCount ?? 0, 10_000); i++) {
    const created = await latchkey.tokens.create(actor, { name: `bench limited ${i}`, scopes: ["domains_read"], domains: [domain.id], ...BENCH_LIMITS });
    limitedSecrets.push(created.secret);
  }
  const admin = await latchkey.tokens.create(actor, { name: "bench admin", hasFull: true });
  return { latchkey, secrets, limitedSecrets, domainId: domain.id, adminSecret: admin.secret };
}

/**
 * Well-formed secrets (right prefix, length, alphabet and checksum) that no database holds.
 *
 * @param count how many (bounded by memory: about 100 bytes each).
 * @param seed seed of the generator, so runs are repeatable.
 */
export function unknownSecrets(count, seed = 7) {
  const random = seededRandom(seed);
  const out = new Array(count);
  for (let i = 0; i < count; i++) out[i] = generateSecret("lk_", random);
  return out;
}

/** A secret of the right length and alphabet whose checksum is wrong: refused with no database read. */
export function malformedSecret(valid) {
  const last = valid.at(-1) === "A" ? "B" : "A";
  return `${valid.slice(0, -1)}${last}`;
}
