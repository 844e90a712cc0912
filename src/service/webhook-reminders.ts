/**
 * Expiry reminders: `token.expiring` once per threshold (default 7 days and 1 day before
 * `expires_at`, LATCHKEY_EXPIRY_REMINDER_DAYS), and `token.expired` once when it has passed; each by
 * webhook (through the audit event and the outbox) and the reminders also by mail to the account's
 * owners and admins.
 *
 * Once per threshold, across restarts and instances: a reminder is claimed by inserting its
 * `(token, threshold)` row in the transaction that records its event; a second claim finds the row and
 * does nothing. A token first seen inside several thresholds (made with 12 hours left) gets only the
 * nearest one, and the wider ones are claimed with it, so they never fire late. Expiries more than
 * three days past when first seen (tokens that expired before this feature) are not announced.
 */
import type { Clock } from "../core/clock.js";
import type { Store } from "../store/store.js";
import { claimReminder, remindersOf, tokensExpiringBetween } from "../store/webhook-store.js";
import { recordSystemAuditEvent } from "./audit-log.js";
import type { IdFactory } from "./id-factory.js";
import type { Mailer } from "./mailer.js";
import { mailNotice } from "./webhook-notices.js";

const DAY_MILLIS = 24 * 60 * 60 * 1000;
/** How far back an expiry is still announced as token.expired. */
const EXPIRED_LOOKBACK_MILLIS = 3 * DAY_MILLIS;

/** What {@link runExpiryReminders} needs. */
export interface ReminderDeps {
  readonly store: Store;
  readonly ids: IdFactory;
  readonly clock: Clock;
  readonly mailer: Mailer | null;
  readonly onError: (error: unknown) => void;
}

/**
 * Fires the reminders and expiry events due at the clock's instant.
 *
 * @param thresholdsDays whole days before expiry, each 1..365 (checked by the configuration).
 * @returns how many events were recorded.
 */
export async function runExpiryReminders(deps: ReminderDeps, thresholdsDays: readonly number[]): Promise<number> {
  const { store, ids, clock } = deps;
  const nowMillis = clock.nowMillis();
  const nowIso = new Date(nowMillis).toISOString();
  const sorted = [...new Set(thresholdsDays)].sort((a, b) => a - b);
  const widest = sorted.at(-1) ?? 0;
  let fired = 0;

  const expiring = await tokensExpiringBetween(store, nowIso, new Date(nowMillis + widest * DAY_MILLIS).toISOString());
  const sent = await remindersOf(store, expiring.map((t) => t.id));
  for (const token of expiring) {
    const leftMillis = Date.parse(token.expires_at) - nowMillis;
    const within = sorted.filter((days) => leftMillis <= days * DAY_MILLIS);
    const nearest = within[0];
    if (nearest === undefined || sent.get(token.id)?.has(nearest)) continue;
    const claimed = await store.transaction(async (tx) => {
      if (!(await claimReminder(tx, token.id, nearest, nowIso))) return false;
      for (const wider of within.slice(1)) await claimReminder(tx, token.id, wider, nowIso);
      await recordSystemAuditEvent(tx, ids, clock, token.account_id, null, {
        action: "token.expiring",
        targetType: "token",
        targetId: token.id,
        details: { name: token.name, expires_at: token.expires_at, threshold_days: nearest },
      });
      return true;
    });
    if (!claimed) continue;
    fired++;
    await mailNotice(store, deps.mailer, token.account_id, { kind: "expiring", tokenName: token.name, preview: token.preview, expiresAt: token.expires_at, thresholdDays: nearest }).catch(deps.onError);
  }

  const expired = await tokensExpiringBetween(store, new Date(nowMillis - EXPIRED_LOOKBACK_MILLIS).toISOString(), nowIso);
  const announced = await remindersOf(store, expired.map((t) => t.id));
  for (const token of expired) {
    if (announced.get(token.id)?.has(0)) continue;
    const claimed = await store.transaction(async (tx) => {
      if (!(await claimReminder(tx, token.id, 0, nowIso))) return false;
      await recordSystemAuditEvent(tx, ids, clock, token.account_id, null, {
        action: "token.expire",
        targetType: "token",
        targetId: token.id,
        details: { name: token.name, expires_at: token.expires_at },
      });
      return true;
    });
    if (claimed) fired++;
  }
  return fired;
}
