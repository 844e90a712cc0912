/**
 * Records usage (issue 14): counts of verifications per token, UTC hour, area and outcome code, and
 * each token's last use (instant, client address, area, method). Counted in memory on the hot path
 * (a few map lookups and an increment; no promise, no allocation once a token's area and code have
 * been seen this hour) and written in one batch every `flushMillis` (default 10 s) and on close.
 * Reads of usage add what is still in memory, so an answer is never behind the verifications made.
 *
 * Counts older than `retentionDays` (default 90) are deleted with a batch write, at most once an hour. A crash loses at most one
 * flush interval of counts (they are statistics, not limits).
 */
import type { Clock } from "../core/clock.js";
import type { LastUseRow, UsageCountRow, UsageStore } from "../store/usage-store.js";

/** Options of {@link UsageRecorder}. */
export interface UsageRecorderOptions {
  /** Batch interval, milliseconds (default 10,000). */
  readonly flushMillis?: number;
  /** Days of counts kept (default 90). */
  readonly retentionDays?: number;
  /** Told of a failed background write (retried with the next batch). */
  readonly onBackgroundError?: (error: unknown) => void;
}

const HOUR_MILLIS = 3_600_000;

interface TokenUsage {
  readonly accountId: string;
  /** Area -> code -> count, for the hour `hourMillis` of the recorder. */
  readonly areas: Map<string, Map<string, number>>;
  /** Last use (mutated in place). */
  lastAtMillis: number;
  lastIp: string | null;
  lastArea: string;
  lastMethod: string;
  lastDirty: boolean;
}

export class UsageRecorder {
  private hourMillis = Number.NEGATIVE_INFINITY;
  private current = new Map<string, TokenUsage>();
  /** Counts of closed hours and failed batches, waiting to be written. */
  private waiting: UsageCountRow[] = [];
  private readonly timer: NodeJS.Timeout;
  private lastPurgeMillis = Number.NEGATIVE_INFINITY;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly store: UsageStore,
    private readonly clock: Clock,
    private readonly options: UsageRecorderOptions = {},
  ) {
    this.timer = setInterval(() => {
      this.flush().catch((error: unknown) => options.onBackgroundError?.(error));
    }, options.flushMillis ?? 10_000);
    this.timer.unref();
  }

  /** Days of counts kept. */
  get retentionDays(): number {
    return this.options.retentionDays ?? 90;
  }

  /**
   * Counts one verification of a found token.
   *
   * @param area an area of the catalogue, or `unknown` (never a caller's free text: bounded memory).
   * @param code the outcome code (`ok`, `scope_missing`, `rate_limited`, ...).
   */
  record(tokenId: string, accountId: string, area: string, code: string, method: string, ip: string | null, nowMillis: number): void {
    if (nowMillis - this.hourMillis >= HOUR_MILLIS || nowMillis < this.hourMillis) this.closeHour(nowMillis);
    let usage = this.current.get(tokenId);
    if (usage === undefined) {
      usage = { accountId, areas: new Map(), lastAtMillis: 0, lastIp: null, lastArea: area, lastMethod: method, lastDirty: false };
      this.current.set(tokenId, usage);
    }
    let codes = usage.areas.get(area);
    if (codes === undefined) {
      codes = new Map();
      usage.areas.set(area, codes);
    }
    codes.set(code, (codes.get(code) ?? 0) + 1);
    if (nowMillis >= usage.lastAtMillis) {
      usage.lastAtMillis = nowMillis;
      usage.lastIp = ip;
      usage.lastArea = area;
      usage.lastMethod = method;
      usage.lastDirty = true;
    }
  }

  /** Moves the counts of the hour that ended into the waiting batch; last uses are kept. */
  private closeHour(nowMillis: number): void {
    this.waiting.push(...this.countsOf(this.current, this.hourMillis));
    const kept = new Map<string, TokenUsage>();
    for (const [id, u] of this.current) if (u.lastDirty) kept.set(id, { ...u, areas: new Map() });
    this.current = kept;
    this.hourMillis = Math.floor(nowMillis / HOUR_MILLIS) * HOUR_MILLIS;
  }

  private countsOf(map: Map<string, TokenUsage>, hourMillis: number): UsageCountRow[] {
    if (!Number.isFinite(hourMillis)) return [];
    const hour = new Date(hourMillis).toISOString();
    const rows: UsageCountRow[] = [];
    for (const [tokenId, u] of map) for (const [area, codes] of u.areas) for (const [code, count] of codes) rows.push({ tokenId, accountId: u.accountId, hour, area, code, count });
    return rows;
  }

  /** Counts not yet written, of an account (and optionally one token). */
  pending(accountId: string, tokenId?: string): UsageCountRow[] {
    const rows = [...this.waiting, ...this.countsOf(this.current, this.hourMillis), ...(this.inFlight ?? [])];
    return rows.filter((r) => r.accountId === accountId && (tokenId === undefined || r.tokenId === tokenId));
  }

  /** Last uses not yet written, of an account. */
  pendingLastUses(accountId: string): LastUseRow[] {
    const rows: LastUseRow[] = [];
    for (const [tokenId, u] of this.current) {
      if (u.accountId === accountId && u.lastAtMillis > 0) rows.push({ token_id: tokenId, account_id: u.accountId, used_at: new Date(u.lastAtMillis).toISOString(), ip: u.lastIp, area: u.lastArea, method: u.lastMethod });
    }
    return rows;
  }

  /** Rows being written by the flush under way (still counted by {@link pending} until they land). */
  private inFlight: UsageCountRow[] | null = null;

  /** Writes everything counted so far in one batch, and deletes counts past retention once an hour. */
  async flush(): Promise<void> {
    while (this.flushing !== null) await this.flushing;
    this.flushing = this.flushOnce();
    try {
      await this.flushing;
    } finally {
      this.flushing = null;
    }
  }

  private async flushOnce(): Promise<void> {
    const nowMillis = this.clock.nowMillis();
    const counts = [...this.waiting, ...this.countsOf(this.current, this.hourMillis)];
    const lastUses: LastUseRow[] = [];
    for (const [tokenId, u] of this.current) {
      u.areas.clear();
      if (u.lastDirty) {
        u.lastDirty = false;
        lastUses.push({ token_id: tokenId, account_id: u.accountId, used_at: new Date(u.lastAtMillis).toISOString(), ip: u.lastIp, area: u.lastArea, method: u.lastMethod });
      }
    }
    if (counts.length === 0 && lastUses.length === 0) return;
    this.waiting = [];
    this.inFlight = counts;
    try {
      await this.store.writeBatch(counts, lastUses);
    } catch (error) {
      this.waiting.push(...counts); // retried with the next batch
      throw error;
    } finally {
      this.inFlight = null;
    }
    if (nowMillis - this.lastPurgeMillis >= HOUR_MILLIS) {
      this.lastPurgeMillis = nowMillis;
      const cutoff = Math.floor((nowMillis - this.retentionDays * 86_400_000) / HOUR_MILLIS) * HOUR_MILLIS;
      await this.store.deleteCountsBefore(new Date(cutoff).toISOString());
    }
  }

  /** Stops the timer and writes what is pending. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
