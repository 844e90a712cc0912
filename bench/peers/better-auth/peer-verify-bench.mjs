/**
 * The peer in-process: `auth.api.verifyApiKey` awaited one call at a time, for a valid key and for an
 * unknown one. Run as its own process by bench/run-bench.mjs; prints one result line.
 *
 * Usage: node bench/peers/better-auth/peer-verify-bench.mjs DURATION_MS
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emitResult, measureAsync } from "../../bench-stats.mjs";
import { openPeer, verifyWithPeer } from "./peer-auth.mjs";

const durationMs = Number(process.argv[2] ?? 2000);
const dir = mkdtempSync(join(tmpdir(), "latchkey-bench-peer-"));
try {
  const { auth, key, database } = await openPeer(join(dir, "peer.db"));
  const unknownKey = `${key.slice(0, -8)}zzzzzzzz`;
  if ((await verifyWithPeer(auth, unknownKey)).valid !== false) throw new Error("peer: an unknown key verified");
  const valid = await measureAsync(() => verifyWithPeer(auth, key), { durationMs, batch: 20 });
  const unknown = await measureAsync(() => verifyWithPeer(auth, unknownKey), { durationMs, batch: 20 });
  const last = await verifyWithPeer(auth, key);
  if (last.valid !== true) throw new Error(`peer: the key stopped verifying: ${JSON.stringify(last.error)}`);
  database.close();
  emitResult({ valid, unknown });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
