/**
 * What the Users API shows of a person and an invitation, and the two checks every people-changing
 * use case makes: the actor's own ceiling must cover any role they give or touch (a token with
 * `users_full` cannot make an Admin, nor can a Custom User), through {@link exceedsCeiling}.
 */
import type { Catalogue } from "../core/catalogue.js";
import { roleGrant, type Role } from "../core/roles.js";
import { exceedsCeiling, type Grant } from "../core/token-ceiling.js";
import type { DomainsTable, InvitesTable } from "../store/database-schema.js";
import type { TeamUserRow } from "../store/team-store.js";
import type { ActorContext, Principal } from "./principal.js";
import { ServiceError } from "./service-error.js";
import { roleOfRow } from "./user-service.js";

/** A domain as a person's or an invitation's role names it. */
export interface RoleDomain {
  readonly id: string;
  readonly name: string;
  /** RFC 3339 UTC. */
  readonly createdAt: string;
}

/** A person of the account as the Users API shows them (never a password hash). */
export interface TeamUser {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  /** The role's domains (null: all), each with its name; ids of domains removed since are left out. */
  readonly domains: readonly RoleDomain[] | null;
  /** RFC 3339 UTC. */
  readonly createdAt: string;
  /** Last change of role, or the creation instant. */
  readonly updatedAt: string;
}

/** A pending invitation (never its code, which exists only in the create and resend answers). */
export interface Invite {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  readonly domains: readonly RoleDomain[] | null;
  /** `user:<id>`, `token:<id>` or `cli`. */
  readonly invitedBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When the code in force stops working: seven days after it was made. */
  readonly expiresAt: string;
}

function domainsOf(role: Role, known: readonly DomainsTable[]): RoleDomain[] | null {
  if (role.domainIds === null) return null;
  const byId = new Map(known.map((d) => [d.id, d]));
  return role.domainIds.flatMap((id) => {
    const d = byId.get(id);
    return d === undefined ? [] : [{ id: d.id, name: d.name, createdAt: d.created_at }];
  });
}

/** A stored person with their domains' names (`known`: the account's domains). */
export function teamUserOf(row: TeamUserRow, known: readonly DomainsTable[]): TeamUser {
  const role = roleOfRow(row);
  return { id: row.id, email: row.email, role, domains: domainsOf(role, known), createdAt: row.created_at, updatedAt: row.updated_at ?? row.created_at };
}

/** A stored invitation with its domains' names. */
export function inviteOf(row: InvitesTable, known: readonly DomainsTable[]): Invite {
  const role = roleOfRow(row);
  return { id: row.id, email: row.email, role, domains: domainsOf(role, known), invitedBy: row.invited_by, createdAt: row.created_at, updatedAt: row.updated_at, expiresAt: row.expires_at };
}

/** The actor's own ceiling: a token's grant, a person's role; null for the operator (no ceiling). */
export function actorGrant(catalogue: Catalogue, principal: Principal): Grant | null {
  if (principal.kind === "operator") return null;
  if (principal.kind === "user") return roleGrant(catalogue, principal.role);
  const record = principal.record;
  return { permissions: record.permissions, allDomains: record.allDomains, domainIds: record.domains.map((d) => d.id), expiresAtMillis: null };
}

/**
 * Requires that the actor's ceiling covers a role (one they give, or the current role of whom they
 * change or remove).
 *
 * @throws ServiceError ceiling_exceeded, `lacking` naming the scopes and domains missing.
 */
export function requireRoleWithin(catalogue: Catalogue, actor: ActorContext, role: Role): void {
  const own = actorGrant(catalogue, actor.principal);
  if (own === null) return;
  const lacking = exceedsCeiling(catalogue, own, roleGrant(catalogue, role));
  if (lacking.length === 0) return;
  const who = actor.principal.kind === "user" ? `Your role (${actor.principal.role.name})` : "This token";
  throw new ServiceError("ceiling_exceeded", { message: `${who} cannot give or manage the role ${role.name}; it lacks: ${lacking.join(", ")}.`, lacking });
}

/** A role in its stored columns (users / invites, migration 0009). */
export function storedRole(role: Role): { role: string; permissions: string | null; domains: string | null } {
  return { role: role.name, permissions: role.name === "Custom User" ? JSON.stringify(role.scopes) : null, domains: role.domainIds === null ? null : JSON.stringify(role.domainIds) };
}
