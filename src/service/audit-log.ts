/**
 * The audit log: one event per management action (who, what, when, which token or domain, from which
 * address), written in the same transaction as the change it records. Details never hold a secret.
 * The webhook outbox is derived here too (webhook-outbox.ts), so every change's event lands with it.
 */
import type { Clock } from "../core/clock.js";
import type { AuditEventsTable } from "../store/database-schema.js";
import type { PageRequest, Store } from "../store/store.js";
import { listAuditEventsPage, type AuditFilter, type AuditViewer, type KeysetPageRequest } from "../store/keyset-list-store.js";

export type { AuditFilter } from "../store/keyset-list-store.js";
import { lineagePathOf } from "../store/token-lineage-store.js";
import type { IdFactory } from "./id-factory.js";
import { keysetRequestOf, redactEventsFor } from "./token-visibility.js";
import { accountOf, actorRef, type ActorContext } from "./principal.js";
import { clearQuarantine } from "../store/webhook-store.js";
import { writeOutboxEvent } from "./webhook-outbox.js";

/** An audit event as callers see it. */
export interface AuditEvent {
  readonly id: string;
  readonly accountId: string;
  /** `token`, `user`, `cli`, `system` or `anonymous` (a failed sign-in: nobody proved who they were). */
  readonly actor: { readonly type: string; readonly id: string | null };
  /** `token.create`, `token.rename`, `token.pause`, `token.unpause`, `token.delete`, `domain.create`, `domain.delete`, `account.create`, `user.create`; by latchkey itself (actor `system`): `token.expiring`, `token.expire`, `token.leak`, `token.canary_use`, `token.rate_limit`, `webhook.disable`. */
  readonly action: string;
  readonly target: { readonly type: string; readonly id: string };
  readonly ip: string | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
}

/** What happened, for {@link recordAuditEvent} and {@link recordSystemAuditEvent}. */
export interface AuditEventInput {
  action: string;
  targetType: string;
  targetId: string;
  details?: Record<string, unknown>;
  accountId?: string;
  /** The target token's lineage; read here when not given (a delete passes it). */
  targetLineage?: string | null;
}

/**
 * Appends an event inside the caller's transaction `tx`. For an event about a token, also keeps that
 * token's lineage (`targetLineage`, read here when not given), so that the tokens above it still see
 * the event once it is deleted (token-visibility.ts). Writes its webhook event and deliveries too
 * (webhook-outbox.ts) when the action is one endpoints can subscribe to.
 */
export async function recordAuditEvent(tx: Store, ids: IdFactory, clock: Clock, actor: ActorContext, event: AuditEventInput): Promise<void> {
  const who = actorRef(actor.principal);
  await appendEvent(tx, ids, clock, { type: who.type, id: who.id }, actor.ip, event.accountId ?? accountOf(actor.principal), event);
}

/**
 * Appends an event done by latchkey itself (actor type `system`): expiry reminders, leak reports,
 * canary uses, endpoints disabled after failing. `ip` is the address behind it, if any.
 */
export async function recordSystemAuditEvent(tx: Store, ids: IdFactory, clock: Clock, accountId: string, ip: string | null, event: AuditEventInput): Promise<void> {
  await appendEvent(tx, ids, clock, { type: "system", id: null }, ip, accountId, event);
}

/**
 * Appends an event done by someone who has not proved who they are (actor type `anonymous`, no id): a
 * failed sign-in step. `details.email` holds the address tried, `ip` where it came from.
 */
export async function recordAnonymousAuditEvent(tx: Store, ids: IdFactory, clock: Clock, accountId: string, ip: string | null, event: AuditEventInput): Promise<void> {
  await appendEvent(tx, ids, clock, { type: "anonymous", id: null }, ip, accountId, event);
}

async function appendEvent(tx: Store, ids: IdFactory, clock: Clock, who: { type: string; id: string | null }, ip: string | null, accountId: string, event: AuditEventInput): Promise<void> {
  // An event about a token keeps the token's lineage, read while it still exists (a delete passes it).
  const targetLineage = event.targetType !== "token" ? null : event.targetLineage !== undefined ? event.targetLineage : await lineagePathOf(tx, accountId, event.targetId);
  const row: AuditEventsTable = {
    id: ids("auditEvent"),
    account_id: accountId,
    target_lineage: targetLineage,
    actor_type: who.type,
    actor_id: who.id,
    action: event.action,
    target_type: event.targetType,
    target_id: event.targetId,
    ip,
    details: JSON.stringify(event.details ?? {}),
    created_at: new Date(clock.nowMillis()).toISOString(),
  };
  await tx.insertAuditEvent(row);
  // A resumed token is no longer quarantined (leak-intake.ts), whoever resumed it.
  if (row.action === "token.unpause") await clearQuarantine(tx, row.target_id);
  await writeOutboxEvent(tx, ids, clock, row);
}

/**
 * Reads a page of an account's events as `viewer` may see them (null: a user or the operator, who see
 * all), newest first, narrowed by `filter` (kinds, token, person); a token's page is filtered and
 * redacted (token-visibility.ts).
 */
export async function listAuditEvents(
  store: Store,
  accountId: string,
  viewer: AuditViewer | null,
  page: PageRequest | KeysetPageRequest,
  filter: AuditFilter = {},
): Promise<{ events: AuditEvent[]; total: number; offset: number; hasMore: boolean }> {
  const { rows, total, offset, hasMore } = await listAuditEventsPage(store, accountId, viewer, keysetRequestOf(page), filter);
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
