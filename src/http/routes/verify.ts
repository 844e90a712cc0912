/**
 * POST /v1/verify: "may this token do METHOD on AREA for DOMAIN?" Always 200 with the decision as
 * data (DESIGN.md): `{allowed, status, code, message, required?, token?}`, where `status` is the HTTP
 * status the protected API should answer with. The token's details come back only when allowed.
 */
import { Type, type Static } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import { ERROR_CATALOG, type ErrorCode } from "../../core/error-catalog.js";
import { scopeStrings } from "../../core/permissions.js";
import type { TokenRecord } from "../../core/verify-decision.js";
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { ServiceError, validationError } from "../../service/service-error.js";
import type { App } from "../app-instance.js";
import { lazyChildLoggerFactory } from "../lazy-child-logger.js";
import { isoOrNull, validUntilMillis } from "../verified-token.js";
import { refuseGuess, VERIFY_KEY_SECURITY_OPTIONAL } from "../request-actor.js";

/** Whether the request carries the shared verify key (compared in constant time over SHA-256 digests). */
export function hasVerifyKey(request: FastifyRequest, expectedDigest: Buffer): boolean {
  const given = request.headers["x-latchkey-verify-key"];
  if (typeof given !== "string" || given === "") return false;
  return timingSafeEqual(createHash("sha256").update(given).digest(), expectedDigest);
}

export const VerifyBody = Type.Object(
  {
    token: Type.String({ maxLength: 4096, description: "The secret presented to your API" }),
    method: Type.String({ pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$", description: "HTTP method of the request" }),
    area: Type.String({ maxLength: 64, description: "Area key, e.g. domains" }),
    domain: Type.Optional(
      Type.Union([Type.String({ maxLength: 300 }), Type.Null()], {
        description: "Domain id or name the request concerns; without it a domain-scoped token is allowed read methods only (403 domain_required otherwise)",
      }),
    ),
    cost: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000,
        description: "Credits this request spends (default 1); more than the token's credits can ever cover is a 422",
      }),
    ),
    ip: Type.Optional(
      Type.Union([Type.String({ format: "ipv4" }), Type.String({ maxLength: 45, format: "ipv6" }), Type.Null()], {
        description: "The client's address (IPv4 or IPv6), kept as the token's last use; a token with allowed_ips is refused without it (ip_not_allowed)",
      }),
    ),
  },
  { additionalProperties: false },
);

export const VerifyResult = Type.Object({
  allowed: Type.Boolean(),
  status: Type.Integer(),
  code: Type.String(),
  message: Type.String(),
  required: Type.Optional(Type.String()),
  secret: Type.Optional(
    Type.Union([Type.Literal("current"), Type.Literal("previous")], {
      description: "Allowed answers: which secret was presented (previous: one a rotation replaced, still in its grace)",
    }),
  ),
  retry_after_seconds: Type.Optional(
    Type.Integer({ description: "rate_limited, credits_exhausted (with a refill), limits_unavailable: whole seconds to wait" }),
  ),
  window: Type.Optional(Type.String({ description: "rate_limited by a token's window: its name" })),
  cacheable: Type.Optional(
    Type.Boolean({ description: "Allowed answers: false when the token has rate limits or credits (do not reuse the answer; every request must be counted)" }),
  ),
  token: Type.Optional(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      account_id: Type.String(),
      scopes: Type.Array(Type.String()),
      has_full: Type.Boolean(),
      domains: Type.Union([Type.Literal("all"), Type.Array(Type.Object({ id: Type.String(), name: Type.String() }))]),
      expires_at: Type.Union([Type.String(), Type.Null()]),
      secret: Type.Union([Type.Literal("current"), Type.Literal("previous")]),
      ancestor_ids: Type.Array(Type.String(), {
        description:
          "The tokens this one descends from, nearest first (parent, then its parent...); empty for a root. A change event naming any of them concerns this token too (drop its cached decisions)",
      }),
      valid_until: Type.Union([Type.String(), Type.Null()], {
        description:
          "RFC 3339: from this instant the allow no longer holds by the clock alone (the earliest of expires_at, an ancestor's expiry and a previous secret's grace end), or null. Do not reuse the answer from then on",
      }),
    }),
  ),
});

/**
 * Registers POST /v1/verify.
 *
 * @param verifyKey when set, callers must send it in `X-Latchkey-Verify-Key` (401 verify_key_invalid).
 */
