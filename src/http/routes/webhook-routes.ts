/**
 * The webhook routes (docs/webhooks.md): endpoints (`/v1/webhooks`), their delivery log and
 * redelivery, and the leak-report intake (`POST /v1/leaks`). Registered together by app.ts.
 */
import { Type } from "typebox";
import type { Latchkey } from "../../service/latchkey.js";
import type { App, PrincipalResolver } from "../app-instance.js";
import { actorFor, AUTH_ERRORS, BEARER_SECURITY, listPath } from "../request-actor.js";
import { pageBody, pageSchema, PageQuerySchema } from "../wire-format.js";
import { registerLeakReport } from "./webhook-leak-report.js";
import { CreateWebhookBody, deliveryToWire, UpdateWebhookBody, WebhookDeliverySchema, WebhookIdParams, WebhookSchema, webhookToWire } from "./webhook-schemas.js";

const NOT_FOUND = { 404: { $ref: "Error#" } } as const;

export async function registerWebhookRoutes(app: App, latchkey: Latchkey, resolvers: readonly PrincipalResolver[]): Promise<void> {
  app.addSchema(WebhookSchema);
  app.addSchema(WebhookDeliverySchema);

  app.get(
    "/v1/webhooks",
    {
      schema: {
        operationId: "listWebhooks",
        summary: "List webhook endpoints",
        tags: ["webhooks"],
        security: BEARER_SECURITY,
        querystring: PageQuerySchema,
        response: { 200: pageSchema(Type.Ref("Webhook")), ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const page = request.query.page ?? 1;
      const limit = request.query.limit ?? 25;
      const { webhooks, total } = await latchkey.webhooks.list(actor, { page, limit });
      return pageBody(webhooks.map(webhookToWire), listPath(request), page, limit, total);
    },
  );

  app.get(
    "/v1/webhooks/:id",
    {
      schema: {
        operationId: "showWebhook",
        summary: "Show a webhook endpoint",
        tags: ["webhooks"],
        security: BEARER_SECURITY,
        params: WebhookIdParams,
        response: { 200: Type.Object({ data: Type.Ref("Webhook") }), ...NOT_FOUND, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      return { data: webhookToWire(await latchkey.webhooks.show(actor, request.params.id)) };
    },
  );

  app.post(
    "/v1/webhooks",
    {
      schema: {
        operationId: "createWebhook",
        summary: "Create a webhook endpoint",
        description: "The answer holds the endpoint's Standard Webhooks signing secret (signing_secret, whsec_...), the only time it is shown.",
        tags: ["webhooks"],
        security: BEARER_SECURITY,
        body: CreateWebhookBody,
        response: { 201: Type.Object({ data: Type.Intersect([Type.Ref("Webhook"), Type.Object({ signing_secret: Type.String() })]) }), ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const { webhook, signingSecret } = await latchkey.webhooks.create(actor, request.body);
      reply.header("cache-control", "no-store");
      return reply.code(201).send({ data: { ...webhookToWire(webhook), signing_secret: signingSecret } });
    },
  );

  app.put(
    "/v1/webhooks/:id",
    {
      schema: {
        operationId: "updateWebhook",
        summary: "Change a webhook endpoint",
        description: "Any of name, url, events, enabled. Enabling an endpoint latchkey disabled resumes its deliveries.",
        tags: ["webhooks"],
        security: BEARER_SECURITY,
        params: WebhookIdParams,
        body: UpdateWebhookBody,
        response: { 200: Type.Object({ data: Type.Ref("Webhook") }), ...NOT_FOUND, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      return { data: webhookToWire(await latchkey.webhooks.update(actor, request.params.id, request.body)) };
    },
  );

  app.delete(
    "/v1/webhooks/:id",
    {
      schema: {
        operationId: "deleteWebhook",
        summary: "Delete a webhook endpoint",
        tags: ["webhooks"],
        security: BEARER_SECURITY,
        params: WebhookIdParams,
        response: { 204: { type: "null", description: "Deleted" }, ...NOT_FOUND, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = await actorFor(latchkey, request, resolvers);
      await latchkey.webhooks.delete(actor, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/v1/webhooks/:id/deliveries",
    {
      schema: {
        operationId: "listWebhookDeliveries",
        summary: "List a webhook endpoint's deliveries",
        tags: ["webhooks"],
        security: BEARER_SECURITY,
        params: WebhookIdParams,
        querystring: PageQuerySchema,
        response: { 200: pageSchema(Type.Ref("WebhookDelivery")), ...NOT_FOUND, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const page = request.query.page ?? 1;
      const limit = request.query.limit ?? 25;
      const { deliveries, total } = await latchkey.webhooks.deliveries(actor, request.params.id, { page, limit });
      return pageBody(deliveries.map(deliveryToWire), listPath(request), page, limit, total);
    },
  );

  app.post(
    "/v1/webhooks/:id/deliveries/:deliveryId/redeliver",
    {
      schema: {
        operationId: "redeliverWebhookDelivery",
        summary: "Send a delivery's event again",
        description: "Queues a new delivery of the same event (same webhook-id).",
        tags: ["webhooks"],
        security: BEARER_SECURITY,
        params: Type.Object({ id: Type.String({ maxLength: 100 }), deliveryId: Type.String({ maxLength: 100 }) }),
        response: { 202: Type.Object({ data: Type.Ref("WebhookDelivery") }), ...NOT_FOUND, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = await actorFor(latchkey, request, resolvers);
      const delivery = await latchkey.webhooks.redeliver(actor, request.params.id, request.params.deliveryId);
      return reply.code(202).send({ data: deliveryToWire(delivery) });
    },
  );

  await registerLeakReport(app, latchkey);
}
