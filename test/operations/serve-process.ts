/** A real `latchkey serve` process (the built dist/, through bin/latchkey.js), for the operations tests. */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { join } from "node:path";
import { pipeToTraceLog, traceEnv } from "../helpers/trace-log.js";

/** The repository's root. */
export const ROOT = join(import.meta.dirname, "../..");

/** A port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  return typeof address === "object" && address !== null ? address.port : 0;
}

/** A started server: the process, its port, and everything it wrote so far. */
export interface ServeProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly base: string;
  output(): string;
}

/**
 * Starts `latchkey serve` with `env` (over a quiet default environment) and waits for its banner.
 *
 * @param command the program and arguments before `serve` (default: this Node and bin/latchkey.js).
 * @throws Error with its output when it exits or stays silent for 60 s.
 */
export async function startServe(env: Record<string, string>, options: { readonly command?: readonly string[]; readonly cwd?: string } = {}): Promise<ServeProcess> {
  const port = await freePort();
  const [program, ...args] = options.command ?? [process.execPath, join(ROOT, "bin/latchkey.js")];
  const child = spawn(program ?? process.execPath, [...args, "serve"], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, LATCHKEY_PORT: String(port), LATCHKEY_LOG_LEVEL: "info", LATCHKEY_FAILED_ATTEMPTS_PER_MINUTE: "0", ...traceEnv(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  pipeToTraceLog(child);
  let text = "";
  child.stdout?.on("data", (c: Buffer) => (text += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (text += c.toString()));
  const deadline = Date.now() + 60_000;
  while (!text.includes("latchkey listening on")) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`latchkey serve did not start (run npm run build first): ${text}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { child, port, base: `http://127.0.0.1:${port}`, output: () => text };
}

/** Waits for the process to exit and gives its exit code and signal. */
export async function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode === null && child.signalCode === null) await once(child, "exit");
  return { code: child.exitCode, signal: child.signalCode };
}
