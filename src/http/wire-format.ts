/**
 * The wire shapes of DESIGN.md: how tokens, domains, audit events and pages look in JSON. Each
 * TypeBox schema here is both the response description in /openapi.json and the type the mapper
 * returns, so the two cannot drift.
 */
import { Type, type Static } from "typebox";
import { SEED_CATALOGUE, type Catalogue } from "../core/catalogue.js";
import { roleScopes } from "../core/roles.js";
import type { AuditEvent } from "../service/audit-log.js";
import type { DomainDetails } from "../service/domain-service.js";
import type { TokenDetails } from "../service/token-view.js";
import type { ActiveSession } from "../service/user-service.js";

export const DomainRefSchema = Type.Object({ id: Type.String(), name: Type.String() });

export const TokenSchema = Type.Object(
  {
    id: Type.String({ examples: ["tok_01jdz8k3q4m5n6p7r8s9t0v1w2"] }),
    name: Type.String(),
    status: Type.Union([Type.Literal("unpause"), Type.Literal("pause")], { description: "unpause: active; pause: paused" }),
    scopes: Type.Array(Type.String(), { description: "One scope string per area at the level held" }),
    has_full: Type.Boolean({ description: "Full access: every area at its highest level, later areas included" }),
    domains: Type.Union([Type.Literal("all"), Type.Array(DomainRefSchema)]),
    domain: Type.Union([DomainRefSchema, Type.Null()], { description: "The domain when there is exactly one, else null" }),
    preview: Type.String({ description: "Non-secret preview of the secret" }),
    expires_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
    created_at: Type.String({ format: "date-time" }),
    updated_at: Type.String({ format: "date-time" }),
    last_used_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()], { description: "Last use of the token by either secret (after a rotation: the later of the new and the old secret's, previous_secret.last_used_at); recorded in batches, about once a minute" }),
    not_before: Type.Union([Type.String({ format: "date-time" }), Type.Null()], { description: "Refused before this instant (token_not_yet_valid); null: from creation" }),
    allowed_ips: Type.Union([Type.Array(Type.String()), Type.Null()], { description: "Client addresses and CIDR ranges it may be used from (ip_not_allowed otherwise); null: any" }),
    previous_secret: Type.Union(
      [
        Type.Object({
          preview: Type.String(),
          valid_until: Type.String({ format: "date-time", description: "Refused from this instant (token_rotated)" }),
          last_used_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
        }),
        Type.Null(),
      ],
      { description: "The secret the last rotation replaced, while kept" },
    ),
    canary: Type.Optional(Type.Literal(true, { description: "Present on canary tokens only: grants nothing, every use reported (docs/webhooks.md)" })),
  },
  { $id: "Token" },
);
export type TokenWire = Static<typeof TokenSchema>;

/** A token's wire form. */
export function tokenToWire(token: TokenDetails): TokenWire {
  const domains = token.domains.map((d) => ({ id: d.id, name: d.name }));
  return {
    id: token.id,
    name: token.name,
    status: token.paused ? "pause" : "unpause",
    scopes: [...token.scopes],
    has_full: token.hasFull,
    domains: token.allDomains ? "all" : domains,
    domain: !token.allDomains && domains.length === 1 ? (domains[0] ?? null) : null,
    preview: token.preview,
    expires_at: token.expiresAt,
    created_at: token.createdAt,
    updated_at: token.updatedAt,
    last_used_at: token.lastUsedAt,
    not_before: token.notBefore,
    allowed_ips: token.allowedIps === null ? null : [...token.allowedIps],
    previous_secret: token.previousSecret === null ? null : { preview: token.previousSecret.preview, valid_until: token.previousSecret.validUntil, last_used_at: token.previousSecret.lastUsedAt },
    ...(token.canary ? { canary: true as const } : {}),
  };
}

export const DomainSchema = Type.Object({ id: Type.String(), name: Type.String(), created_at: Type.String({ format: "date-time" }) }, { $id: "Domain" });

/** A domain's wire form. */
export function domainToWire(domain: DomainDetails): Static<typeof DomainSchema> {
  return { id: domain.id, name: domain.name, created_at: domain.createdAt };
}

export const AuditEventSchema = Type.Object(
  {
    id: Type.String(),
    action: Type.String(),
    actor: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
    target: Type.Object({ type: Type.String(), id: Type.String() }),
    ip: Type.Union([Type.String(), Type.Null()]),
    details: Type.Record(Type.String(), Type.Unknown()),
    created_at: Type.String({ format: "date-time" }),
  },
  { $id: "AuditEvent" },
);

