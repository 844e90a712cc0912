/**
 * Who is acting, and the checks of what they may do. Every use case takes a {@link ActorContext}
 * and calls these checks itself, so no caller (HTTP, CLI, dashboard) can bypass them.
 */
import { levelRank, type Catalogue, type Level } from "../core/catalogue.js";
import { levelHeld, requiredScope } from "../core/permissions.js";
import { rolePermissions, type Role } from "../core/roles.js";
import type { TokenRecord } from "../core/verify-decision.js";
import { ServiceError } from "./service-error.js";

/**
 * The actor: an API token (limited by its permissions, domains and ceiling), a signed-in dashboard
 * user (limited by their role, src/core/roles.ts; an Admin acts for the whole account) or the local
 * operator at the CLI (the whole account).
 */
export type Principal =
  | { readonly kind: "token"; readonly record: TokenRecord }
  | { readonly kind: "user"; readonly userId: string; readonly accountId: string; readonly email: string; readonly role: Role }
  | { readonly kind: "operator"; readonly accountId: string };

/** The actor and where the request came from (for the audit log). */
export interface ActorContext {
  readonly principal: Principal;
  /** Client address, or null (the CLI). */
  readonly ip: string | null;
}

/** The account the actor acts for. */
export function accountOf(principal: Principal): string {
  return principal.kind === "token" ? principal.record.accountId : principal.accountId;
}

/** `token:<id>`, `user:<id>` or `cli`: how the audit log and `created_by` name an actor. */
export function actorRef(principal: Principal): { type: "token" | "user" | "cli"; id: string | null } {
  if (principal.kind === "token") return { type: "token", id: principal.record.id };
  if (principal.kind === "user") return { type: "user", id: principal.userId };
  return { type: "cli", id: null };
}

/**
 * Requires a level on an area. The operator passes; a token must hold it; a person's role must hold
 * it, except on `tokens`: every person may create and manage tokens, within their role (the ceiling
 * of TokenService; docs/teams.md).
 *
 * @throws ServiceError scope_missing, with `required` naming the scope string needed.
 */
export function requireLevel(catalogue: Catalogue, principal: Principal, area: string, level: Exclude<Level, "none">): void {
  if (principal.kind === "operator") return;
  if (principal.kind === "user") {
    if (area === "tokens") return;
    if (levelRank(levelHeld(catalogue, rolePermissions(catalogue, principal.role), area)) >= levelRank(level)) return;
    const required = requiredScope(catalogue, area, level) ?? `${area}_${level}`;
    throw new ServiceError("scope_missing", { message: `Your role (${principal.role.name}) lacks the ${required} permission this needs.`, required });
  }
  if (levelRank(levelHeld(catalogue, principal.record.permissions, area)) >= levelRank(level)) return;
  const required = requiredScope(catalogue, area, level) ?? `${area}_${level}`;
  throw new ServiceError("scope_missing", { message: `This token lacks the ${required} permission this request needs.`, required });
}

/**
 * Requires that the actor may use every domain (adding and removing domains changes what "all
 * domains" means, so a domain-limited token may not).
 *
 * @throws ServiceError all_domains_required.
 */
export function requireAllDomains(principal: Principal): void {
  if (principal.kind === "token" && !principal.record.allDomains) throw new ServiceError("all_domains_required");
  if (principal.kind === "user" && principal.role.domainIds !== null) throw new ServiceError("all_domains_required", { message: "Only a person whose role covers all domains may add or remove domains." });
}
