/**
 * The one catalog of error codes: each code with its HTTP status and default message (after Fastify's
 * error catalog). The status of an error is chosen here and nowhere else; `ErrorCode` is the key type,
 * so a code missing from the table is a compile error. docs/errors.md lists the same table and a test
 * keeps the two in step.
 */

/** Every error code latchkey answers with. */
export const ERROR_CATALOG = {
  token_missing: { status: 401, message: "No API token was presented. Send it as: Authorization: Bearer <token>." },
  token_malformed: { status: 401, message: "The API token is malformed: wrong prefix, length, characters or checksum." },
  token_unknown: { status: 401, message: "The API token does not exist or has been deleted." },
  token_paused: { status: 401, message: "The API token is paused. Resume it to use it again." },
  token_expired: { status: 401, message: "The API token has expired." },
  token_parent_inactive: { status: 401, message: "The token that created this API token (or one before it) is paused, deleted or expired." },
  token_rotated: { status: 401, message: "This secret was replaced by a rotation and its grace period has ended. Use the token's new secret." },
  token_not_yet_valid: { status: 401, message: "The API token is not valid yet (see its not_before)." },
  ip_not_allowed: { status: 403, message: "The API token may not be used from this client address." },
  domain_required: { status: 403, message: "This token is limited to some domains: a request that changes something must name its domain." },
  scope_missing: { status: 403, message: "The API token lacks the permission this request needs." },
  domain_not_allowed: { status: 403, message: "The API token may not be used for this domain." },
  unknown_area: { status: 400, message: "The area asked for is not in the scope catalogue." },
  route_not_mapped: { status: 403, message: "No route of the route map matches this method and path." },
  path_rejected: { status: 403, message: "The request path is spelled in a way servers read differently (an encoded slash, a backslash, a semicolon, a control character or a dot segment above the root)." },
  forward_headers_invalid: { status: 403, message: "The proxy did not name exactly one original request: send X-Original-Method and X-Original-URI, or X-Forwarded-Method and X-Forwarded-Uri." },
  ceiling_exceeded: { status: 403, message: "A token cannot grant more than it holds." },
  all_domains_required: { status: 403, message: "Only a token for all domains may add or remove domains." },
  session_missing: { status: 401, message: "Sign in first." },
  invalid_credentials: { status: 401, message: "The e-mail address or password is wrong." },
  csrf_failed: { status: 403, message: "The request did not carry a valid CSRF token." },
  verify_key_invalid: { status: 401, message: "The verify key is missing or wrong." },
  metrics_token_invalid: { status: 401, message: "The metrics token is missing or wrong." },
  leak_signature_invalid: { status: 401, message: "The leak report's signature is missing or does not verify with a configured key." },
  setup_closed: { status: 403, message: "Set-up is closed: an owner already exists, or the code is wrong." },
  two_factor_invalid: { status: 401, message: "The two-factor code is wrong or was already used." },
  two_factor_challenge_expired: { status: 401, message: "This sign-in has timed out or was already completed. Enter your e-mail address and password again." },
  two_factor_step_up_required: { status: 403, message: "Enter a code from your authenticator app to confirm this action." },
  two_factor_enrollment_required: { status: 403, message: "The account policy requires two-factor sign-in: set it up first." },
  two_factor_already_enabled: { status: 409, message: "Two-factor sign-in is already on. Turn it off first to set it up again." },
  two_factor_not_enabled: { status: 409, message: "Two-factor sign-in is not on for this user." },
  malformed_request: { status: 400, message: "The request could not be read." },
  not_found: { status: 404, message: "Not found." },
  method_not_allowed: { status: 405, message: "Method not allowed." },
  conflict: { status: 409, message: "The request conflicts with the current state." },
  domain_exists: { status: 409, message: "The domain already exists in this account." },
  idempotency_key_reused: { status: 409, message: "This Idempotency-Key was already used for another request, or its replay window has passed." },
  domain_in_use: { status: 409, message: "The domain is used by tokens; delete them first." },
  account_exists: { status: 409, message: "The account already exists." },
  user_exists: { status: 409, message: "A user with this e-mail address already exists." },
  invite_exists: { status: 409, message: "This e-mail address already has a pending invitation; resend or cancel it." },
  last_admin: { status: 409, message: "The account must keep at least one Admin: make someone else an Admin first." },
  invite_invalid: { status: 404, message: "This invitation link is not valid: it was used, replaced by a newer one, cancelled or has expired." },
  payload_too_large: { status: 413, message: "The request body is too large." },
  unsupported_media_type: { status: 415, message: "Send the request body as application/json." },
  validation_failed: { status: 422, message: "The given data was invalid." },
  rate_limited: { status: 429, message: "Too many requests. Try again after the number of seconds in Retry-After." },
  credits_exhausted: { status: 429, message: "The API token has no credits left for this request." },
  limits_unavailable: { status: 503, message: "The shared counters of rate limits and credits cannot be reached. Try again shortly." },
  secret_key_unavailable: { status: 503, message: "Two-factor sign-in cannot be set up: the server has no secret key to seal it with. The operator sets LATCHKEY_SECRET_KEY." },
  internal_error: { status: 500, message: "Something went wrong on our side." },
  unavailable: { status: 503, message: "The service is not ready." },
  current_secret_required: { status: 403, message: "A secret replaced by a rotation still verifies during its grace, but cannot manage anything: use the token's current secret." },
} as const satisfies Record<string, { status: number; message: string }>;

/** A stable error code, e.g. `token_paused`. */
export type ErrorCode = keyof typeof ERROR_CATALOG;

/** The HTTP status of a code. */
export function statusOf(code: ErrorCode): number {
  return ERROR_CATALOG[code].status;
}

/** Whether a string is a known error code. */
export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CATALOG, value);
}