/** An audit event's wire form. */
export function auditEventToWire(event: AuditEvent): Static<typeof AuditEventSchema> {
  return { id: event.id, action: event.action, actor: { ...event.actor }, target: { ...event.target }, ip: event.ip, details: { ...event.details }, created_at: event.createdAt };
}

export const ErrorSchema = Type.Object(
  {
    message: Type.String(),
    code: Type.String(),
    errors: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
    required: Type.Optional(Type.String()),
    lacking: Type.Optional(Type.Array(Type.String())),
  },
  { $id: "Error" },
);

export const PageQuerySchema = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 10, maximum: 100, default: 25 })),
});

/** The query of a keyset-paginated list (page-cursor.ts): MailerSend's `page` and `limit`, or a `cursor`. */
export const KeysetPageQuerySchema = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  limit: Type.Optional(Type.Integer({ minimum: 10, maximum: 100, default: 25 })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: "From links.next or links.prev: continues after or before a row, never skipping or repeating one while the list changes. Not with page." })),
});

/** A paginated list's schema (DESIGN.md: `{data, links, meta}`, MailerSend's/Laravel's shape). */
export function pageSchema<T extends Parameters<typeof Type.Array>[0]>(item: T) {
  return Type.Object({
    data: Type.Array(item),
    links: Type.Object({
      first: Type.String(),
      last: Type.String(),
      prev: Type.Union([Type.String(), Type.Null()]),
      next: Type.Union([Type.String(), Type.Null()]),
    }),
    meta: Type.Object({
      current_page: Type.Integer(),
      from: Type.Union([Type.Integer(), Type.Null()]),
      last_page: Type.Integer(),
      path: Type.String(),
      per_page: Type.Integer(),
      to: Type.Union([Type.Integer(), Type.Null()]),
      total: Type.Integer(),
    }),
  });
}

/**
 * Builds a page body.
 *
 * @param path the list's absolute URL without query.
 * @param page 1-based page; limit: page size; total: rows in all pages.
 */
export function pageBody<T>(data: T[], path: string, page: number, limit: number, total: number) {
  const lastPage = Math.max(1, Math.ceil(total / limit));
  const link = (p: number): string => `${path}?page=${p}&limit=${limit}`;
  const from = data.length === 0 ? null : (page - 1) * limit + 1;
  return {
    data,
    links: { first: link(1), last: link(lastPage), prev: page > 1 ? link(Math.min(page - 1, lastPage)) : null, next: page < lastPage ? link(page + 1) : null },
    meta: { current_page: page, from, last_page: lastPage, path, per_page: limit, to: from === null ? null : from + data.length - 1, total },
  };
}

/** The `{id}` of a token route. */
export const TokenIdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });

/** The `{id}` of a domain route. */
export const DomainIdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });

/** A token's status as PUT /v1/token/{id} and its settings take it: pause or resume. */
export const TokenStatus = Type.Union([Type.Literal("pause"), Type.Literal("unpause")]);

export const SessionSchema = Type.Object(
  {
    user: Type.Object({
      id: Type.String(),
      email: Type.String(),
      role: Type.String({ description: "Admin, Manager, Designer, Accountant or Custom User (docs/teams.md)" }),
      account_id: Type.String(),
      permissions: Type.Optional(Type.Array(Type.String(), { description: "The role's scope strings: the ceiling of the tokens this person may create" })),
      domains: Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()], { description: "Domain ids the role is limited to; null: all domains" })),
    }),
    csrf_token: Type.String({ description: "Send it back as X-CSRF-Token on every POST, PUT, PATCH and DELETE made with the cookie" }),
    expires_at: Type.String({ format: "date-time" }),
    two_factor: Type.Optional(Type.Object({ enabled: Type.Boolean(), required: Type.Boolean({ description: "The account policy requires it of this user; until it is on, other routes answer 403 two_factor_enrollment_required" }) })),
  },
);

/** A session's wire form (never its secret, which only the cookie carries). */
export function sessionToWire(session: ActiveSession, catalogue: Catalogue = SEED_CATALOGUE): Static<typeof SessionSchema> {
  const { user } = session;
  return {
    user: { id: user.id, email: user.email, role: user.role, account_id: user.accountId, permissions: roleScopes(catalogue, user.roleGrant), domains: user.roleGrant.domainIds === null ? null : [...user.roleGrant.domainIds] },
    csrf_token: session.csrfToken,
    expires_at: session.expiresAt,
    ...(session.twoFactor === undefined ? {} : { two_factor: { enabled: session.twoFactor.enabled, required: session.twoFactor.required } }),
  };
}
