/**
 * GET /metrics: the instance's Prometheus metrics (src/service/metrics.ts), in the text format
 * 0.0.4. With LATCHKEY_METRICS_TOKEN set, the scrape must send `Authorization: Bearer <that token>`
 * (compared in constant time over SHA-256 digests); otherwise 401 `metrics_token_invalid`, counted as a
 * failed attempt of the client address like any wrong credential. Also counts the management API's
 * requests (routes that declare `security`) by operation id and status class.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { Latchkey } from "../../service/latchkey.js";
import type { LatchkeyMetrics } from "../../service/metrics.js";
import { ServiceError } from "../../service/service-error.js";
import type { App } from "../app-instance.js";
import { authorizationHeaders, readBearerToken } from "../bearer-token.js";
import { isManagementRoute, refuseGuess } from "../request-actor.js";

/** The path Prometheus scrapes. */
export const METRICS_PATH = "/metrics";

/** Whether the request's bearer credential is the metrics token (constant time over SHA-256 digests). */
function hasMetricsToken(request: FastifyRequest, expectedDigest: Buffer): boolean {
  const presented = readBearerToken(authorizationHeaders(request.raw.rawHeaders));
  if (presented.kind !== "bearer") return false;
  return timingSafeEqual(createHash("sha256").update(presented.token).digest(), expectedDigest);
}

/**
 * Registers GET /metrics and the management requests' counter.
 *
 * @param latchkey the service whose state (cache, change feed, pool) the scrape reads.
 * @param metrics the instance's metrics (also the service's observer).
 * @param metricsToken LATCHKEY_METRICS_TOKEN, or null: the scrape is open (bind to a private address then).
 */
export function registerMetricsRoute(app: App, latchkey: Latchkey, metrics: LatchkeyMetrics, metricsToken: string | null): void {
  metrics.attach(latchkey);
  const expectedDigest = metricsToken === null ? null : createHash("sha256").update(metricsToken).digest();
  app.addHook("onResponse", async (request, reply) => {
    const schema = request.routeOptions.schema;
    if (!isManagementRoute(schema) || schema === undefined) return;
    // The operation id, or the route pattern (`GET /v1/token/:id`): a fixed set either way, never a path with ids.
    metrics.managementRequest(typeof schema.operationId === "string" ? schema.operationId : `${request.method} ${request.routeOptions.url ?? ""}`, reply.statusCode);
  });
  app.get(METRICS_PATH, { schema: { hide: true } }, async (request, reply) => {
    if (expectedDigest !== null && !hasMetricsToken(request, expectedDigest)) await refuseGuess(request, new ServiceError("metrics_token_invalid"));
    const text = await metrics.render();
    return reply.header("cache-control", "no-store").type(metrics.contentType).send(text);
  });
}
