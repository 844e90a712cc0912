/**
 * The HTTP server: a thin composition of plugins and routes over a {@link Latchkey}. Routes live one
 * per file in ./routes; errors become responses in ./error-handler.ts; nothing here touches the
 * database. Tests call it in-process with `app.inject()`.
 */
import cookie from "@fastify/cookie";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyRequest } from "fastify";
import { EMPTY_ROUTE_MAP, type RouteMap } from "../core/route-map.js";
import type { Latchkey } from "../service/latchkey.js";
import { actorFor, isManagementRoute } from "./request-actor.js";
import { createFailureLimiter, type FailureLimiter } from "../service/failure-limiter.js";
import type { App, PrincipalResolver } from "./app-instance.js";
import { handleError, sendError } from "./error-handler.js";
import { requestLogController } from "./request-log-controller.js";
import { cachedSerializerFactory, cachedValidatorCompiler } from "./schema-compilers.js";
import { openApiOptions } from "./openapi-document.js";
import { registerSecurityHeaders } from "./security-headers.js";
import { registerAuditList } from "./routes/audit-list.js";
import { registerChangeStream } from "./routes/change-stream.js";
import { registerDomainCreate } from "./routes/domain-create.js";
import { registerDomainDelete } from "./routes/domain-delete.js";
import { registerDomainList } from "./routes/domain-list.js";
import { registerDomainShow } from "./routes/domain-show.js";
import { registerForwardAuth } from "./routes/forward-auth.js";
import { registerHealth } from "./routes/health.js";
import { registerScopeList } from "./routes/scope-list.js";
import { registerSessionCreate } from "./routes/session-create.js";
import { registerSessionDelete } from "./routes/session-delete.js";
import { registerSessionShow } from "./routes/session-show.js";
import { registerSetupCreate } from "./routes/setup-create.js";
import { registerSetupShow } from "./routes/setup-show.js";
import { registerMePassword } from "./routes/me-password.js";
import { registerMeTwoFactor } from "./routes/me-two-factor.js";
import { registerPasswordReset } from "./routes/password-reset.js";
import { registerSessionTwoFactor } from "./routes/session-two-factor.js";
import { registerTokenCascade } from "./routes/token-cascade.js";
import { registerTokenCreate } from "./routes/token-create.js";
import { registerTokenDelete } from "./routes/token-delete.js";
import { registerTokenList } from "./routes/token-list.js";
import { registerTokenSettings } from "./routes/token-settings.js";
import { registerTokenShow } from "./routes/token-show.js";
import { registerTokenUpdate } from "./routes/token-update.js";
import { registerTokenRotate } from "./routes/token-rotate.js";
import { registerTokenLookup } from "./routes/token-lookup.js";
import { registerAccountPolicy } from "./routes/account-policy.js";
import { registerUsageLimits } from "./routes/usage-limits.js";
import { registerUsageReports } from "./routes/usage-reports.js";
import { registerVerify } from "./routes/verify.js";
import { registerMetricsRoute } from "./routes/metrics-route.js";
import type { LatchkeyMetrics } from "../service/metrics.js";
import { registerWebhookRoutes } from "./routes/webhook-routes.js";
import { registerUserRoutes } from "./routes/user-routes.js";
import { ErrorSchema } from "./wire-format.js";
import { compileRouteMap } from "./route-matcher.js";

export type { App, PrincipalResolver } from "./app-instance.js";

/** Options of {@link buildApp}. */
export interface AppOptions {
  /** pino options, or false for no logging (default: info level, redacted). */
  readonly logger?: false | { level: string; stream?: NodeJS.WritableStream };
  /** Largest accepted request body, bytes (default 64 KiB). */
  readonly maxBodyBytes?: number;
  /** Trust X-Forwarded-For from these proxies (Fastify's trustProxy; default: no). */
  readonly trustProxy?: boolean | string | string[];
  /** Extra principal resolvers tried when no Authorization header is present. */
  readonly principalResolvers?: readonly PrincipalResolver[];
  /**
   * Counts failed verifications and authentications per client address (default: in memory, 30 a
   * minute; see src/service/failure-limiter.ts). Closed with the app.
   */
  readonly failureLimiter?: FailureLimiter;
  /** When set, POST /v1/verify requires this shared key in `X-Latchkey-Verify-Key` (LATCHKEY_VERIFY_KEY). */
  readonly verifyKey?: string | null;
  /** Further plugins registered after the API routes (the dashboard). */
  readonly plugins?: readonly ((app: App) => Promise<void>)[];
  /** The protected API's route map for /v1/forward-auth (LATCHKEY_ROUTES_FILE; default: none, every check refused). */
  readonly routeMap?: RouteMap;
  /** Where clients reach latchkey (LATCHKEY_PUBLIC_URL), for the links of lists; null or absent: links are paths. Never the Host header. */
  readonly publicUrl?: string | null;
  /** Serves GET /metrics from these metrics (src/service/metrics.ts); absent: no /metrics. */
  readonly metrics?: LatchkeyMetrics;
  /** When set, GET /metrics requires `Authorization: Bearer <this>` (LATCHKEY_METRICS_TOKEN). */
  readonly metricsToken?: string | null;
}

/** Paths of a secret wherever it could appear in a log line; pino writes "[redacted]" instead. */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "req.headers['x-latchkey-verify-key']",
  'res.headers["set-cookie"]',
  "*.token",
  "*.accessToken",
  "*.secret",
  "*.signing_secret",
  "*.password",
  "body.token",
  "body.password",
  "*.current_password",
  "*.new_password",
  "*.challenge",
  "*.otpauth_url",
  "*.qr_code",
  "*.recovery_codes",
  // Node's client errors (431, a malformed header line) carry the raw request bytes, headers included.
  "err.rawPacket",
  "*.rawPacket",
];

