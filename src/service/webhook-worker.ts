/**
 * The delivery worker: sends the outbox's pending deliveries (webhook-outbox.ts), signed per the
 * Standard Webhooks specification, at least once, in order per token, with exponential back-off and
 * jitter, for up to three days; and fires the expiry reminders (webhook-reminders.ts).
 *
 * - Lease: each instance takes due deliveries under its own lease (webhook-store.ts), so with several
 *   instances on one PostgreSQL database each event goes out once; a lease left by a crashed instance
 *   expires after `leaseMillis` and the delivery is taken again.
 * - Order: a delivery is due only when no older one of the same endpoint and token is pending, so a
 *   receiver that fails and recovers gets that token's events in the order they happened.
 * - Retry: after the n-th failed attempt the next comes after min(maxMillis, baseMillis * 2^(n-1)),
 *   of which a random half is jitter ("equal jitter"); a delivery still failing `giveUpAfterMillis`
 *   after its event is given up (`failed`). An endpoint whose every attempt has failed for
 *   `disableAfterMillis` is disabled, audited (`webhook.disable`) and its account's owners mailed.
 * - Any answer other than 2xx is a failure, redirects included (they are never followed).
 */
import { Webhook } from "standardwebhooks";
import { systemClock, type Clock } from "../core/clock.js";
import type { RandomSource } from "../core/random-source.js";
import type { Store } from "../store/store.js";
import { disableWebhook, finishAttempt, leaseDueDeliveries, pruneWebhookHistory, setWebhookFailing, type LeasedDelivery } from "../store/webhook-store.js";
import { recordSystemAuditEvent } from "./audit-log.js";
import type { IdFactory } from "./id-factory.js";
import type { Mailer } from "./mailer.js";
import { mailNotice } from "./webhook-notices.js";
import { runExpiryReminders } from "./webhook-reminders.js";
import { sendWebhook } from "./webhook-sender.js";
import type { ServiceObserver } from "./service-observer.js";

const DAY_MILLIS = 24 * 60 * 60 * 1000;
/** Days the delivery log keeps finished deliveries (LATCHKEY_WEBHOOK_RETENTION_DAYS). */
export const DEFAULT_RETENTION_DAYS = 30;

/** Tunables of the worker; the defaults are production's, tests shorten them. */
export interface WebhookWorkerOptions {
  /** Lease owner name, unique per instance (default: random). */
  readonly instanceId?: string;
  /** Pause between polls when nothing was due, milliseconds (default 1,000). */
  readonly pollMillis?: number;
  /** Deliveries leased per poll (default 20). */
  readonly batchSize?: number;
  /** Deadline of one request, milliseconds (default 10,000). */
  readonly timeoutMs?: number;
  /** How long a lease holds, milliseconds (default timeoutMs + 30,000). */
  readonly leaseMillis?: number;
  /** Retry delays: base and cap, milliseconds (default 10 s and 6 h). */
  readonly backoff?: { readonly baseMillis: number; readonly maxMillis: number };
  /** Give a delivery up this long after its event (default 3 days). */
  readonly giveUpAfterMillis?: number;
  /** Disable an endpoint failing this long (default 3 days). */
  readonly disableAfterMillis?: number;
  /**
   * Days finished deliveries and their events are kept in the delivery log (default 30; pending ones
   * are kept until they finish). Pruned with the reminder run.
   */
  readonly retentionDays?: number;
  /** Expiry reminder thresholds, days before expiry (default 7 and 1). */
  readonly reminderDays?: readonly number[];
  /** How often expiries are looked for, milliseconds (default 60,000). */
  readonly reminderIntervalMillis?: number;
  /** Bytes of each answer kept for the delivery log (default 1,024). */
  readonly keepResponseBytes?: number;
}

/** What the worker works with. */
export interface WebhookWorkerDeps {
  readonly store: Store;
  readonly ids: IdFactory;
  /** Scheduling clock (due times, reminders); injected in tests. */
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly mailer: Mailer | null;
  /** LATCHKEY_WEBHOOK_ALLOW_PRIVATE. */
  readonly allowPrivate: boolean;
  /** Told of errors of background work (database down, mail refused); never holds a secret. */
  readonly onError: (error: unknown) => void;
  /** Told how each attempt ended (metrics; default: nobody). */
  readonly observer?: ServiceObserver;
}

export class WebhookWorker {
  private readonly owner: string;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private again = false;
  private lastReminderRun = Number.NEGATIVE_INFINITY;
  private attempts = 0;

  /** Attempts this instance has made since it started (for metrics and tests). */
  get attemptsMade(): number {
    return this.attempts;
  }

  constructor(
    private readonly deps: WebhookWorkerDeps,
    private readonly options: WebhookWorkerOptions = {},
  ) {
    this.owner = options.instanceId ?? `wkr_${Buffer.from(deps.random.bytes(8)).toString("hex")}`;
  }

  /** Starts polling. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.kick();
  }

  /** Looks for due work now (after a change was committed), instead of at the next poll. */
  kick(): void {
    if (this.stopped) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.loop().finally(() => {
      this.running = null;
      if (!this.stopped) this.timer = setTimeout(() => this.kick(), this.again ? 0 : (this.options.pollMillis ?? 1000));
      this.again = false;
      this.timer?.unref();
    });
  }

