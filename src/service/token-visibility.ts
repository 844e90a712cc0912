/**
 * What an actor may see and manage (issue 10, docs/security.md "Visibility"; F14, docs/teams.md "What
 * a person sees"). A token sees and manages only its own subtree (itself and the tokens made under
 * it), and of that only tokens whose domains lie within its own; it sees only its domains, only audit
 * events about what it may see, and events about people only with `users_read`. A signed-in person
 * other than an Admin sees and manages the tokens within their role: no Full access, no scope beyond
 * the role's areas and levels (src/core/roles.ts roleReachScopes), and (a domain-limited role) only
 * tokens limited to the role's domains, never an all-domains token; in the audit log the same rules,
 * plus every event about themselves or done by them. An event shows no more of another token than
 * that token's own show would: a token the viewer cannot see appears as `{type: "token", id: null}`,
 * and no address is shown but the viewer's own and (with `users_read`) people's. Admins and the
 * operator see the whole account.
 */
import type { Catalogue } from "../core/catalogue.js";
import { levelRank, SEED_CATALOGUE } from "../core/catalogue.js";
import { roleReachScopes, rolePermissions } from "../core/roles.js";
import { levelHeld } from "../core/permissions.js";
import type { AuditEventsTable } from "../store/database-schema.js";
import { visibleAmong, type AuditViewer, type KeysetPageRequest, type PagePosition } from "../store/keyset-list-store.js";

/** The page request and position of a keyset list, as the HTTP layer builds them (it does not reach into the store). */
export type { KeysetPageRequest, PagePosition };
import type { PageRequest, Store } from "../store/store.js";
import type { TokenViewer } from "../store/token-lineage-store.js";
import type { Principal } from "./principal.js";

/**
 * The token viewer of a principal: a token's (its subtree and domains), a person's (their role's
 * scopes and domains; see the file's docstring), or null for an Admin or the operator (who see the
 * whole account).
 *
 * @param catalogue the catalogue in force, to read a person's role by (default: the seed's; pass the
 *   service's own, as a replaced catalogue has other areas).
 */
export function tokenViewerOf(principal: Principal, catalogue: Catalogue = SEED_CATALOGUE): TokenViewer | null {
  if (principal.kind === "operator") return null;
  if (principal.kind === "user") {
    const reachScopes = roleReachScopes(catalogue, principal.role);
    if (reachScopes === null) return null;
    return { tokenId: null, domainIds: principal.role.domainIds, person: { userId: principal.userId, reachScopes } };
  }
  const { record } = principal;
  return { tokenId: record.id, domainIds: record.allDomains ? null : record.domains.map((d) => d.id) };
}

/** The audit viewer of a principal (a token or a person other than an Admin), or null for an Admin or the operator. */
export function auditViewerOf(catalogue: Catalogue, principal: Principal): AuditViewer | null {
  const token = tokenViewerOf(principal, catalogue);
  if (token === null || principal.kind === "operator") return null;
  const permissions = principal.kind === "token" ? principal.record.permissions : rolePermissions(catalogue, principal.role);
  return { token, usersRead: levelRank(levelHeld(catalogue, permissions, "users")) >= levelRank("read") };
}

/** A page request of either kind as a keyset request (a plain `{page, limit}` is an offset). */
export function keysetRequestOf(request: PageRequest | KeysetPageRequest): KeysetPageRequest {
  if ("position" in request) return request;
  const position: PagePosition = { kind: "page", page: request.page };
  return { limit: request.limit, position };
}

/**
 * Hides, in a page of events a token or a person reads, what they may not see of others: the id of an
 * acting token outside their view, and every address but their own and (with `users_read`) people's.
 */
export async function redactEventsFor(store: Store, accountId: string, viewer: AuditViewer, rows: AuditEventsTable[]): Promise<AuditEventsTable[]> {
  const actingTokens = rows.filter((r) => r.actor_type === "token" && r.actor_id !== null && r.actor_id !== viewer.token.tokenId).map((r) => r.actor_id as string);
  const seen = await visibleAmong(store, accountId, viewer.token, actingTokens);
  return rows.map((row) => {
    const own =
      row.actor_id !== null &&
      (row.actor_type === "token" ? row.actor_id === viewer.token.tokenId : row.actor_type === "user" && row.actor_id === viewer.token.person?.userId);
    const person = row.actor_type === "user";
    const actorId = row.actor_type !== "token" || own || (row.actor_id !== null && seen.has(row.actor_id)) ? row.actor_id : null;
    const ip = own || (person && viewer.usersRead) ? row.ip : null;
    return actorId === row.actor_id && ip === row.ip ? row : { ...row, actor_id: actorId, ip };
  });
}
