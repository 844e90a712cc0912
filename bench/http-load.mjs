/**
 * The load generator, run as its own process so that it does not share an event loop with the
 * server it measures: autocannon against one URL on 127.0.0.1, with the request given as JSON.
 *
 * Usage: node bench/http-load.mjs '{"url": ..., "method": ..., "headers": {...}, "body": "...",
 *   "connections": 50, "durationSeconds": 10}' (or "bodies": [...], sent in turn);
 *   or "@FILE" naming a file that holds that JSON.
 * Prints one result line: req/s (autocannon's per-second average), p50/p99 latency in milliseconds,
 * and the counts of non-2xx answers and errors (a run with any of those is not a valid figure).
 */
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { emitResult } from "./bench-stats.mjs";

const argument = process.argv[2] ?? "{}";
const spec = JSON.parse(argument.startsWith("@") ? readFileSync(argument.slice(1), "utf8") : argument);
let next = 0;
if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(spec.url ?? "")) throw new Error("http-load: loopback URLs only");
const result = await autocannon({
  url: spec.url,
  method: spec.method ?? "GET",
  headers: spec.headers ?? {},
  ...(spec.body === undefined ? {} : { body: spec.body }),
  // `bodies`: each request takes the next one in turn (many distinct tokens instead of one).
  ...(Array.isArray(spec.bodies) ? { requests: [{ setupRequest: (request) => ({ ...request, body: spec.bodies[next++ % spec.bodies.length] }) }] } : {}),
  connections: spec.connections ?? 50,
  duration: Math.min(Math.max(spec.durationSeconds ?? 10, 1), 60),
  pipelining: 1,
});
emitResult({
  requestsPerSecond: result.requests.average,
  totalRequests: result.requests.total,
  p50Millis: result.latency.p50,
  p99Millis: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
});
