/**
 * Wire shapes of the Users API (issue 16), as MailerSend's API and its official SDK's UserModule use
 * them: a user (`id, avatar, email, name, last_name, 2fa, created_at, updated_at, role, permissions,
 * domains, templates`) and an invite (`id, email, data: {role, permissions, templates, domains,
 * requires_periodic_password_change}, created_at, updated_at, expires_at`). `permissions` are
 * latchkey's scope strings (the role's areas; docs/teams.md). Bodies are checked by the services, so
 * every problem is a 422 naming its field.
 */
import { Type, type Static } from "typebox";
import type { Catalogue } from "../../core/catalogue.js";
import { roleScopes } from "../../core/roles.js";
import type { Invite, RoleDomain, TeamUser } from "../../service/team-view.js";

const RoleDomainSchema = Type.Object({ id: Type.String(), name: Type.String(), created_at: Type.String({ format: "date-time" }), updated_at: Type.String({ format: "date-time" }) });

export const TeamUserSchema = Type.Object(
  {
    id: Type.String({ examples: ["usr_01jdz8k3q4m5n6p7r8s9t0v1w2"] }),
    avatar: Type.Null(),
    email: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    last_name: Type.Union([Type.String(), Type.Null()]),
    "2fa": Type.Boolean(),
    created_at: Type.String({ format: "date-time" }),
    updated_at: Type.String({ format: "date-time" }),
    role: Type.String({ description: "Admin, Manager, Designer, Accountant or Custom User" }),
    permissions: Type.Array(Type.String(), { description: "The role's scope strings: the ceiling of the tokens this person may create" }),
    domains: Type.Array(RoleDomainSchema, { description: "The domains the role is limited to; empty with all_domains" }),
    all_domains: Type.Boolean(),
    templates: Type.Array(Type.Unknown(), { description: "Always empty: latchkey has no templates" }),
  },
  { $id: "TeamUser" },
);

export const InviteSchema = Type.Object(
  {
    id: Type.String({ examples: ["inv_01jdz8k3q4m5n6p7r8s9t0v1w2"] }),
    email: Type.String(),
    data: Type.Object({
      role: Type.String(),
      permissions: Type.Array(Type.String()),
      templates: Type.Array(Type.String()),
      domains: Type.Array(Type.String(), { description: "Domain ids; empty: all domains" }),
      requires_periodic_password_change: Type.Boolean(),
    }),
    invited_by: Type.String({ description: "user:<id>, token:<id> or cli" }),
    created_at: Type.String({ format: "date-time" }),
    updated_at: Type.String({ format: "date-time" }),
    expires_at: Type.String({ format: "date-time", description: "The link works until then (7 days after it was made)" }),
  },
  { $id: "Invite" },
);

/** The answer of an invite and a resend: the invite and its one-time link. */
export const IssuedInviteSchema = Type.Intersect([
  Type.Ref("Invite"),
  Type.Object({
    invite_url: Type.String({
      description: "The invitation link with its single-use code, shown this once: <LATCHKEY_PUBLIC_URL>/invite#code=..., or the relative /invite#code=... when no public URL is set (never from the Host header)",
    }),
    mailed: Type.Boolean({ description: "Whether it was e-mailed: only with both LATCHKEY_SMTP_URL and LATCHKEY_PUBLIC_URL set" }),
  }),
]);

const domainWire = (d: RoleDomain): Static<typeof RoleDomainSchema> => ({ id: d.id, name: d.name, created_at: d.createdAt, updated_at: d.createdAt });

export function teamUserToWire(catalogue: Catalogue, user: TeamUser): Static<typeof TeamUserSchema> {
  return {
    id: user.id,
    avatar: null,
    email: user.email,
    name: null,
    last_name: null,
    "2fa": false,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    role: user.role.name,
    permissions: roleScopes(catalogue, user.role),
    domains: (user.domains ?? []).map(domainWire),
    all_domains: user.domains === null,
    templates: [],
  };
}

export function inviteToWire(catalogue: Catalogue, invite: Invite): Static<typeof InviteSchema> {
  return {
    id: invite.id,
    email: invite.email,
    data: { role: invite.role.name, permissions: roleScopes(catalogue, invite.role), templates: [], domains: (invite.domains ?? []).map((d) => d.id), requires_periodic_password_change: false },
    invited_by: invite.invitedBy,
    created_at: invite.createdAt,
    updated_at: invite.updatedAt,
    expires_at: invite.expiresAt,
  };
}

/** POST /v1/users: MailerSend's UserCreate (types checked by the service, field by field). */
export const InviteBody = Type.Object(
  {
    email: Type.Optional(Type.Unknown()),
    role: Type.Optional(Type.Unknown()),
    permissions: Type.Optional(Type.Unknown()),
    templates: Type.Optional(Type.Unknown()),
    domains: Type.Optional(Type.Unknown()),
    requires_periodic_password_change: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

/** PUT /v1/users/{id}: MailerSend's UserUpdate. */
export const UpdateUserBody = Type.Object(
  {
    role: Type.Optional(Type.Unknown()),
    permissions: Type.Optional(Type.Unknown()),
    templates: Type.Optional(Type.Unknown()),
    domains: Type.Optional(Type.Unknown()),
    requires_periodic_password_change: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
