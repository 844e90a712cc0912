/**
 * Routes only a signed-in person may call (their own password, two-factor and step-up; issue 16): the
 * session of the request's cookie, required before the body is validated, with its CSRF token on
 * every state-changing request. API tokens do not open these routes. Unlike the other /v1 routes they
 * stay open while the account policy still requires the user to enrol in two-factor.
 */
import type { FastifyRequest } from "fastify";
import type { Latchkey } from "../service/latchkey.js";
import type { ActiveSession } from "../service/user-service.js";
import { ServiceError } from "../service/service-error.js";
import { readSessionCookie, requireCsrf, sessionOf } from "./session-cookie.js";

/** A signed-in request: its session and the cookie's secret. */
export interface SignedIn {
  readonly session: ActiveSession;
  readonly secret: string;
}

const found = new WeakMap<FastifyRequest, SignedIn>();

/**
 * The request's session, checked once per request (the route's preValidation hook and its handler
 * share the answer).
 *
 * @throws ServiceError session_missing (no cookie, or an ended session), csrf_failed.
 */
export async function signedInOf(latchkey: Latchkey, request: FastifyRequest): Promise<SignedIn> {
  const known = found.get(request);
  if (known !== undefined) return known;
  const session = await sessionOf(latchkey.users, request);
  const secret = readSessionCookie(request);
  if (session === null || secret === null) throw new ServiceError("session_missing");
  requireCsrf(request, session);
  const signedIn = { session, secret };
  found.set(request, signedIn);
  return signedIn;
}

/** Route options that authenticate the session before validation (401/403 before 422). */
export function sessionOnly(latchkey: Latchkey): { preValidation: (request: FastifyRequest) => Promise<void> } {
  return {
    preValidation: async (request) => {
      await signedInOf(latchkey, request);
    },
  };
}

/**
 * Step-up (src/service/two-factor-service.ts): through a session, an enrolled user must have proved
 * the second factor within the last 5 minutes. A request with an API token passes.
 *
 * @throws ServiceError two_factor_step_up_required.
 */
export async function requireStepUp(latchkey: Latchkey, request: FastifyRequest, userId: string): Promise<void> {
  const secret = readSessionCookie(request);
  if (secret === null) return;
  await latchkey.twoFactor.requireRecentSecondFactor(secret, userId);
}
