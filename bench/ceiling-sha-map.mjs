/**
 * Ceiling 1: what any verifier must at least do per call, with nothing else: SHA-256 of the presented
 * secret (hex, as stored) and a Map lookup of the hash. Run as its own process by run-bench.mjs; prints
 * one result line.
 *
 * Usage: node bench/ceiling-sha-map.mjs DURATION_MS
 */
import { createHash } from "node:crypto";
import { emitResult, measureSync } from "./bench-stats.mjs";
import { unknownSecrets } from "./latchkey-fixture.mjs";

const durationMs = Number(process.argv[2] ?? 2000);
const secrets = unknownSecrets(100, 11);
const records = new Map(secrets.map((s, i) => [createHash("sha256").update(s).digest("hex"), { id: `tok_${i}` }]));
let found = 0;
const result = measureSync(
  (i) => {
    if (records.get(createHash("sha256").update(secrets[i % 100]).digest("hex")) !== undefined) found++;
  },
  { durationMs },
);
if (found !== result.calls) throw new Error("ceiling: a lookup missed");
emitResult({ shaMap: result });
