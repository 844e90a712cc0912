/**
 * Wire shapes of the webhook routes: an endpoint, its create answer (with the signing secret, once)
 * and a delivery of its log. Each TypeBox schema is both the OpenAPI description and the mapper's type.
 */
import { Type, type Static } from "typebox";
import { WEBHOOK_EVENT_TYPES } from "../../service/webhook-outbox.js";
import type { DeliveryDetails, WebhookDetails } from "../../service/webhook-service.js";

export const WebhookEventTypeSchema = Type.Union(
  WEBHOOK_EVENT_TYPES.map((t) => Type.Literal(t)),
  { description: "A lifecycle event (docs/webhooks.md)" },
);

export const WebhookSchema = Type.Object(
  {
    id: Type.String({ examples: ["whk_01jdz8k3q4m5n6p7r8s9t0v1w2"] }),
    name: Type.String(),
    url: Type.String({ format: "uri" }),
    events: Type.Array(Type.String(), { description: "Event types delivered to this endpoint" }),
    enabled: Type.Boolean(),
    disabled_reason: Type.Union([Type.Literal("failing"), Type.Null()], { description: "failing: disabled by latchkey after three days of failed deliveries" }),
    failing_since: Type.Union([Type.String({ format: "date-time" }), Type.Null()], { description: "Start of the current run of failed deliveries" }),
    created_at: Type.String({ format: "date-time" }),
    updated_at: Type.String({ format: "date-time" }),
  },
  { $id: "Webhook" },
);

/** An endpoint's wire form. */
export function webhookToWire(webhook: WebhookDetails): Static<typeof WebhookSchema> {
  return {
    id: webhook.id,
    name: webhook.name,
    url: webhook.url,
    events: [...webhook.events],
    enabled: webhook.enabled,
    disabled_reason: webhook.disabledReason === "failing" ? "failing" : null,
    failing_since: webhook.failingSince,
    created_at: webhook.createdAt,
    updated_at: webhook.updatedAt,
  };
}

export const WebhookDeliverySchema = Type.Object(
  {
    id: Type.String({ examples: ["wdl_01jdz8k3q4m5n6p7r8s9t0v1w2"] }),
    event_id: Type.String({ description: "Also the webhook-id header" }),
    event_type: Type.String(),
    status: Type.Union([Type.Literal("pending"), Type.Literal("succeeded"), Type.Literal("failed")], { description: "failed: given up after three days" }),
    attempts: Type.Integer(),
    next_attempt_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
    last_attempt_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
    response_status: Type.Union([Type.Integer(), Type.Null()], { description: "HTTP status of the last answer; null when there was none" }),
    duration_ms: Type.Union([Type.Integer(), Type.Null()]),
    response: Type.Union([Type.String(), Type.Null()], { description: "The first bytes of the last answer, or why there was none" }),
    created_at: Type.String({ format: "date-time" }),
    delivered_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  },
  { $id: "WebhookDelivery" },
);

/** A delivery's wire form. */
export function deliveryToWire(delivery: DeliveryDetails): Static<typeof WebhookDeliverySchema> {
  return {
    id: delivery.id,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    status: delivery.status === "succeeded" ? "succeeded" : delivery.status === "failed" ? "failed" : "pending",
    attempts: delivery.attempts,
    next_attempt_at: delivery.nextAttemptAt,
    last_attempt_at: delivery.lastAttemptAt,
    response_status: delivery.responseStatus,
    duration_ms: delivery.durationMs,
    response: delivery.response,
    created_at: delivery.createdAt,
    delivered_at: delivery.deliveredAt,
  };
}

export const WebhookIdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });

const events = Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50, description: `Event types: ${WEBHOOK_EVENT_TYPES.join(", ")}` });
const name = Type.String({ maxLength: 1000, description: "1 to 50 characters after trimming" });
const url = Type.String({ maxLength: 4000, description: "https:// (or http://) URL of the receiver; no user name or password" });
const enabled = Type.Boolean({ description: "Deliver events (default true)" });

export const CreateWebhookBody = Type.Object({ name, url, events, enabled: Type.Optional(enabled) }, { additionalProperties: false });
export const UpdateWebhookBody = Type.Object(
  { name: Type.Optional(name), url: Type.Optional(url), events: Type.Optional(events), enabled: Type.Optional(enabled) },
  { additionalProperties: false },
);
