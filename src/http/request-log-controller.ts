/**
 * Which requests Fastify logs. The verification routes (`POST /v1/verify`, `/v1/forward-auth`)
 * answer for every request of every API behind latchkey; at the default level, info, Fastify writes
 * two lines for each request ("incoming request", "request completed"), which cost more CPU than the
 * verification itself (docs/performance.md). At info those two lines are left out for these routes;
 * a request that ends in an error is still logged, and so is anything a route logs itself. At debug
 * or trace, set when looking into something, every request is logged as before.
 */
import { LogController, type FastifyReply, type FastifyRequest } from "fastify";

/** Whether a request was routed to one of the verification routes. */
function isVerificationRoute(request: FastifyRequest): boolean {
  const url = request.routeOptions.url;
  return url !== undefined && (url === "/v1/verify" || url.startsWith("/v1/forward-auth"));
}

/** Fastify's log controller, less the per-request lines of successful verifications. */
class VerificationQuietLogController extends LogController {
  override incomingRequest(request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    if (!isVerificationRoute(request)) super.incomingRequest(request, reply, metadata);
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    if (error !== null && error !== undefined) super.requestCompleted(error, request, reply, metadata);
    else if (!isVerificationRoute(request) || reply.statusCode >= 500) super.requestCompleted(error, request, reply, metadata);
  }
}

/**
 * The log controller for an app logging at `level` (a pino level name).
 *
 * @returns Fastify's own controller, or at `info` one that leaves out the request lines of the
 *   verification routes (see the top of this file).
 */
export function requestLogController(level: string): LogController {
  return level === "info" ? new VerificationQuietLogController() : new LogController();
}
