/**
 * A request's child logger made only when something logs (issue 18). Fastify makes a child of the
 * app's logger for every request (`{reqId}` bound); with redaction on, pino runs the redaction over
 * those bindings each time, about 4% of the CPU of a `POST /v1/verify` (docs/performance.md). On
 * the verification routes nothing logs at info for a successful answer
 * (src/http/request-log-controller.ts), so the child is made on the first call that needs it: the
 * lines written are the same, with the same bindings.
 */
import type { FastifyBaseLogger } from "fastify";
import type { Bindings, ChildLoggerOptions } from "fastify/types/logger.js";

/** A logger that makes `parent.child(bindings, options)` on first use and forwards every call to it. */
class LazyChildLogger {
  #made: FastifyBaseLogger | null = null;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  /** The child, made on first use. */
  private made(): FastifyBaseLogger {
    if (this.#made === null) this.#made = this.parent.child(this.bindings, this.options);
    return this.#made;
  }

  get level(): string {
    return this.#made === null ? (this.options.level ?? this.parent.level) : this.#made.level;
  }

  set level(level: string) {
    this.made().level = level;
  }

  fatal(...args: Parameters<FastifyBaseLogger["fatal"]>): void {
    this.made().fatal(...args);
  }
  error(...args: Parameters<FastifyBaseLogger["error"]>): void {
    this.made().error(...args);
  }
  warn(...args: Parameters<FastifyBaseLogger["warn"]>): void {
    this.made().warn(...args);
  }
  info(...args: Parameters<FastifyBaseLogger["info"]>): void {
    this.made().info(...args);
  }
  debug(...args: Parameters<FastifyBaseLogger["debug"]>): void {
    this.made().debug(...args);
  }
  trace(...args: Parameters<FastifyBaseLogger["trace"]>): void {
    this.made().trace(...args);
  }
  silent(...args: Parameters<FastifyBaseLogger["silent"]>): void {
    this.made().silent(...args);
  }
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.made().child(bindings, options);
  }
}

/**
 * Fastify's `childLoggerFactory` (route option) for routes that seldom log: the request's child
 * logger is made when first used, not for every request.
 *
 * @returns a logger with pino's methods, `level` and `child`, whose lines are those of
 *   `logger.child(bindings, options)`.
 */
export function lazyChildLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyChildLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
}
