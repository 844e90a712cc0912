/**
 * The type of latchkey's Fastify app and what its plugins add to Fastify's own types, in a file of its
 * own so that routes import it without importing app.ts, which imports them (no cycle).
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from "fastify";
import type { FailureLimiter } from "../service/failure-limiter.js";
import type { ActorContext, Principal } from "../service/principal.js";
import type { ServiceObserver } from "../service/service-observer.js";

declare module "fastify" {
  interface FastifyInstance {
    /** The failure limiter of this app (see AppOptions.failureLimiter in app.ts). */
    latchkeyFailures: FailureLimiter;
    /** LATCHKEY_PUBLIC_URL without a trailing slash, or "" (list links are then paths). */
    latchkeyPublicUrl: string;
    /** The service's observer (metrics), for refusals counted in the HTTP layer. */
    latchkeyObserver: ServiceObserver;
  }
  interface FastifyRequest {
    /** The authenticated actor, set before validation on routes that declare `security`. */
    latchkeyActor?: ActorContext;
  }
  interface FastifyContextConfig {
    /**
     * The route rotates token `:id` and takes an Idempotency-Key (POST /v1/token/{id}/rotate): with the
     * key, the previous secret of that very token authenticates, for its own rotation's replay only
     * (break test B2-6; Latchkey.authenticate, RotationService.rotate).
     */
    latchkeyRotationRetry?: boolean;
  }
}

/** The Fastify instance type with TypeBox inference. */
// biome-ignore lint/suspicious/noExplicitAny: Fastify's own defaults for the server, request and reply types
export type App = FastifyInstance<any, any, any, FastifyBaseLogger, TypeBoxTypeProvider>;

/**
 * Resolves a principal from something other than an API token (the dashboard's session cookie).
 * Returns null when the request carries no such credential; throws a ServiceError to refuse it.
 */
export type PrincipalResolver = (request: FastifyRequest) => Promise<Principal | null>;
