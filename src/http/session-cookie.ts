/**
 * The dashboard's session cookie on the HTTP side: reading and writing `latchkey_session` (through
 * @fastify/cookie, which buildApp registers), and the
 * {@link PrincipalResolver} that lets every /v1 route accept it as a `user` principal. The scheme
 * itself (hashing, lifetime, lock-out) is in src/service/user-service.ts.
 *
 * Cookie: `latchkey_session=<43 base64url chars>; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200`,
 * plus `Secure` when the request came over https (as Fastify sees it: directly, or through a trusted
 * proxy's X-Forwarded-Proto). A state-changing request (any method but GET, HEAD, OPTIONS) carrying
 * the cookie must also carry the session's CSRF token in `X-CSRF-Token`, or it is refused with 403
 * csrf_failed before any work is done.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { ServiceError } from "../service/service-error.js";
import { csrfTokenMatches, SESSION_MILLIS, userPrincipal, type ActiveSession, type UserService } from "../service/user-service.js";
import type { PrincipalResolver } from "./app-instance.js";

/** Name of the session cookie. */
export const SESSION_COOKIE = "latchkey_session";

/** Header the page sends the CSRF token in. */
export const CSRF_HEADER = "x-csrf-token";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The session secret in the request's Cookie header, or null when there is none. */
export function readSessionCookie(request: FastifyRequest): string | null {
  const value = request.cookies[SESSION_COOKIE];
  return value === undefined || value === "" ? null : value;
}

/** Sets the session cookie on a reply. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, secret: string): void {
  reply.setCookie(SESSION_COOKIE, secret, { httpOnly: true, sameSite: "strict", path: "/", maxAge: SESSION_MILLIS / 1000, secure: request.protocol === "https" });
}

/** Clears the session cookie (sign-out, or a stale cookie). */
export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: "strict", path: "/", secure: request.protocol === "https" });
}

/**
 * The live session of a request's cookie.
 *
 * @returns the session, or null when the request has no cookie.
 * @throws ServiceError session_missing (a cookie for no live session: signed out or expired).
 */
export async function sessionOf(users: UserService, request: FastifyRequest): Promise<ActiveSession | null> {
  const secret = readSessionCookie(request);
  if (secret === null) return null;
  const session = await users.findSession(secret);
  if (session === null) throw new ServiceError("session_missing", { message: "Your session has ended. Sign in again." });
  return session;
}

/**
 * Requires the session's CSRF token on a state-changing request.
 *
 * @throws ServiceError csrf_failed.
 */
export function requireCsrf(request: FastifyRequest, session: ActiveSession): void {
  if (SAFE_METHODS.has(request.method)) return;
  const presented = request.headers[CSRF_HEADER];
  if (!csrfTokenMatches(Array.isArray(presented) ? presented[0] : presented, session.csrfToken)) throw new ServiceError("csrf_failed");
}

/**
 * The resolver for AppOptions.principalResolvers: a request with the session cookie acts as its
 * user (the whole account, no ceiling). Null when there is no cookie, so API tokens work as before.
 * While the account policy requires two-factor of the user and it is not on, every route but their
 * own (/v1/me/..., src/http/session-user.ts) is refused.
 *
 * @throws ServiceError session_missing, csrf_failed, two_factor_enrollment_required.
 */
export function sessionResolver(users: UserService): PrincipalResolver {
  return async (request) => {
    const session = await sessionOf(users, request);
    if (session === null) return null;
    requireCsrf(request, session);
    if (session.twoFactor?.required === true && !session.twoFactor.enabled) throw new ServiceError("two_factor_enrollment_required");
    return userPrincipal(session.user);
  };
}
