/**
 * Global set-up of the test suite: collects every log line the suite's apps and servers write at trace
 * level (test/helpers/trace-log.ts), and every secret the suite created; afterwards fails the run if
 * any log holds any of those secrets, or anything shaped like a latchkey secret with a valid checksum.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { parseSecret } from "../src/core/token-secret.js";

const dir = join(process.cwd(), "artifacts", "logs");

export function setup(): () => void {
  mkdirSync(dir, { recursive: true });
  // Named per call: several runs may share this folder, and each vitest project calls this once.
  const run = `${process.pid}-${randomBytes(3).toString("hex")}`;
  const log = join(dir, `trace-${run}.log`);
  const secrets = join(dir, `secrets-created-${run}.txt`);
  rmSync(log, { force: true });
  writeFileSync(secrets, "");
  process.env.LATCHKEY_TEST_TRACE_LOG = log;
  process.env.LATCHKEY_TEST_SECRETS = secrets;
  return () => {
    // Byte arrays (how pino writes a Buffer) are turned back into text first, so no secret hides in one.
    const text = (existsSync(log) ? readFileSync(log, "utf8") : "").replace(/\[(\d{1,3}(?:,\d{1,3}){20,})\]/g, (_m, bytes: string) => Buffer.from(bytes.split(",").map(Number)).toString("latin1"));
    const created = readFileSync(secrets, "utf8").split("\n").filter((s) => s !== "");
    const echoed = created.filter((s) => text.includes(s));
    const shaped = [...text.matchAll(/[a-z][a-z0-9]{0,15}_1[0-9A-Za-z]{38}/g)].map((m) => m[0]).filter((s) => parseSecret(s, [s.slice(0, s.indexOf("_") + 1)]).ok);
    const lines = text.split("\n").length;
    console.log(`secret scan: ${lines} trace log lines, ${created.length} secrets created, ${echoed.length} found in logs, ${shaped.length} secret-shaped strings in logs`);
    if (echoed.length > 0 || shaped.length > 0) throw new Error(`secrets reached the logs (${echoed.length + shaped.length}); see ${log}`);
    rmSync(secrets, { force: true });
  };
}
