import { Writable } from "node:stream";
import Fastify, { type FastifyBaseLogger } from "fastify";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { lazyChildLoggerFactory } from "./lazy-child-logger.js";

/** A pino logger writing JSON lines into `lines`, with `child` calls counted. */
function recordingLogger(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line !== "") lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level, redact: { paths: ["*.token"], censor: "[redacted]" } }, stream);
  let children = 0;
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<typeof logger.child>) => {
    children++;
    return child(...args);
  }) as typeof logger.child;
  return { logger, lines, children: () => children };
}

describe("lazyChildLoggerFactory", () => {
  it("makes no child until something logs, then writes the child's lines with its bindings", () => {
    const { logger, lines, children } = recordingLogger("info");
    const lazy = lazyChildLoggerFactory(logger, { reqId: "req-1" }, {});
    expect(children()).toBe(0);
    expect(lazy.level).toBe("info");
    lazy.debug("below the level");
    lazy.info({ body: { token: "lk_secret" } }, "hello");
    lazy.warn("again");
    expect(children()).toBe(1);
    expect(lines.map((l) => [l.reqId, l.msg, (l.body as { token?: string } | undefined)?.token])).toEqual([
      ["req-1", "hello", "[redacted]"],
      ["req-1", "again", undefined],
    ]);
  });

  it("keeps a route's log level and serves Fastify as a request logger", async () => {
    const { logger, lines } = recordingLogger("info");
    const app = Fastify({ loggerInstance: logger as FastifyBaseLogger });
    app.get("/quiet", { childLoggerFactory: lazyChildLoggerFactory, logLevel: "warn" }, async (request) => {
      request.log.info("not written: the route logs at warn");
      request.log.warn("written");
      return { level: request.log.level };
    });
    const answer = await app.inject({ method: "GET", url: "/quiet" });
    expect(answer.json()).toEqual({ level: "warn" });
    const written = lines.filter((l) => l.msg === "written");
    expect(written).toHaveLength(1);
    expect(typeof written[0]?.reqId).toBe("string");
    expect(lines.some((l) => l.msg === "not written: the route logs at warn")).toBe(false);
    await app.close();
  });
});
