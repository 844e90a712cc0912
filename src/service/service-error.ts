/**
 * The error every use case raises for a refusal the caller must see: a code from the error catalog
 * (src/core/error-catalog.ts) and optional details. The HTTP layer turns it into a response with the
 * catalog's status; the CLI prints its message. Messages never hold a secret.
 */
import { ERROR_CATALOG, type ErrorCode } from "../core/error-catalog.js";

/** Details that travel with a refusal. */
export interface ServiceErrorDetails {
  /** A message more precise than the catalog's default. */
  readonly message?: string;
  /** Field -> problems, for `validation_failed` (DESIGN.md: `errors` only on 422). */
  readonly errors?: Readonly<Record<string, readonly string[]>>;
  /** The scope string a refused request needed (`scope_missing`). */
  readonly required?: string;
  /** What a creator lacks to grant a token (`ceiling_exceeded`). */
  readonly lacking?: readonly string[];
  /** Seconds to wait (`rate_limited`). */
  readonly retryAfterSeconds?: number;
}

export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly details: ServiceErrorDetails = {},
  ) {
    super(details.message ?? ERROR_CATALOG[code].message);
    this.name = "ServiceError";
  }
}

/** Builds a `validation_failed` error from field problems. */
export function validationError(errors: Record<string, string[]>): ServiceError {
  const fields = Object.keys(errors);
  const first = fields[0] !== undefined ? errors[fields[0]]?.[0] : undefined;
  const more = fields.length > 1 || (errors[fields[0] ?? ""]?.length ?? 0) > 1 ? " (and more errors)" : "";
  return new ServiceError("validation_failed", { message: `${first ?? "The given data was invalid."}${more}`, errors });
}