  /** Stops polling and waits for the attempts in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private async loop(): Promise<void> {
    try {
      const interval = this.options.reminderIntervalMillis ?? 60_000;
      if (performance.now() - this.lastReminderRun >= interval) {
        this.lastReminderRun = performance.now();
        await runExpiryReminders(this.deps, this.options.reminderDays ?? [7, 1]);
        const keptMillis = (this.options.retentionDays ?? DEFAULT_RETENTION_DAYS) * DAY_MILLIS;
        await pruneWebhookHistory(this.deps.store, iso(this.deps.clock.nowMillis() - keptMillis));
      }
      // Keep going while deliveries are due (a success may have unblocked the next of its token).
      while (!this.stopped && (await this.deliverDue()) > 0);
    } catch (error) {
      this.deps.onError(error);
    }
  }

  /** Leases and sends one batch; returns how many were sent. */
  async deliverDue(): Promise<number> {
    const { store, clock } = this.deps;
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const nowMillis = clock.nowMillis();
    const leased = await leaseDueDeliveries(store, this.owner, iso(nowMillis), iso(nowMillis + (this.options.leaseMillis ?? timeoutMs + 30_000)), this.options.batchSize ?? 20);
    await Promise.all(leased.map((item) => this.attempt(item, timeoutMs)));
    return leased.length;
  }

  private async attempt({ delivery, event, webhook }: LeasedDelivery, timeoutMs: number): Promise<void> {
    const { store, clock } = this.deps;
    this.attempts++;
    // The signature's timestamp is the wall-clock time of sending (receivers check it against theirs),
    // not the scheduling clock, which tests move.
    const sentAt = new Date(systemClock.nowMillis());
    const signature = new Webhook(webhook.signing_secret).sign(event.id, sentAt, event.payload);
    const result = await sendWebhook(
      new URL(webhook.url),
      event.payload,
      {
        "content-type": "application/json",
        "webhook-id": event.id,
        "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
        "webhook-signature": signature,
      },
      { timeoutMs, allowPrivate: this.deps.allowPrivate, keepResponseBytes: this.options.keepResponseBytes ?? 1024 },
    );
    const nowMillis = clock.nowMillis();
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const attempts = delivery.attempts + 1;
    const giveUp = !ok && nowMillis - Date.parse(delivery.created_at) >= (this.options.giveUpAfterMillis ?? 3 * DAY_MILLIS);
    const finished = await finishAttempt(store, delivery.id, this.owner, {
      status: ok ? "succeeded" : giveUp ? "failed" : "pending",
      attempts,
      next_attempt_at: ok || giveUp ? delivery.next_attempt_at : iso(nowMillis + this.retryDelayMillis(attempts)),
      last_attempt_at: iso(nowMillis),
      last_status_code: result.statusCode,
      last_duration_ms: result.durationMs,
      last_response: result.error === null ? result.responseExcerpt : result.error.slice(0, 500),
      last_error: result.error,
      delivered_at: ok ? iso(nowMillis) : null,
    });
    if (!finished) return; // the lease expired and another instance took the delivery over
    this.deps.observer?.webhookDelivery(ok ? "delivered" : giveUp ? "given_up" : "retrying");
    if (ok) {
      await setWebhookFailing(store, webhook.id, null);
      return;
    }
    await setWebhookFailing(store, webhook.id, iso(nowMillis));
    if (webhook.failing_since !== null && nowMillis - Date.parse(webhook.failing_since) >= (this.options.disableAfterMillis ?? 3 * DAY_MILLIS)) {
      await this.disable(webhook, nowMillis);
    }
  }

  /** Disables an endpoint that has failed too long, audits it and tells the owners. */
  private async disable(webhook: LeasedDelivery["webhook"], nowMillis: number): Promise<void> {
    const { store, ids, clock } = this.deps;
    const disabled = await store.transaction(async (tx) => {
      if (!(await disableWebhook(tx, webhook.id, "failing", iso(nowMillis)))) return false;
      await recordSystemAuditEvent(tx, ids, clock, webhook.account_id, null, {
        action: "webhook.disable",
        targetType: "webhook",
        targetId: webhook.id,
        details: { name: webhook.name, reason: "failing", failing_since: webhook.failing_since },
      });
      return true;
    });
    if (!disabled) return;
    void mailNotice(store, this.deps.mailer, webhook.account_id, { kind: "webhook_disabled", webhookName: webhook.name, url: webhook.url, failingSince: webhook.failing_since ?? iso(nowMillis) }).catch(this.deps.onError);
  }

  private retryDelayMillis(attempts: number): number {
    const unit = Buffer.from(this.deps.random.bytes(4)).readUInt32BE(0) / 0x1_0000_0000;
    return retryDelayMillis(attempts, this.options.backoff ?? DEFAULT_BACKOFF, unit);
  }
}

/** Production's retry delays: 10 s doubling to at most 6 hours (about 24 attempts in 3 days). */
export const DEFAULT_BACKOFF = { baseMillis: 10_000, maxMillis: 6 * 60 * 60 * 1000 } as const;

/**
 * The delay before attempt `attempts + 1`, milliseconds: min(max, base * 2^(attempts-1)), of which
 * the upper half is scaled by `unit` ("equal jitter": never less than half the exponential delay, so
 * retries of many receivers spread out without coming early).
 *
 * @param attempts failed attempts so far, from 1.
 * @param unit a random number in [0, 1).
 */
export function retryDelayMillis(attempts: number, backoff: { readonly baseMillis: number; readonly maxMillis: number }, unit: number): number {
  const delay = Math.min(backoff.maxMillis, backoff.baseMillis * 2 ** Math.min(Math.max(attempts, 1) - 1, 40));
  return Math.round(delay / 2 + (delay / 2) * unit);
}

function iso(millis: number): string {
  return new Date(millis).toISOString();
}
