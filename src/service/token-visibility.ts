/**
 * What an actor may see and manage (issue 10, docs/security.md "Visibility"). A token sees and
 * manages only its own subtree (itself and the tokens made under it), and of that only tokens whose
 * domains lie within its own; it sees only its domains, only audit events about what it may see, and
 * events about people only with `users_read`. An event shows no more of another token than that
 * token's own show would: a token the viewer cannot see appears as `{type: "token", id: null}`, and
 * no address is shown but the viewer's own and (with `users_read`) people's. Users and the operator
 * see the whole account.
 */
import type { Catalogue } from "../core/catalogue.js";
import { levelRank } from "../core/catalogue.js";
import { levelHeld } from "../core/permissions.js";
import type { AuditEventsTable } from "../store/database-schema.js";
import { visibleAmong, type AuditViewer, type KeysetPageRequest, type PagePosition } from "../store/keyset-list-store.js";

/** The page request and position of a keyset list, as the HTTP layer builds them (it does not reach into the store). */
export type { KeysetPageRequest, PagePosition };
import type { PageRequest, Store } from "../store/store.js";
import type { TokenViewer } from "../store/token-lineage-store.js";
import type { Principal } from "./principal.js";

/** The token viewer of a principal, or null for a user or the operator (who see the whole account). */
export function tokenViewerOf(principal: Principal): TokenViewer | null {
  if (principal.kind !== "token") return null;
  const { record } = principal;
  return { tokenId: record.id, domainIds: record.allDomains ? null : record.domains.map((d) => d.id) };
}

/** The audit viewer of a principal, or null for a user or the operator. */
export function auditViewerOf(catalogue: Catalogue, principal: Principal): AuditViewer | null {
  const token = tokenViewerOf(principal);
  if (token === null || principal.kind !== "token") return null;
  return { token, usersRead: levelRank(levelHeld(catalogue, principal.record.permissions, "users")) >= levelRank("read") };
}

/** A page request of either kind as a keyset request (a plain `{page, limit}` is an offset). */
export function keysetRequestOf(request: PageRequest | KeysetPageRequest): KeysetPageRequest {
  if ("position" in request) return request;
  const position: PagePosition = { kind: "page", page: request.page };
  return { limit: request.limit, position };
}

/**
 * Hides, in a page of events a token reads, what that token may not see of others: the id of an
 * acting token outside its view, and every address but its own and (with `users_read`) people's.
 */
export async function redactEventsFor(store: Store, accountId: string, viewer: AuditViewer, rows: AuditEventsTable[]): Promise<AuditEventsTable[]> {
  const actingTokens = rows.filter((r) => r.actor_type === "token" && r.actor_id !== null && r.actor_id !== viewer.token.tokenId).map((r) => r.actor_id as string);
  const seen = await visibleAmong(store, accountId, viewer.token, actingTokens);
  return rows.map((row) => {
    const own = row.actor_type === "token" && row.actor_id === viewer.token.tokenId;
    const person = row.actor_type === "user";
    const actorId = row.actor_type !== "token" || own || (row.actor_id !== null && seen.has(row.actor_id)) ? row.actor_id : null;
    const ip = own || (person && viewer.usersRead) ? row.ip : null;
    return actorId === row.actor_id && ip === row.ip ? row : { ...row, actor_id: actorId, ip };
  });
}
