/**
 * Child processes of the benchmark: each measured part runs in a process of its own (a fresh heap
 * and compiler state per run), servers are started and stopped here, and the servers' resident
 * memory is sampled from /proc while they are under load.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The benchmark's folder. */
export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
/** The repository's root. */
export const ROOT_DIR = join(BENCH_DIR, "..");

/**
 * Runs `node SCRIPT ARGS...` and returns the result object it printed (see emitResult).
 *
 * @param script path of the script.
 * @param args its arguments (strings).
 * @param options `timeoutMs` (default 10 minutes), `nodeArgs` (e.g. --cpu-prof), `cwd`.
 * @returns the parsed `benchResult`.
 * @throws Error with the child's stderr when it fails, prints no result or runs out of time.
 */
export function runNodeScript(script, args = [], options = {}) {
  const timeoutMs = options.timeoutMs ?? 600_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], { cwd: options.cwd ?? ROOT_DIR, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").reverse().find((l) => l.startsWith('{"benchResult"'));
      if (code !== 0 || line === undefined) {
        reject(new Error(`${script} ${args.join(" ")} exited with ${code ?? signal}: ${stderr.trim() || stdout.slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line).benchResult);
    });
  });
}

/** A free TCP port on 127.0.0.1 (the OS picks one; it is released before it is returned). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a server process and waits until it is ready: until its stdout has a line starting with
 * `readyPrefix`, or (without one) until `GET healthUrl` answers 200.
 *
 * @param options `{command, args, env, readyPrefix?, healthUrl?, timeoutMs?}`; stdout is read only
 *   until ready (a server's log after that goes to /dev/null through `logToNull`).
 * @returns `{pid, readyLine, stop()}`; `stop()` sends SIGTERM, then SIGKILL after 5 s.
 */
export function startServer({ command = process.execPath, args, env = {}, readyPrefix, healthUrl, timeoutMs = 120_000 }) {
  const child = spawn(command, args, {
    cwd: ROOT_DIR,
    env: { ...process.env, ...env },
    stdio: ["ignore", readyPrefix === undefined ? "ignore" : "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  const ready = new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    exited.then((code) => reject(new Error(`${args.join(" ")} exited with ${code} before it was ready: ${stderr.trim()}`)));
    if (readyPrefix !== undefined) {
      let buffered = "";
      const onData = (chunk) => {
        buffered += chunk;
        const line = buffered.split("\n").find((l) => l.startsWith(readyPrefix));
        if (line !== undefined) {
          child.stdout.off("data", onData);
          child.stdout.resume(); // keep draining, so a later write never blocks the server
          resolve(line);
        }
      };
      child.stdout.on("data", onData);
      setTimeout(() => reject(new Error(`${args.join(" ")} not ready after ${timeoutMs} ms: ${stderr.trim()}`)), timeoutMs).unref();
      return;
    }
    const poll = async () => {
      while (Date.now() < deadline) {
        try {
          const response = await fetch(healthUrl);
          if (response.ok) return resolve("");
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      reject(new Error(`${healthUrl} not ready after ${timeoutMs} ms: ${stderr.trim()}`));
    };
    void poll();
  });
  return ready.then(
    (readyLine) => ({ pid: child.pid, readyLine, stop }),
    async (error) => {
      await stop();
      throw error;
    },
  );
}

/** Resident set size of a process in MiB, from /proc (null when it cannot be read). */
export function rssOfProcess(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match === null ? null : Number(match[1]) / 1024;
  } catch {
    return null;
  }
}

/**
 * CPU time a process has used so far (user + system), in milliseconds, from /proc (null when it
 * cannot be read). /proc counts in clock ticks, 10 ms on Linux.
 */
export function cpuMillisOfProcess(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ").at(-1).split(" ");
    // After "pid (comm) ", fields start at state (3rd); utime and stime are the 14th and 15th.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * Samples a process's RSS every `everyMs` until `stop()` is called.
 *
 * @returns `{stop()}`, which returns the largest RSS seen (MiB), or null.
 */
export function sampleRss(pid, everyMs = 250) {
  let peak = rssOfProcess(pid);
  const timer = setInterval(() => {
    const now = rssOfProcess(pid);
    if (now !== null && (peak === null || now > peak)) peak = now;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const now = rssOfProcess(pid);
      return now !== null && (peak === null || now > peak) ? now : peak;
    },
  };
}
