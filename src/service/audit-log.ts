/**
 * The audit log: one event per management action (who, what, when, which token or domain, from which
 * address), written in the same transaction as the change it records. Details never hold a secret.
 */
import type { Clock } from "../core/clock.js";
import type { AuditEventsTable } from "../store/database-schema.js";
import type { PageRequest, Store } from "../store/store.js";
import { listAuditEventsPage, type AuditViewer, type KeysetPageRequest } from "../store/keyset-list-store.js";
import { lineagePathOf } from "../store/token-lineage-store.js";
import type { IdFactory } from "./id-factory.js";
import { keysetRequestOf, redactEventsFor } from "./token-visibility.js";
import { accountOf, actorRef, type ActorContext } from "./principal.js";

/** An audit event as callers see it. */
export interface AuditEvent {
  readonly id: string;
  readonly accountId: string;
  readonly actor: { readonly type: string; readonly id: string | null };
  /** `token.create`, `token.rename`, `token.pause`, `token.unpause`, `token.delete`, `domain.create`, `domain.delete`, `account.create`, `user.create`. */
  readonly action: string;
  readonly target: { readonly type: string; readonly id: string };
  readonly ip: string | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
}

/**
 * Appends an event inside the caller's transaction `tx`. For an event about a token, also keeps that
 * token's lineage (`targetLineage`, read here when not given), so that the tokens above it still see
 * the event once it is deleted (token-visibility.ts).
 */
export async function recordAuditEvent(
  tx: Store,
  ids: IdFactory,
  clock: Clock,
  actor: ActorContext,
  event: { action: string; targetType: string; targetId: string; details?: Record<string, unknown>; accountId?: string; targetLineage?: string | null },
): Promise<void> {
  const who = actorRef(actor.principal);
  const accountId = event.accountId ?? accountOf(actor.principal);
  // An event about a token keeps the token's lineage, read while it still exists (a delete passes it).
  const targetLineage = event.targetType !== "token" ? null : event.targetLineage !== undefined ? event.targetLineage : await lineagePathOf(tx, accountId, event.targetId);
  await tx.insertAuditEvent({
    id: ids("auditEvent"),
    account_id: accountId,
    target_lineage: targetLineage,
    actor_type: who.type,
    actor_id: who.id,
    action: event.action,
    target_type: event.targetType,
    target_id: event.targetId,
    ip: actor.ip,
    details: JSON.stringify(event.details ?? {}),
    created_at: new Date(clock.nowMillis()).toISOString(),
  });
}

/**
 * Reads a page of an account's events as `viewer` may see them (null: a user or the operator, who see
 * all), newest first; a token's page is filtered and redacted (token-visibility.ts).
 */
export async function listAuditEvents(
  store: Store,
  accountId: string,
  viewer: AuditViewer | null,
  page: PageRequest | KeysetPageRequest,
): Promise<{ events: AuditEvent[]; total: number; offset: number; hasMore: boolean }> {
  const { rows, total, offset, hasMore } = await listAuditEventsPage(store, accountId, viewer, keysetRequestOf(page));
  const shown = viewer === null ? rows : await redactEventsFor(store, accountId, viewer, rows);
  return { events: shown.map(eventOfRow), total, offset, hasMore };
}

function eventOfRow(row: AuditEventsTable): AuditEvent {
  return {
    id: row.id,
    accountId: row.account_id,
    actor: { type: row.actor_type, id: row.actor_id },
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    ip: row.ip,
    details: JSON.parse(row.details) as Record<string, unknown>,
    createdAt: row.created_at,
  };
}
