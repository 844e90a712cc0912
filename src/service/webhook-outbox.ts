/**
 * The outbox: lifecycle events derived from audit events, in the audit event's own transaction.
 *
 * Every change already records an audit event inside its transaction (audit-log.ts). The outbox
 * hangs off that one place: for an audit action that maps to a webhook event type, it writes the
 * event and one pending delivery per enabled endpoint subscribed to it. So no change commits without
 * its event, none is lost in a crash, and actions added later (rotation, lineage) flow through as
 * soon as their audit action is named in {@link eventTypeOfAction}. With no endpoint subscribed,
 * nothing is written.
 *
 * The body (Standard Webhooks' recommended `{type, timestamp, data}`) holds the token's id, name,
 * preview and state, the actor and the audit details: never a secret (audit details never hold one).
 */
import type { Clock } from "../core/clock.js";
import type { AuditEventsTable } from "../store/database-schema.js";
import type { Store } from "../store/store.js";
import { insertEvent, subscribedWebhooks } from "../store/webhook-store.js";
import type { IdFactory } from "./id-factory.js";
import { inMakersReach } from "./webhook-reach.js";

/** Every event type an endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  "token.created",
  "token.renamed",
  "token.paused",
  "token.resumed",
  "token.rotated",
  "token.deleted",
  "token.expiring",
  "token.expired",
  "token.leaked",
  "token.rate_limited",
  "canary.used",
] as const;

/** A webhook event type. */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const EVENT_OF_ACTION: Readonly<Record<string, WebhookEventType>> = {
  "token.create": "token.created",
  "token.rename": "token.renamed",
  "token.pause": "token.paused",
  "token.unpause": "token.resumed",
  "token.rotate": "token.rotated",
  "token.delete": "token.deleted",
  "token.expiring": "token.expiring",
  "token.expire": "token.expired",
  "token.leak": "token.leaked",
  "token.rate_limit": "token.rate_limited",
  "token.canary_use": "canary.used",
};

/**
 * The webhook event type of an audit action, or null when the action is not delivered (domains,
 * users, accounts). Any `token.rotate…` action (a rotation, its completion) is `token.rotated`.
 */
export function eventTypeOfAction(action: string): WebhookEventType | null {
  return EVENT_OF_ACTION[action] ?? (action.startsWith("token.rotate") ? "token.rotated" : null);
}

/** Whether a string is a webhook event type. */
export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * Writes the webhook event of an audit event and its deliveries, inside the caller's transaction.
 *
 * @param tx the store of the change's open transaction.
 * @param audit the audit row just written.
 */
export async function writeOutboxEvent(tx: Store, ids: IdFactory, clock: Clock, audit: AuditEventsTable): Promise<void> {
  const type = eventTypeOfAction(audit.action);
  if (type === null) return;
  const endpoints = (await subscribedWebhooks(tx, audit.account_id)).filter((w) => subscribes(w.events, type) && inMakersReach(w.maker_lineage, audit));
  if (endpoints.length === 0) return;
  const details = JSON.parse(audit.details) as Record<string, unknown>;
  const token = audit.target_type === "token" ? await tokenSnapshot(tx, audit.account_id, audit.target_id, details) : null;
  const eventId = ids("webhookEvent");
  const now = new Date(clock.nowMillis()).toISOString();
  const payload = {
    type,
    timestamp: audit.created_at,
    data: {
      account_id: audit.account_id,
      ...(token === null ? {} : { token }),
      actor: { type: audit.actor_type, id: audit.actor_id },
      audit_event_id: audit.id,
      details,
    },
  };
  await insertEvent(
    tx,
    { id: eventId, account_id: audit.account_id, type, payload: JSON.stringify(payload), created_at: now },
    endpoints.map((w) => ({
      id: ids("webhookDelivery"),
      webhook_id: w.id,
      event_id: eventId,
      order_key: audit.target_id,
      status: "pending",
      attempts: 0,
      next_attempt_at: now,
      lease_owner: null,
      lease_until: null,
      last_attempt_at: null,
      last_status_code: null,
      last_duration_ms: null,
      last_response: null,
      last_error: null,
      created_at: now,
      delivered_at: null,
    })),
  );
}

function subscribes(eventsJson: string, type: WebhookEventType): boolean {
  try {
    const events = JSON.parse(eventsJson) as unknown;
    return Array.isArray(events) && events.includes(type);
  } catch {
    return false;
  }
}

/** The token as an event shows it: never its secret or hash. A deleted token keeps its id and name. */
async function tokenSnapshot(tx: Store, accountId: string, tokenId: string, details: Record<string, unknown>): Promise<Record<string, unknown>> {
  const row = await tx.findToken(accountId, tokenId);
  if (row === undefined) return { id: tokenId, name: typeof details.name === "string" ? details.name : null, deleted: true };
  return {
    id: row.id,
    name: row.name,
    preview: row.preview,
    status: row.paused === 1 ? "pause" : "unpause",
    canary: row.canary === 1,
    expires_at: row.expires_at,
  };
}
