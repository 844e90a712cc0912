/**
 * Turns every error into a response of DESIGN.md's shape `{message, code, errors?}` in one place
 * (after Hono's `onError`): service refusals get the catalog's status; Fastify's own request errors
 * (bad JSON, too large, wrong content type, schema validation) get theirs; anything else is a 500
 * whose message never reaches the client.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ERROR_CATALOG, statusOf, type ErrorCode } from "../core/error-catalog.js";
import { ServiceError } from "../service/service-error.js";

/** The body of an error response. */
export interface ErrorBody {
  message: string;
  code: ErrorCode;
  errors?: Record<string, string[]>;
  required?: string;
  lacking?: string[];
}

/** Sends an error response for a code, with the catalog's status. */
export function sendError(reply: FastifyReply, code: ErrorCode, extra: Partial<ErrorBody> = {}): FastifyReply {
  return reply.code(statusOf(code)).send({ message: ERROR_CATALOG[code].message, code, ...extra });
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "malformed_request",
  FST_ERR_CTP_EMPTY_JSON_BODY: "malformed_request",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "malformed_request",
  FST_ERR_CTP_BODY_TOO_LARGE: "payload_too_large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_INVALID_TYPE: "unsupported_media_type",
  FST_ERR_BAD_URL: "malformed_request",
  FST_ERR_ASYNC_CONSTRAINT: "malformed_request",
};

/** Fastify's error handler. */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ServiceError) {
    const { details } = error;
    if (details.retryAfterSeconds !== undefined) reply.header("retry-after", String(details.retryAfterSeconds));
    return reply.code(statusOf(error.code)).send({
      message: error.message,
      code: error.code,
      ...(details.errors ? { errors: details.errors } : {}),
      ...(details.required ? { required: details.required } : {}),
      ...(details.lacking ? { lacking: details.lacking } : {}),
    });
  }
  if (error.validation) {
    const errors: Record<string, string[]> = {};
    for (const issue of error.validation) {
      const params = issue.params as Record<string, unknown>;
      let field = issue.instancePath.replace(/^\//, "").split("/")[0] ?? "";
      if (typeof params.missingProperty === "string") field = params.missingProperty;
      if (typeof params.additionalProperty === "string") field = params.additionalProperty;
      if (field === "") field = error.validationContext ?? "body";
      const text =
        typeof params.additionalProperty === "string"
          ? "This field is not accepted."
          : typeof params.missingProperty === "string"
            ? "This field is required."
            : `This field ${issue.message ?? "is invalid"}.`;
      const list = (errors[field] ??= []);
      if (!list.includes(text)) list.push(text);
    }
    const [firstField, firstProblems] = Object.entries(errors)[0] ?? ["body", ["is invalid"]];
    return reply.code(422).send({ message: `${firstField}: ${firstProblems[0] ?? "is invalid"}`, code: "validation_failed", errors });
  }
  const mapped = error.code !== undefined ? FASTIFY_CODES[error.code] : undefined;
  if (mapped !== undefined) return sendError(reply, mapped);
  if (typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500) {
    const code: ErrorCode = error.statusCode === 404 ? "not_found" : error.statusCode === 405 ? "method_not_allowed" : error.statusCode === 413 ? "payload_too_large" : error.statusCode === 415 ? "unsupported_media_type" : error.statusCode === 429 ? "rate_limited" : "malformed_request";
    return sendError(reply, code);
  }
  request.log.error({ err: error }, "unhandled error");
  return sendError(reply, "internal_error");
}
