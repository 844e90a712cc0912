/**
 * Ceiling 1: what any verifier must at least do per call, with nothing else: SHA-256 of the presented
 * secret (hex, as stored) and a Map lookup of the hash. Measured with the fastest SHA-256 Node.js
 * offers (the one-shot `crypto.hash`, which latchkey uses too), and, for reference, with the
 * `createHash().update().digest()` chain most code uses. Run as its own process by run-bench.mjs;
 * prints one result line.
 *
 * Usage: node bench/ceiling-sha-map.mjs DURATION_MS
 */
import { createHash, hash } from "node:crypto";
import { emitResult, measureSync } from "./bench-stats.mjs";
import { unknownSecrets } from "./latchkey-fixture.mjs";

const durationMs = Number(process.argv[2] ?? 2000);
const secrets = unknownSecrets(100, 11);
const records = new Map(secrets.map((s, i) => [hash("sha256", s, "hex"), { id: `tok_${i}` }]));
let found = 0;
const shaMap = measureSync(
  (i) => {
    if (records.get(hash("sha256", secrets[i % 100], "hex")) !== undefined) found++;
  },
  { durationMs },
);
const createHashMap = measureSync(
  (i) => {
    if (records.get(createHash("sha256").update(secrets[i % 100]).digest("hex")) !== undefined) found++;
  },
  { durationMs },
);
if (found < shaMap.calls + createHashMap.calls) throw new Error("ceiling: a lookup missed");
emitResult({ shaMap, createHashMap });
