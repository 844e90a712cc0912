/**
 * What the service tells an observer (the Prometheus metrics of src/service/metrics.ts, or nothing):
 * one call per event, each a counter increment at most, so the verification path stays as fast as
 * without. Labels are bounded: codes of the error catalog, fixed path and outcome names, never a token
 * id, an account id, a name or a secret.
 */
import type { ErrorCode } from "../core/error-catalog.js";

/** Where a verification was asked: POST /v1/verify, /v1/forward-auth, or the in-process middleware. */
export type VerificationPath = "verify" | "forward_auth" | "middleware";

/** Who refused a request for its rate: a token's windows or credits, or the failed-attempts limiter. */
export type RateLimitSource = "token_limits" | "failed_attempts";

/** How a webhook delivery attempt ended: delivered (2xx), to be retried, or given up. */
export type WebhookDeliveryOutcome = "delivered" | "retrying" | "given_up";

/** Told of what the service does (metrics). Every method is cheap and never throws. */
export interface ServiceObserver {
  /**
   * A verification was answered.
   *
   * @param code `ok`, or the refusal's code (the error catalog's, so bounded).
   * @param seconds how long it took, from the request's arrival in the handler to the decision.
   */
  verification(path: VerificationPath, code: ErrorCode | "ok", seconds: number): void;
  /** A request was refused for its rate: `rate_limited`, `credits_exhausted` or `limits_unavailable`. */
  rateLimitRefusal(source: RateLimitSource, code: ErrorCode): void;
  /**
   * A change's propagation wait ended (src/service/propagation.ts).
   *
   * @param seconds time waited (0 on SQLite).
   * @param lostInstances live instances that had not applied the change within the bound.
   */
  propagationWait(seconds: number, lostInstances: number): void;
  /** A webhook delivery attempt ended (src/service/webhook-worker.ts). */
  webhookDelivery(outcome: WebhookDeliveryOutcome): void;
}

/** The observer that notes nothing (the default). */
export const SILENT_OBSERVER: ServiceObserver = Object.freeze({
  verification: () => undefined,
  rateLimitRefusal: () => undefined,
  propagationWait: () => undefined,
  webhookDelivery: () => undefined,
});
