/**
 * The reach of a webhook endpoint made by an API token (break-test finding F7; docs/webhooks.md,
 * "Endpoints made by a token stay within its reach"): each endpoint keeps its maker's lineage
 * (`maker_lineage`, `/<root id>/.../<maker id>/`, or null for a person or the operator). An endpoint a
 * token made hears only events about that token's subtree, and only tokens whose id is on that
 * lineage (the maker and the tokens above it) may manage it.
 */
import type { AuditEventsTable, WebhooksTable } from "../store/database-schema.js";
import type { ActorContext } from "./principal.js";

/**
 * Whether an endpoint may hear an event (finding F7): one made by a person or the operator
 * (`makerLineage` null) hears every event of the account; one made by an API token only events about
 * tokens of that token's subtree (the event's `target_lineage` passes through the maker's id), as
 * that token would see them (webhooks_full is held for all domains only, so its view is its subtree).
 */
export function inMakersReach(makerLineage: string | null | undefined, audit: Pick<AuditEventsTable, "target_type" | "target_lineage">): boolean {
  if (makerLineage === null || makerLineage === undefined) return true;
  const makerId = makerLineage
    .split("/")
    .filter((part) => part !== "")
    .at(-1);
  return makerId !== undefined && audit.target_type === "token" && typeof audit.target_lineage === "string" && audit.target_lineage.includes(`/${makerId}/`);
}

/** The token whose subtree bounds what an actor may manage, or null (a person or the operator: every endpoint). */
export function managerTokenOf(actor: ActorContext): string | null {
  return actor.principal.kind === "token" ? actor.principal.record.id : null;
}

/**
 * Who may manage an endpoint (finding F7; docs/webhooks.md, "Who may"): people and the operator, any
 * endpoint; a token, only endpoints made by itself or by a token of its subtree (its id is on the
 * maker's lineage), never one made by a person, the operator, a token above it or a sibling.
 */
export function mayManage(managerTokenId: string | null, row: Pick<WebhooksTable, "maker_lineage">): boolean {
  if (managerTokenId === null) return true;
  return typeof row.maker_lineage === "string" && row.maker_lineage.includes(`/${managerTokenId}/`);
}