/**
 * Builds the HTTP application.
 *
 * @param latchkey the opened service.
 * @returns a Fastify instance, not yet listening (call `listen`, or `inject` in tests).
 */
export async function buildApp(latchkey: Latchkey, options: AppOptions = {}): Promise<App> {
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: options.logger?.level ?? "info",
            ...(options.logger?.stream ? { stream: options.logger.stream } : {}),
            redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
            serializers: {
              // The path only: a query string may carry anything, a secret included.
              req: (req: FastifyRequest) => ({ method: req.method, path: req.url.split("?")[0], remoteAddress: req.ip }),
            },
          },
    logController: requestLogController(options.logger === false ? "silent" : (options.logger?.level ?? "info")),
    bodyLimit: options.maxBodyBytes ?? 64 * 1024,
    trustProxy: options.trustProxy ?? false,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: false },
    schemaController: { compilersFactory: { buildSerializer: cachedSerializerFactory } },
    // Errors Fastify raises while routing (a bad percent-encoding, a path parameter over 200
    // characters) would otherwise bypass the error handler and answer Fastify's own body.
    frameworkErrors: (error, request, reply) => {
      handleError(error, request, reply);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(cachedValidatorCompiler());
  app.setErrorHandler(handleError);
  // JSON only: a text/plain body (which browsers send cross-site without a preflight) is refused with 415.
  app.removeContentTypeParser("text/plain");
  app.setNotFoundHandler((_request, reply) => sendError(reply, "not_found"));
  // Generic clients send `Content-Type: application/json` on a DELETE with no body; Fastify would
  // refuse the empty JSON body with 400. A bodiless DELETE has nothing to parse: drop the header.
  // (A callback hook, not an async one: no promise on every request of every route; issue 18.)
  app.addHook("onRequest", (request, _reply, done) => {
    const { headers } = request;
    if (request.method === "DELETE" && headers["transfer-encoding"] === undefined && (headers["content-length"] === undefined || headers["content-length"] === "0")) delete headers["content-type"];
    done();
  });
  app.addSchema(ErrorSchema);
  const failures = options.failureLimiter ?? createFailureLimiter({ failuresPerWindow: 30 });
  app.decorate("latchkeyFailures", failures);
  app.decorate("latchkeyPublicUrl", (options.publicUrl ?? "").replace(/\/+$/, ""));
  app.decorate("latchkeyObserver", latchkey.observer);
  app.addHook("onClose", async () => failures.close());
  await registerSecurityHeaders(app);

  await app.register(cookie); // parses Cookie headers for the dashboard's session (src/http/session-cookie.ts)
  await app.register(swagger, openApiOptions(app.latchkeyPublicUrl));
  await app.register(swaggerUi, { routePrefix: "/docs" }); // served under the strict CSP of security-headers.ts

  const resolvers = options.principalResolvers ?? [];
  // Authenticate before the body is validated, so that a caller without a valid credential learns
  // nothing about the route's input rules (401/403 before 400/413/415/422).
  // A callback hook: routes other than the management routes (the verification routes among them)
  // pay no promise.
  app.addHook("preValidation", (request, _reply, done) => {
    if (!isManagementRoute(request.routeOptions.schema)) return done();
    actorFor(latchkey, request, resolvers).then((actor) => {
      request.latchkeyActor = actor;
      done();
    }, done);
  });
  registerHealth(app, latchkey);
  if (options.metrics !== undefined) registerMetricsRoute(app, latchkey, options.metrics, options.metricsToken ?? null);
  registerVerify(app, latchkey, options.verifyKey ?? null);
  await registerForwardAuth(app, latchkey, compileRouteMap(options.routeMap ?? EMPTY_ROUTE_MAP));
  registerScopeList(app, latchkey, resolvers);
  registerTokenList(app, latchkey, resolvers);
  registerTokenShow(app, latchkey, resolvers);
  registerTokenCreate(app, latchkey, resolvers);
  registerTokenUpdate(app, latchkey, resolvers);
  registerTokenSettings(app, latchkey, resolvers);
  registerTokenDelete(app, latchkey, resolvers);
  registerTokenCascade(app, latchkey, resolvers);
  registerTokenRotate(app, latchkey, resolvers);
  registerTokenLookup(app, latchkey, resolvers);
  registerAccountPolicy(app, latchkey, resolvers);
  registerDomainList(app, latchkey, resolvers);
  registerDomainShow(app, latchkey, resolvers);
  registerDomainCreate(app, latchkey, resolvers);
  registerDomainDelete(app, latchkey, resolvers);
  registerAuditList(app, latchkey, resolvers);
  registerChangeStream(app, latchkey, options.verifyKey ?? null);
  registerUsageLimits(app, latchkey, resolvers);
  registerUsageReports(app, latchkey, resolvers);
  await registerWebhookRoutes(app, latchkey, resolvers);
  registerUserRoutes(app, latchkey, resolvers);
  registerSessionShow(app, latchkey);
  registerSessionCreate(app, latchkey);
  registerSessionDelete(app, latchkey);
  registerSetupShow(app, latchkey);
  registerSetupCreate(app, latchkey);
  registerSessionTwoFactor(app, latchkey);
  registerMePassword(app, latchkey);
  registerMeTwoFactor(app, latchkey);
  registerPasswordReset(app, latchkey);
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  for (const plugin of options.plugins ?? []) await plugin(app);
  await app.ready();
  return app;
}
