/**
 * The cost of conditions of use on the warm path (issue 13): `Latchkey.verify` awaited one call at a
 * time on a SQLite file, for tokens without conditions and for tokens with `not_before` and an
 * address list of 10 ranges (asked from an address in the last), the two kinds interleaved in
 * alternating passes so that machine noise falls on both; and the core decision alone
 * (`decide`), which is where conditions are checked. Uses dist/ (npm run build first).
 *
 * Usage: node bench/conditions-bench.mjs [DURATION_MS_PER_PASS] [PASSES]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Latchkey } from "../dist/service/latchkey.js";
import { decide } from "../dist/core/verify-decision.js";
import { measureAsync } from "./bench-stats.mjs";

const durationMs = Number(process.argv[2] ?? 1500);
const passes = Number(process.argv[3] ?? 3);
const dir = mkdtempSync(join(tmpdir(), "lk-conditions-"));
const latchkey = await Latchkey.open({ databaseUrl: `sqlite:${join(dir, "latchkey.db")}` });
try {
  const actor = { principal: await latchkey.operator("default"), ip: null };
  const ranges = [...Array.from({ length: 9 }, (_, i) => `10.${i}.0.0/16`), "203.0.113.0/24"];
  const mint = async (conditions) => (await latchkey.tokens.create(actor, { name: "bench", scopes: ["domains_read"], ...conditions })).secret;
  const plain = await Promise.all(Array.from({ length: 100 }, () => mint({})));
  const conditioned = await Promise.all(Array.from({ length: 100 }, () => mint({ notBefore: "2020-01-01T00:00:00Z", allowedIps: ranges })));
  const question = { method: "GET", area: "domains" };
  for (const s of [...plain, ...conditioned]) {
    const d = await latchkey.verify({ token: s, ...question, ip: "203.0.113.7" });
    if (d.code !== "ok") throw new Error(d.code);
  }
  const results = { plain: [], conditioned: [] };
  for (let pass = 0; pass < passes; pass++) {
    results.plain.push(await measureAsync((i) => latchkey.verify({ token: plain[i % 100], ...question, ip: "203.0.113.7" }), { durationMs }));
    results.conditioned.push(await measureAsync((i) => latchkey.verify({ token: conditioned[i % 100], ...question, ip: "203.0.113.7" }), { durationMs }));
  }
  // The decision alone, on the cached records.
  const lookupOf = async (s) => latchkey.verifier.lookup(s);
  const plainLookup = await lookupOf(plain[0]);
  const condLookup = await lookupOf(conditioned[0]);
  const q = { area: "domains", level: "read", domain: null, ip: "203.0.113.7" };
  const time = (lookup) => {
    const n = 2_000_000;
    let ok = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) if (decide(latchkey.catalogue, lookup, q, 1_900_000_000_000, []).allowed) ok++;
    if (ok !== n) throw new Error("not allowed");
    return Number(process.hrtime.bigint() - start) / n;
  };
  time(plainLookup);
  time(condLookup);
  const decidePlain = [time(plainLookup), time(plainLookup), time(plainLookup)].sort((a, b) => a - b)[1];
  const decideCond = [time(condLookup), time(condLookup), time(condLookup)].sort((a, b) => a - b)[1];
  const median = (xs, key) => xs.map((x) => x[key]).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const line = (label, xs) => `${label}: ${Math.round(median(xs, "opsPerSecond")).toLocaleString("en")} ops/s, p50 ${median(xs, "p50Micros").toFixed(2)} µs (passes: ${xs.map((x) => Math.round(x.opsPerSecond).toLocaleString("en")).join(", ")})`;
  console.log(line("warm verify, no conditions", results.plain));
  console.log(line("warm verify, not_before + 10 ranges, ip in the last", results.conditioned));
  const perCallMicros = 1e6 / median(results.conditioned, "opsPerSecond") - 1e6 / median(results.plain, "opsPerSecond");
  console.log(`difference per call (medians of ops/s): ${perCallMicros.toFixed(3)} µs`);
  console.log(`decide() alone: no conditions ${decidePlain.toFixed(1)} ns, with conditions ${decideCond.toFixed(1)} ns (median of 3 × 2,000,000)`);
} finally {
  await latchkey.close();
  rmSync(dir, { recursive: true, force: true });
}
