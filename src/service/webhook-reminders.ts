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
import { claimReminder, tokensToRemind } from "../store/webhook-store.js";
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
 * @param batchSize tokens read per query (default 500); the run goes on until none is left.
 * @returns how many events were recorded.
 */
export async function runExpiryReminders(deps: ReminderDeps, thresholdsDays: readonly number[], batchSize = 500): Promise<number> {
  const { store, ids, clock } = deps;
  const nowMillis = clock.nowMillis();
  const nowIso = new Date(nowMillis).toISOString();
  const sorted = [...new Set(thresholdsDays)].sort((a, b) => a - b);
  let fired = 0;

  // Nearest threshold first: a token inside it is reminded once, and its wider thresholds are claimed
  // with it, so the later, wider passes no longer find it.
  for (const days of sorted) {
    const untilIso = new Date(nowMillis + days * DAY_MILLIS).toISOString();
    for (;;) {
      const batch = await tokensToRemind(store, nowIso, untilIso, days, batchSize);
      for (const token of batch) {
        const wider = sorted.filter((d) => d > days);
        const claimed = await store.transaction(async (tx) => {
          if (!(await claimReminder(tx, token.id, days, nowIso))) return false;
          for (const d of wider) await claimReminder(tx, token.id, d, nowIso);
          await recordSystemAuditEvent(tx, ids, clock, token.account_id, null, {
            action: "token.expiring",
            targetType: "token",
            targetId: token.id,
            details: { name: token.name, expires_at: token.expires_at, threshold_days: days },
          });
          return true;
        });
        if (!claimed) continue;
        fired++;
        void mailNotice(store, deps.mailer, token.account_id, { kind: "expiring", tokenName: token.name, preview: token.preview, expiresAt: token.expires_at, thresholdDays: days }).catch(deps.onError);
      }
      if (batch.length < batchSize) break;
    }
  }

  for (;;) {
    const batch = await tokensToRemind(store, new Date(nowMillis - EXPIRED_LOOKBACK_MILLIS).toISOString(), nowIso, 0, batchSize);
    for (const token of batch) {
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
    if (batch.length < batchSize) break;
  }
  return fired;
}
