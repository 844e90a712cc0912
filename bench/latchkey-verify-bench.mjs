/**
 * latchkey in-process: `Latchkey.verify` (the library call) awaited one call at a time, on a SQLite
 * file, for four kinds of presented secret. Run as its own process by run-bench.mjs; prints one
 * result line.
 *
 * - warm: valid tokens (100, in turn) whose records the verifier has cached;
 * - cold: the same with the cache off (`verifier.bypassCache()`): a database read each call;
 * - unknown: well-formed secrets that no token has, a different one each call (more of them than the
 *   cache holds, so each is a database read, as a flood of made-up secrets would be);
 * - malformed: a wrong checksum, refused before any hash or read;
 * - limited: as warm, for tokens with one rate window and credits (issue 14), counted in memory;
 * - warmSync: as warm, through `Latchkey.verifySync` (issue 18), which answers a cached token with no
 *   promise (measured as a synchronous loop; a call that needed a wait would fail the run).
 *
 * Usage: node bench/latchkey-verify-bench.mjs DURATION_MS [KINDS]
 *   KINDS: comma-separated subset of warm,cold,unknown,malformed,limited (default all; for profiling one).
 */
import { join } from "node:path";
import { emitResult, measureAsync, measureSync } from "./bench-stats.mjs";
import { BENCH_QUESTION, malformedSecret, openFixture, scratchDir, unknownSecrets } from "./latchkey-fixture.mjs";

const durationMs = Number(process.argv[2] ?? 2000);
const kinds = new Set((process.argv[3] ?? "warm,warmSync,cold,unknown,malformed,limited").split(","));
const skipped = { opsPerSecond: null, p50Micros: null, p99Micros: null, calls: 0 };
const scratch = scratchDir("verify");
const { latchkey, secrets, limitedSecrets } = await openFixture(join(scratch.dir, "latchkey.db"), 100, { limitedCount: kinds.has("limited") ? 100 : 0 });
try {
  const ask = (token) => latchkey.verify({ token, ...BENCH_QUESTION });
  const expect = async (token, code) => {
    const decision = await ask(token);
    if (decision.code !== code) throw new Error(`expected ${code}, got ${decision.code}`);
  };
  await expect(secrets[0], "ok");

  const warm = kinds.has("warm") ? await measureAsync((i) => ask(secrets[i % secrets.length]), { durationMs }) : skipped;

  const askAtOnce = (token) => {
    const decision = latchkey.verifySync({ token, ...BENCH_QUESTION });
    if (decision instanceof Promise || !decision.allowed) throw new Error("verifySync: a warm token was not allowed at once");
  };
  const warmSync = kinds.has("warmSync") ? measureSync((i) => askAtOnce(secrets[i % secrets.length]), { durationMs }) : skipped;

  if (kinds.has("limited")) await expect(limitedSecrets[0], "ok");
  const limited = kinds.has("limited") ? await measureAsync((i) => ask(limitedSecrets[i % limitedSecrets.length]), { durationMs }) : skipped;

  latchkey.verifier.bypassCache();
  await expect(secrets[1], "ok");
  const cold = kinds.has("cold") ? await measureAsync((i) => ask(secrets[i % secrets.length]), { durationMs }) : skipped;
  latchkey.verifier.trustCacheUntil(Number.POSITIVE_INFINITY);

  // More distinct secrets than the cache's 100,000 entries, so a wrapped-around one is a miss again.
  const strangers = unknownSecrets(kinds.has("unknown") ? Math.max(150_000, Math.round((cold.opsPerSecond ?? 0) * (durationMs / 1000) * 2.5)) : 1);
  await expect(strangers[0], "token_unknown");
  const unknown = kinds.has("unknown") ? await measureAsync((i) => ask(strangers[(i + 1) % strangers.length]), { durationMs }) : skipped;

  const bad = malformedSecret(secrets[0]);
  await expect(bad, "token_malformed");
  const malformed = kinds.has("malformed") ? await measureAsync(() => ask(bad), { durationMs }) : skipped;

  emitResult({ warm, warmSync, cold, unknown, malformed, limited });
} finally {
  await latchkey.close();
  scratch.dispose();
}
