/**
 * POST /v1/token: create a token; 201 with the secret as `accessToken`, the only time it is shown.
 * Needs tokens_full; a token cannot grant beyond itself (403 ceiling_exceeded).
 */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import { requireStepUp } from "../session-user.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY } from "../request-actor.js";
import { TokenSchema, tokenToWire } from "../wire-format.js";
import { CreditsSchema, RateLimitsSchema } from "./usage-limits.js";

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ maxLength: 1000, description: "1 to 50 characters after trimming; no control, bidirectional-control or invisible characters; something visible" }),
    scopes: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 200, description: "Custom access: scope strings such as domains_read" })),
    has_full: Type.Optional(Type.Boolean({ description: "Full access" })),
    domain_id: Type.Optional(Type.String({ maxLength: 100, description: "One domain id (MailerSend's field)" })),
    domains: Type.Optional(Type.Union([Type.Literal("all"), Type.Array(Type.String({ maxLength: 100 }), { maxItems: 1000 })], { description: '"all" (default) or domain ids' })),
    expires_at: Type.Optional(Type.String({ maxLength: 64, description: "RFC 3339 date-time with offset, or YYYY-MM-DD (through the end of that UTC day)" })),
    not_before: Type.Optional(Type.String({ maxLength: 64, description: "RFC 3339 date-time with offset: refused before it (token_not_yet_valid). Immutable" })),
    allowed_ips: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 1000, description: "IPv4/IPv6 addresses and CIDR ranges (no host bits, no zone) it may be used from (ip_not_allowed otherwise). Immutable" })),
    rate_limits: Type.Optional(RateLimitsSchema),
    credits: Type.Optional(CreditsSchema),
    canary: Type.Optional(Type.Boolean({ description: "A canary token: grants nothing, is refused as unknown, and every use is reported (canary.used). Scopes are ignored." })),
  },
  { additionalProperties: false },
);

export function registerTokenCreate(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): void {
  app.post(
    "/v1/token",
    {
      schema: {
        operationId: "createToken", summary: "Create an API token",
        tags: ["tokens"],
        security: BEARER_SECURITY,
        body: CreateTokenBody,
        response: { 201: Type.Object({ data: Type.Intersect([TokenSchema, Type.Object({ accessToken: Type.String() })]) }), ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const body = request.body;
      // A Full access token through a session needs a recent second factor (issue 16, step-up).
      if (body.has_full === true && actor.principal.kind === "user") await requireStepUp(latchkey, request, actor.principal.userId);
      const { token, secret } = await latchkey.tokens.create(actor, {
        name: body.name,
        ...(body.scopes !== undefined ? { scopes: body.scopes } : {}),
        ...(body.has_full !== undefined ? { hasFull: body.has_full } : {}),
        ...(body.domain_id !== undefined ? { domainId: body.domain_id } : {}),
        ...(body.domains !== undefined ? { domains: body.domains } : {}),
        ...(body.expires_at !== undefined ? { expiresAt: body.expires_at } : {}),
        ...(body.not_before !== undefined ? { notBefore: body.not_before } : {}),
        ...(body.allowed_ips !== undefined ? { allowedIps: body.allowed_ips } : {}),
        ...(body.rate_limits !== undefined ? { rateLimits: body.rate_limits } : {}),
        ...(body.credits !== undefined ? { credits: body.credits } : {}),
        ...(body.canary !== undefined ? { canary: body.canary } : {}),
      });
      reply.header("cache-control", "no-store");
      return reply.code(201).send({ data: { ...tokenToWire(token), accessToken: secret } });
    },
  );
}
