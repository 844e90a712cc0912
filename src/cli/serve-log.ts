/**
 * The lines `latchkey serve` writes of its own life (start, set-up, problems, background errors,
 * shutdown): JSON lines in pino's shape (`level`, `time`, `pid`, `hostname`, `msg`, then fields), as
 * the request log is, so that a log shipper reads one format. Lifecycle lines are written at any
 * LATCHKEY_LOG_LEVEL but `silent`. The set-up code is never in a line: it goes to a file of mode 0600
 * whose path the set-up line names (src/cli/serve-command.ts).
 */
import { hostname } from "node:os";
import type { CliIo } from "./cli-output.js";

/** pino's numeric levels. */
const LEVELS = { info: 30, warn: 40, error: 50, fatal: 60 } as const;

/** Writes lifecycle lines. */
export interface ServeLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  fatal(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * A lifecycle log over the CLI's streams: info to standard output, the rest to standard error.
 *
 * @param logLevel LATCHKEY_LOG_LEVEL; `silent` writes nothing.
 */
export function serveLog(io: CliIo, logLevel: string, clock: () => number = Date.now): ServeLog {
  const host = hostname();
  const line = (level: keyof typeof LEVELS, msg: string, fields: Record<string, unknown> = {}): void => {
    if (logLevel === "silent") return;
    const text = JSON.stringify({ level: LEVELS[level], time: clock(), pid: process.pid, hostname: host, msg, ...fields });
    if (level === "info") io.out(text);
    else io.err(text);
  };
  return {
    info: (msg, fields) => line("info", msg, fields),
    warn: (msg, fields) => line("warn", msg, fields),
    error: (msg, fields) => line("error", msg, fields),
    fatal: (msg, fields) => line("fatal", msg, fields),
  };
}

/** A database URL fit for a log line: the password of `postgres://user:password@host` replaced by `***`. */
export function redactedDatabaseUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}
