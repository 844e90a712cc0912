/**
 * Trace-level logging for the whole suite, so that a test can prove no secret ever reaches a log
 * (issue #4). test/global-setup.ts points LATCHKEY_TEST_TRACE_LOG at a file; every app a test builds
 * (through {@link testLogger}) and every server it spawns (through {@link traceEnv} and
 * {@link pipeToTraceLog}) logs at trace level into it; the global teardown then searches it for every
 * secret the suite created.
 */
import { appendFileSync, createWriteStream, type WriteStream } from "node:fs";
import type { ChildProcess } from "node:child_process";

const file = process.env.LATCHKEY_TEST_TRACE_LOG;
let stream: WriteStream | undefined;

/** Logger options for buildApp: trace level into the suite's log file, or off when not collecting. */
export function testLogger(): false | { level: string; stream: NodeJS.WritableStream } {
  if (file === undefined) return false;
  stream ??= createWriteStream(file, { flags: "a" });
  return { level: "trace", stream };
}

/** Environment for a spawned server: trace level when collecting. */
export function traceEnv(): Record<string, string> {
  return file === undefined ? {} : { LATCHKEY_LOG_LEVEL: "trace" };
}

/** Copies a spawned process's output into the suite's log file. */
export function pipeToTraceLog(child: ChildProcess): void {
  if (file === undefined) return;
  const sink = createWriteStream(file, { flags: "a" });
  child.stdout?.on("data", (chunk: Buffer) => sink.write(chunk));
  child.stderr?.on("data", (chunk: Buffer) => sink.write(chunk));
  child.on("exit", () => sink.end());
}

/** Records a secret the suite created, so the teardown searches the logs for it. */
export function rememberSecret(secret: string): void {
  const secrets = process.env.LATCHKEY_TEST_SECRETS;
  if (secrets !== undefined) appendFileSync(secrets, `${secret}\n`);
}
