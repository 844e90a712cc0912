/**
 * Webhook endpoint use cases: list, show, create (the signing secret shown once), update, delete,
 * the delivery log and redelivery; and recording a canary token's use.
 *
 * Who may: a token with `webhooks_full` (the seed: "Create and manage webhooks") for all domains
 * (events cover every token of the account, so a domain-limited token may not subscribe to them:
 * 403 `all_domains_required`); a signed-in owner or admin; the operator at the CLI.
 */
import { isIP } from "node:net";
import type { Catalogue } from "../core/catalogue.js";
import type { Clock } from "../core/clock.js";
import { checkTokenName } from "../core/input-rules.js";
import type { RandomSource } from "../core/random-source.js";
import type { WebhookDeliveriesTable, WebhooksTable } from "../store/database-schema.js";
import type { PageRequest, Store } from "../store/store.js";
import { lineagePathOf } from "../store/token-lineage-store.js";
import {
  deleteWebhook,
  findDelivery,
  findWebhook,
  insertDelivery,
  insertWebhook,
  listDeliveries,
  listWebhooks,
  rateLimitWindowsReportedSince,
  roleOfUser,
  updateWebhook,
  type DeliveryLogRow,
  type WebhookChanges,
} from "../store/webhook-store.js";
import { recordSystemAuditEvent } from "./audit-log.js";
import type { IdFactory } from "./id-factory.js";
import { accountOf, requireAllDomains, requireLevel, type ActorContext } from "./principal.js";
import { ServiceError, validationError } from "./service-error.js";
import { isWebhookEventType, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./webhook-outbox.js";
import { isPublicAddress } from "./webhook-sender.js";
import { managerTokenOf, mayManage } from "./webhook-reach.js";
import type { RateLimitHit } from "./usage-gate.js";

/** An endpoint as callers see it (never its signing secret). */
export interface WebhookDetails {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly enabled: boolean;
  /** `failing` when latchkey disabled it after three days of failed deliveries; else null. */
  readonly disabledReason: string | null;
  /** Start of the current run of failures, or null. */
  readonly failingSince: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One delivery in an endpoint's log. */
export interface DeliveryDetails {
  readonly id: string;
  /** The event's id, also the `webhook-id` header. */
  readonly eventId: string;
  readonly eventType: string;
  /** `pending` (to be sent or retried), `succeeded`, `failed` (given up). */
  readonly status: string;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastAttemptAt: string | null;
  /** HTTP status of the last answer, or null (no answer). */
  readonly responseStatus: number | null;
  readonly durationMs: number | null;
  /** The first bytes of the last answer, or the error when there was none. */
  readonly response: string | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

/** Input of {@link WebhookService.create}. */
export interface CreateWebhookInput {
  readonly name: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly enabled?: boolean;
}

/** Input of {@link WebhookService.update}: any of the fields. */
export type UpdateWebhookInput = Partial<CreateWebhookInput>;

/** A use of a canary token, as the verifier reports it. */
export interface CanaryUse {
  readonly tokenId: string;
  readonly accountId: string;
  readonly name: string;
  /** The caller's address, or null when unknown (in-process verification). */
  readonly ip: string | null;
}

/** What the webhook use cases need. */
export interface WebhookServiceDeps {
  readonly store: Store;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly ids: IdFactory;
  /** LATCHKEY_WEBHOOK_ALLOW_PRIVATE: accept private and loopback addresses in URLs. */
  readonly allowPrivate: boolean;
  /** Wakes the delivery worker, if this instance runs one. */
  readonly kick: () => void;
}

/** Longest endpoint URL, characters. */
export const WEBHOOK_URL_MAX_CHARS = 2000;

export class WebhookService {
  constructor(private readonly deps: WebhookServiceDeps) {}

  /** A page of the account's endpoints, newest first. */
  async list(actor: ActorContext, page: PageRequest): Promise<{ webhooks: WebhookDetails[]; total: number }> {
    await this.requireAdmin(actor);
    const { rows, total } = await listWebhooks(this.deps.store, accountOf(actor.principal), page, managerTokenOf(actor));
    return { webhooks: rows.map(detailsOf), total };
  }

  /** @throws ServiceError not_found (also for another account's endpoint). */
  async show(actor: ActorContext, id: string): Promise<WebhookDetails> {
    await this.requireAdmin(actor);
    return detailsOf(await this.find(actor, id));
  }

  /**
   * Creates an endpoint and returns its Standard Webhooks signing secret (`whsec_` + base64 of 24
   * random bytes), the only time it is shown.
   *
   * @throws ServiceError validation_failed naming each bad field; scope_missing; all_domains_required.
   */
  async create(actor: ActorContext, input: CreateWebhookInput): Promise<{ webhook: WebhookDetails; signingSecret: string }> {
    await this.requireAdmin(actor);
    const checked = this.check(input, true);
    const now = new Date(this.deps.clock.nowMillis()).toISOString();
    const signingSecret = `whsec_${Buffer.from(this.deps.random.bytes(24)).toString("base64")}`;
    const row: WebhooksTable = {
      id: this.deps.ids("webhook"),
      account_id: accountOf(actor.principal),
      name: checked.name ?? "",
      url: checked.url ?? "",
      events: JSON.stringify(checked.events ?? []),
      enabled: input.enabled === false ? 0 : 1,
      signing_secret: signingSecret,
      failing_since: null,
      disabled_reason: null,
      created_at: now,
      updated_at: now,
      maker_lineage:
        actor.principal.kind === "token" ? await lineagePathOf(this.deps.store, actor.principal.record.accountId, actor.principal.record.id) : null,
    };
    await insertWebhook(this.deps.store, row);
    return { webhook: detailsOf(row), signingSecret };
  }

  /**
   * Changes an endpoint's name, URL, events or enabled state. Enabling it again clears the
   * failure record; its pending deliveries resume.
   *
   * @throws ServiceError not_found, validation_failed (also when nothing is given).
   */
  async update(actor: ActorContext, id: string, input: UpdateWebhookInput): Promise<WebhookDetails> {
    await this.requireAdmin(actor);
    const accountId = accountOf(actor.principal);
    const before = await this.find(actor, id);
    if (input.name === undefined && input.url === undefined && input.events === undefined && input.enabled === undefined) {
      throw validationError({ name: ["Give at least one of name, url, events, enabled."] });
    }
    const checked = this.check(input, false);
    const changes: WebhookChanges = { updated_at: new Date(this.deps.clock.nowMillis()).toISOString() };
    if (checked.name !== undefined) changes.name = checked.name;
    if (checked.url !== undefined) changes.url = checked.url;
    if (checked.events !== undefined) changes.events = JSON.stringify(checked.events);
    if (input.enabled !== undefined) {
      changes.enabled = input.enabled ? 1 : 0;
      if (input.enabled && before.enabled === 0) {
        changes.failing_since = null;
        changes.disabled_reason = null;
      }
    }
    await updateWebhook(this.deps.store, accountId, id, changes);
    if (input.enabled === true) this.deps.kick();
    return detailsOf(await this.find(actor, id));
  }

  /** Deletes an endpoint and its delivery log. @throws ServiceError not_found. */
  async delete(actor: ActorContext, id: string): Promise<void> {
    await this.requireAdmin(actor);
    await this.find(actor, id);
    if (!(await deleteWebhook(this.deps.store, accountOf(actor.principal), id))) throw notFound();
  }

  /** A page of an endpoint's deliveries, newest first. @throws ServiceError not_found. */
  async deliveries(actor: ActorContext, id: string, page: PageRequest): Promise<{ deliveries: DeliveryDetails[]; total: number }> {
    await this.requireAdmin(actor);
    await this.find(actor, id);
    const { rows, total } = await listDeliveries(this.deps.store, id, page);
    return { deliveries: rows.map(deliveryOf), total };
  }

  /**
   * Sends a delivered (or given-up) event again: a new delivery of the same event (same
   * `webhook-id`, so receivers can tell), queued behind the token's other pending events.
   *
   * @throws ServiceError not_found (endpoint or delivery).
   */
  async redeliver(actor: ActorContext, id: string, deliveryId: string): Promise<DeliveryDetails> {
    await this.requireAdmin(actor);
    await this.find(actor, id);
    const original = await findDelivery(this.deps.store, id, deliveryId);
    if (original === undefined) throw new ServiceError("not_found", { message: "No such delivery." });
    const now = new Date(this.deps.clock.nowMillis()).toISOString();
    const row: WebhookDeliveriesTable = {
      id: this.deps.ids("webhookDelivery"),
      webhook_id: id,
      event_id: original.event_id,
      order_key: original.order_key,
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
    };
    await insertDelivery(this.deps.store, row);
    this.deps.kick();
    return deliveryOf({ ...row, event_type: original.event_type });
  }

  /**
   * Records a canary token's use: an audit event (actor `system`, the caller's address) and at once
   * the `canary.used` event, then wakes the worker.
   */
  async recordCanaryUse(use: CanaryUse): Promise<void> {
    const { store, ids, clock } = this.deps;
    await store.transaction(async (tx) => {
      await recordSystemAuditEvent(tx, ids, clock, use.accountId, use.ip, {
        action: "token.canary_use",
        targetType: "token",
        targetId: use.tokenId,
        details: { name: use.name, ip: use.ip },
      });
    });
    this.deps.kick();
  }

  /**
   * Records a token's first refusal by a rate window in that window's period: an audit event
   * (`token.rate_limit`, actor `system`) and so the `token.rate_limited` event, at most one per token,
   * window and period across instances (the usage gate reports once per instance; this checks the
   * events already recorded in the period, under a lock). Skipped when the token is gone.
   */
  async recordRateLimited(hit: RateLimitHit): Promise<void> {
    const { store, ids, clock } = this.deps;
    const periodMillis = (hit.windowSeconds ?? 0) * 1000;
    const since = new Date(Math.min(clock.nowMillis(), hit.windowEndsAtMillis - periodMillis)).toISOString();
    const recorded = await store.transaction(async (tx) => {
      const reported = await rateLimitWindowsReportedSince(tx, hit.accountId, hit.tokenId, since);
      if (reported === null || reported.windows.has(hit.window)) return false;
      await recordSystemAuditEvent(tx, ids, clock, hit.accountId, hit.ip, {
        action: "token.rate_limit",
        targetType: "token",
        targetId: hit.tokenId,
        details: {
          name: reported.tokenName,
          window: hit.window,
          limit: hit.limit,
          window_seconds: hit.windowSeconds,
          window_ends_at: new Date(hit.windowEndsAtMillis).toISOString(),
        },
      });
      return true;
    });
    if (recorded) this.deps.kick();
  }

  /** @throws ServiceError scope_missing, all_domains_required. */
  private async requireAdmin(actor: ActorContext): Promise<void> {
    const { principal } = actor;
    if (principal.kind === "token") {
      requireLevel(this.deps.catalogue, principal, "webhooks", "full");
      requireAllDomains(principal);
    } else if (principal.kind === "user") {
      const role = await roleOfUser(this.deps.store, principal.userId);
      if (role !== "owner" && role !== "admin" && role !== "Admin")
        throw new ServiceError("scope_missing", { message: "Only owners and admins manage webhooks.", required: "webhooks_full" });
    }
  }

  /** An endpoint the actor may manage (finding F7: see {@link mayManage}); else not_found, as for another account's. */
  private async find(actor: ActorContext, id: string): Promise<WebhooksTable> {
    const row = await findWebhook(this.deps.store, accountOf(actor.principal), id);
    if (row === undefined || !mayManage(managerTokenOf(actor), row)) throw notFound();
    return row;
  }

  /** Checks the given fields; `all` requires name, url and events. */
  private check(input: UpdateWebhookInput, all: boolean): { name?: string; url?: string; events?: WebhookEventType[] } {
    const errors: Record<string, string[]> = {};
    const out: { name?: string; url?: string; events?: WebhookEventType[] } = {};
    if (input.name !== undefined || all) {
      const name = checkTokenName(input.name ?? "");
      if (name.ok) out.name = name.value;
      else errors.name = [name.problem];
    }
    if (input.url !== undefined || all) {
      const url = checkWebhookUrl(input.url ?? "", this.deps.allowPrivate);
      if (url.ok) out.url = url.value;
      else errors.url = [url.problem];
    }
    if (input.events !== undefined || all) {
      const events = input.events ?? [];
      const unknown = events.filter((e) => !isWebhookEventType(e));
      if (events.length === 0) errors.events = [`Choose at least one event: ${WEBHOOK_EVENT_TYPES.join(", ")}.`];
      else if (unknown.length > 0)
        errors.events = [
          `Unknown events: ${unknown
            .slice(0, 5)
            .map((e) => JSON.stringify(e).slice(0, 40))
            .join(", ")}. Known: ${WEBHOOK_EVENT_TYPES.join(", ")}.`,
        ];
      else out.events = WEBHOOK_EVENT_TYPES.filter((t) => events.includes(t));
    }
    if (Object.keys(errors).length > 0) throw validationError(errors);
    return out;
  }
}

/**
 * Checks an endpoint URL: absolute http: or https:, at most 2,000 characters, no user name or
 * password in it (it is shown in lists), and, unless private destinations are allowed, not a
 * literal private, loopback or link-local address. Host names are checked again on every
 * connection (webhook-sender.ts), where DNS answers can change.
 */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): { ok: true; value: string } | { ok: false; problem: string } {
  const text = raw.trim();
  if (text.length === 0) return { ok: false, problem: "The URL is required." };
  if (text.length > WEBHOOK_URL_MAX_CHARS) return { ok: false, problem: `The URL may not be longer than ${WEBHOOK_URL_MAX_CHARS} characters.` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: "The URL must be an absolute http:// or https:// URL." };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, problem: "The URL must start with https:// or http://." };
  if (url.username !== "" || url.password !== "") return { ok: false, problem: "The URL may not contain a user name or password." };
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivate && isIP(host) !== 0 && !isPublicAddress(host)) {
    return { ok: false, problem: "The URL points to a private, loopback or link-local address (allowed only with LATCHKEY_WEBHOOK_ALLOW_PRIVATE=true)." };
  }
  return { ok: true, value: url.toString() };
}

function detailsOf(row: WebhooksTable): WebhookDetails {
  const events = JSON.parse(row.events) as unknown;
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    events: Array.isArray(events) ? events.filter((e): e is WebhookEventType => typeof e === "string" && isWebhookEventType(e)) : [],
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function deliveryOf(row: DeliveryLogRow): DeliveryDetails {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.status === "pending" ? row.next_attempt_at : null,
    lastAttemptAt: row.last_attempt_at,
    responseStatus: row.last_status_code === null ? null : Number(row.last_status_code),
    durationMs: row.last_duration_ms === null ? null : Number(row.last_duration_ms),
    response: row.last_response,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

function notFound(): ServiceError {
  return new ServiceError("not_found", { message: "No such webhook endpoint." });
}