export function registerVerify(app: App, latchkey: Latchkey, verifyKey: string | null): void {
  const expectedDigest = verifyKey === null ? null : createHash("sha256").update(verifyKey).digest();
  app.post(
    "/v1/verify",
    {
      childLoggerFactory: lazyChildLoggerFactory,
      schema: {
        security: VERIFY_KEY_SECURITY_OPTIONAL,
        summary: "Verify a token for a request",
        description:
          'Always 200 with the decision as data; `status` is what the protected API should answer (README, "Verify outcomes"). Failed guesses are counted per client address; past the limit the answer is `status: 429, code: rate_limited, retry_after_seconds`. Over a token\'s window or credits: `status: 429`, `rate_limited` (with `window`) or `credits_exhausted`.',
        operationId: "verifyToken",
        tags: ["verify"],
        body: VerifyBody,
        response: { 200: VerifyResult, 401: { $ref: "Error#" }, 422: { $ref: "Error#" }, 429: { $ref: "Error#" } },
      },
    },
    async (request, reply) => {
      const startedAt = performance.now();
      const observe = (code: ErrorCode | "ok"): void => latchkey.observer.verification("verify", code, (performance.now() - startedAt) / 1000);
      if (expectedDigest !== null && !hasVerifyKey(request, expectedDigest)) await refuseGuess(request, new ServiceError("verify_key_invalid"));
      const { token, method, area, domain, cost, ip } = request.body;
      // verifySync: a cached answer comes back without a promise and its ticks (issue 18).
      const answer = latchkey.verifySync({
        token,
        method,
        area,
        domain: domain ?? null,
        ...(cost === undefined ? {} : { cost }),
        ip: ip ?? null,
        clientIp: ip ?? request.ip,
      });
      const decision = answer instanceof Promise ? await answer : answer;
      if (!decision.allowed) {
        if (decision.code === "token_malformed" || decision.code === "token_unknown") {
          const count = await request.server.latchkeyFailures.recordFailure(request.ip);
          // The failed-guess limiter answers as any decision does (issue 14), as data.
          if (count.limited) {
            observe("rate_limited");
            latchkey.observer.rateLimitRefusal("failed_attempts", "rate_limited");
            return {
              allowed: false,
              status: 429,
              code: "rate_limited",
              message: "Too many failed attempts from this address. Try again later.",
              retry_after_seconds: count.retryAfterSeconds,
            };
          }
        }
        observe(decision.costNeverFits === true ? "validation_failed" : decision.code);
        if (decision.costNeverFits === true) throw validationError({ cost: [decision.message ?? "More than this token's credits can ever cover."] });
        return {
          allowed: false,
          status: decision.status,
          code: decision.code,
          message: decision.message ?? ERROR_CATALOG[decision.code].message,
          ...(decision.required !== undefined ? { required: decision.required } : {}),
          ...(decision.retryAfterSeconds !== undefined ? { retry_after_seconds: decision.retryAfterSeconds } : {}),
          ...(decision.window !== undefined ? { window: decision.window } : {}),
        };
      }
      observe("ok");
      // An allowed answer depends on the token's record alone, and a record is never changed (a
      // change replaces it in the verifier's cache): its JSON is made once and sent as it is.
      let body = allowedBodies.get(decision.record);
      if (body === undefined) {
        body = JSON.stringify(allowedBody(latchkey, decision.record));
        allowedBodies.set(decision.record, body);
      }
      return reply.type("application/json; charset=utf-8").send(body);
    },
  );
}

/** The JSON of allowed answers, by the record they describe (collected with it). */
const allowedBodies = new WeakMap<TokenRecord, string>();

/** An allowed answer, its keys in the order of {@link VerifyResult} (the order its serializer writes). */
function allowedBody(latchkey: Latchkey, record: TokenRecord): Static<typeof VerifyResult> {
  return {
    allowed: true,
    status: 200,
    code: "ok",
    message: "Allowed.",
    secret: record.secret,
    cacheable: record.limits == null,
    token: {
      id: record.id,
      name: record.name,
      account_id: record.accountId,
      scopes: scopeStrings(latchkey.catalogue, record.permissions),
      has_full: record.permissions.hasFull,
      domains: record.allDomains ? ("all" as const) : record.domains.map((d) => ({ id: d.id, name: d.name })),
      expires_at: record.expiresAtMillis === null ? null : new Date(record.expiresAtMillis).toISOString(),
      secret: record.secret,
      ancestor_ids: [...record.ancestorIds],
      valid_until: isoOrNull(validUntilMillis(record)),
    },
  };
}
