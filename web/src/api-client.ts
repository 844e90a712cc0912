/**
 * Calls to latchkey's /v1 API from the page. The session cookie is httpOnly, so the page never sees
 * it; the CSRF token from the sign-in answer is kept in this module's memory only (never in storage)
 * and sent as X-CSRF-Token on every request that changes something.
 */

/** A refusal from the API, with DESIGN.md's error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Field -> problems (422 only). */
    readonly errors: Record<string, string[]> = {},
    /** What a ceiling_exceeded refusal lacks: scopes (`email_full`), `full_access`, `all_domains`, `domain:<id>`, `expires_at`, … */
    readonly lacking: readonly string[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

let csrfToken: string | null = null;
let onSessionEnded: (() => void) | null = null;
let onEnrolmentRequired: (() => void) | null = null;

/** Remembers (or forgets, with null) the session's CSRF token. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request finds the session gone (signed out elsewhere, or expired). */
export function setSessionEndedHandler(handler: (() => void) | null): void {
  onSessionEnded = handler;
}

/** Called when the account policy turns out to require two-factor of this person, and it is off. */
export function setEnrolmentRequiredHandler(handler: (() => void) | null): void {
  onEnrolmentRequired = handler;
}

/**
 * Sends a request and returns its JSON body (undefined for 204).
 *
 * @throws ApiError for any answer other than 2xx.
 */
export async function api<T>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown, extraHeaders: Readonly<Record<string, string>> = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...extraHeaders };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken !== null) headers["x-csrf-token"] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: "same-origin", cache: "no-store", ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch {
    throw new ApiError(0, "network_error", "latchkey could not be reached. Check your connection and try again.");
  }
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = isErrorBody(payload) ? payload : { code: "internal_error", message: `The request failed (HTTP ${response.status}).` };
    if (error.code === "session_missing" && path !== "/v1/session") onSessionEnded?.();
    if (error.code === "two_factor_enrollment_required") onEnrolmentRequired?.();
    throw new ApiError(response.status, error.code, error.message, error.errors ?? {}, error.lacking ?? []);
  }
  return payload as T;
}

function isErrorBody(value: unknown): value is { code: string; message: string; errors?: Record<string, string[]>; lacking?: string[] } {
  if (typeof value !== "object" || value === null) return false;
  const { code, message, lacking } = value as { code?: unknown; message?: unknown; lacking?: unknown };
  const lackingOk = lacking === undefined || (Array.isArray(lacking) && lacking.every((entry) => typeof entry === "string"));
  return typeof code === "string" && typeof message === "string" && lackingOk;
}

/** The first problem of each field of a 422, for showing beside the field. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  return Object.fromEntries(Object.entries(error.errors).map(([field, problems]) => [field, problems[0] ?? "This field is invalid."]));
}

/** A message for a person: the API's own, or a generic one for anything unexpected. */
export function messageOf(error: unknown): string {
  return error instanceof ApiError ? error.message : "Something went wrong. Try again.";
}
