/**
 * Counts verifications against a token's rate windows and credits (issue 14), deciding in memory on
 * the hot path and writing credits to the database in batches (never once per verification).
 *
 * One instance (no LATCHKEY_REDIS_URL): every counter is in this process. A verification with
 * windows and credits is decided synchronously, with no promise and no allocation on an allowed
 * answer. Credits are written to the database every `flushMillis` (and on close); a crash loses at
 * most that interval's spending (the restarted instance allows it again).
 *
 * Several instances (LATCHKEY_REDIS_URL): counters are shared through Redis.
 * - Windows are leased: an instance takes `lease = max(1, floor(limit / 20))` uses of a window at a
 *   time from a Redis counter (one script, windows aligned on Redis's own clock, so instances agree
 *   on where a window starts), and decides from its lease in memory until it is spent. A lease is
 *   never granted past the limit, and expires locally no later than Redis's window, so the instances
 *   together never allow more than `limit` in a window (the stated bound: 0 over). They may refuse
 *   early by at most `instances × (lease − 1)` in a window (uses leased by one instance and not
 *   spent before the window ends); below a limit of 40 the lease is 1 and the count is exact.
 *   Each use is first held in this instance's own count of the window (its clock) synchronously,
 *   before Redis is asked, so a burst of concurrent requests cannot all pass while the first waits
 *   on Redis; a refused reservation is released (and a use Redis granted goes back to the lease).
 *   An instance whose clock lags Redis's may refuse early for that lag after a window starts.
 * - Credits are taken in Redis by one script per verification (exact: never overspent, never
 *   refused while credits remain). The database keeps the last figure an instance saw, written in
 *   batches, as the seed should Redis lose the key.
 * - Redis unreachable: credits fail closed (503 `limits_unavailable`); windows follow
 *   LATCHKEY_RATE_LIMIT_WHEN_REDIS_DOWN: `open` (default) counts each window in this instance's
 *   memory (each instance then allows up to `limit` in a window, the uses it allowed through Redis
 *   in that window included, so at most `instances × limit` together),
 *   `closed` refuses with 503 `limits_unavailable`.
 */
import { Redis } from "ioredis";
import type { Clock } from "../core/clock.js";
import {
  nextRefillMillis,
  refillPeriod,
  retryAfterSeconds,
  windowStartMillis,
  type CreditRefill,
  type RateWindow,
  type RecordLimits,
} from "../core/rate-limits.js";
import type { UsageStore } from "../store/usage-store.js";
import { CREDITS_SCRIPT, CREDITS_TTL_SECONDS, LEASE_SCRIPT, type LimiterRedis } from "./usage-redis-scripts.js";

/** What happens to windows while Redis cannot be reached (credits always fail closed). */
export type WindowsWhenRedisDown = "open" | "closed";

/** A refusal by a limit. */
export type LimitRefusal =
  | { readonly code: "rate_limited"; readonly window: string; readonly retryAfterSeconds: number; readonly message: string }
  | { readonly code: "credits_exhausted"; readonly retryAfterSeconds?: number; readonly costNeverFits?: boolean; readonly message: string }
  | { readonly code: "limits_unavailable"; readonly retryAfterSeconds: number; readonly message: string };

/** Options of {@link UsageLimiter}. */
export interface UsageLimiterOptions {
  /** redis://... to share counters between instances; null: this process alone. */
  readonly redisUrl?: string | null;
  /** Prefix of Redis keys (default `latchkey:usage`). */
  readonly keyPrefix?: string;
  /** Windows while Redis is unreachable (default `open`). */
  readonly windowsWhenRedisDown?: WindowsWhenRedisDown;
  /** How often credits are written to the database, milliseconds (default 10,000). */
  readonly flushMillis?: number;
  /** Told of a failed background write or an unreachable Redis. */
  readonly onBackgroundError?: (error: unknown) => void;
}

interface WindowCounter {
  readonly window: RateWindow;
  readonly lengthMillis: number;
  /** Memory counting (one instance, or Redis down with `open`). */
  startMillis: number;
  used: number;
  /** Redis: uses leased and not yet spent, valid before `leaseUntilMillis` (this clock). */
  leaseLeft: number;
  leaseUntilMillis: number;
  readonly leaseSize: number;
}

interface CreditCounter {
  remaining: number;
  /** Refill period of `remaining`, or -1 without refill. */
  period: number;
  readonly refill: CreditRefill | null;
  /** The most the credits can hold: the `remaining` they were set with, or the refill's amount. */
  readonly capacity: number;
}

interface TokenCounters {
  readonly version: number;
  readonly accountId: string;
  readonly windows: WindowCounter[];
  readonly credits: CreditCounter | null;
}

const UNAVAILABLE: LimitRefusal = {
  code: "limits_unavailable",
  retryAfterSeconds: 1,
  message: "The shared counters of rate limits and credits cannot be reached. Try again shortly.",
};

export class UsageLimiter {
  private readonly counters = new Map<string, TokenCounters>();
  /** Tokens whose credits changed since the last write. */
  private readonly dirty = new Set<string>();
  private readonly redis: LimiterRedis | null;
  private readonly prefix: string;
  private readonly whenDown: WindowsWhenRedisDown;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: UsageStore,
    private readonly clock: Clock,
    private readonly options: UsageLimiterOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? "latchkey:usage";
    this.whenDown = options.windowsWhenRedisDown ?? "open";
    this.redis = null;
    if (options.redisUrl) {
      const redis = new Redis(options.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: 500,
        lazyConnect: false,
      }) as LimiterRedis;
      redis.on("error", () => undefined); // each command answers for itself (see the direction above)
      redis.defineCommand("latchkeyLease", { numberOfKeys: 1, lua: LEASE_SCRIPT });
      redis.defineCommand("latchkeyCredits", { numberOfKeys: 1, lua: CREDITS_SCRIPT });
      this.redis = redis;
    }
    this.timer = setInterval(() => {
      this.flush().catch((error: unknown) => options.onBackgroundError?.(error));
    }, options.flushMillis ?? 10_000);
    this.timer.unref();
  }

  /** The limiter's clock, epoch milliseconds. */
  nowMillis(): number {
    return this.clock.nowMillis();
  }

  /** Whether counters are shared through Redis. */
  get shared(): boolean {
    return this.redis !== null;
  }

  /**
   * Counts one verification of a token against its limits.
   *
   * Windows count 1 per verification; credits spend `cost`. Nothing is counted when the answer is a
   * refusal. Synchronous (a plain value) unless Redis must be asked.
   *
   * @param tokenId the token's id; `accountId` its account (for the batch write).
   * @param limits the record's limits, or null/undefined for none (then null at once).
   * @param cost credits to spend, 1..1,000,000.
   * @returns null when allowed, else the refusal; a promise of either when Redis is asked.
   */
  consume(tokenId: string, accountId: string, limits: RecordLimits | null | undefined, cost: number): LimitRefusal | null | Promise<LimitRefusal | null> {
    if (limits === null || limits === undefined) return null;
    let counters = this.counters.get(tokenId);
    if (counters === undefined || counters.version !== limits.version) counters = this.start(tokenId, accountId, limits);
    const nowMillis = this.clock.nowMillis();
    if (this.redis !== null) return this.fromLeases(counters, nowMillis) ? null : this.consumeShared(tokenId, counters, cost, nowMillis);
    return this.consumeLocal(tokenId, counters, cost, nowMillis);
  }

  /** The credits left of a token as this instance knows them, or null when it has no counter. */
  creditsRemaining(tokenId: string, version: number): number | null {
    const counters = this.counters.get(tokenId);
    return counters !== undefined && counters.version === version && counters.credits !== null ? counters.credits.remaining : null;
  }

  /** Forgets a token's counters (its limits changed or it was deleted); credits are then seeded afresh. */
  forget(tokenId: string): void {
    this.counters.delete(tokenId);
    this.dirty.delete(tokenId);
  }

  private start(tokenId: string, accountId: string, limits: RecordLimits): TokenCounters {
    const credits = limits.limits.credits;
    const counters: TokenCounters = {
      version: limits.version,
      accountId,
      windows: limits.limits.windows.map((window) => ({
        window,
        lengthMillis: window.windowSeconds * 1000,
        startMillis: Number.NEGATIVE_INFINITY,
        used: 0,
        leaseLeft: 0,
        leaseUntilMillis: Number.NEGATIVE_INFINITY,
        leaseSize: Math.max(1, Math.floor(window.limit / 20)),
      })),
      credits:
        credits === null
          ? null
          : {
              remaining: limits.creditsRemaining ?? credits.remaining,
              period: credits.refill === null ? -1 : (limits.creditsPeriod ?? refillPeriod(credits.refill.interval, this.clock.nowMillis())),
              refill: credits.refill,
              capacity: Math.max(credits.remaining, credits.refill?.amount ?? 0),
            },
    };
    this.counters.set(tokenId, counters);
    return counters;
  }

  private consumeLocal(tokenId: string, counters: TokenCounters, cost: number, nowMillis: number): LimitRefusal | null {
    const credits = counters.credits;
    if (credits !== null) {
      this.refill(credits, nowMillis);
      const never = this.costNeverFits(credits, cost);
      if (never !== null) return never;
    }
    for (const w of counters.windows) {
      const start = windowStartMillis(nowMillis, w.window.windowSeconds);
      if (start !== w.startMillis) {
        w.startMillis = start;
        w.used = 0;
      }
      if (w.used >= w.window.limit) return rateLimited(w.window, retryAfterSeconds(nowMillis, start + w.lengthMillis));
    }
    if (credits !== null && credits.remaining < cost) return exhausted(credits, nowMillis);
    for (const w of counters.windows) w.used++;
    if (credits !== null) {
      credits.remaining -= cost;
      this.dirty.add(tokenId);
    }
    return null;
  }

  /**
   * Redis: holds one use of every window in this instance's own window synchronously, before any
   * await (so a burst of concurrent requests cannot all pass while the first waits), then
   * reconciles with Redis; a refused reservation is released.
   */
  private consumeShared(tokenId: string, counters: TokenCounters, cost: number, nowMillis: number): LimitRefusal | Promise<LimitRefusal | null> {
    const held = this.hold(counters, nowMillis);
    if (!Array.isArray(held)) return held;
    return this.reconcile(tokenId, counters, cost, held);
  }

  /** Counts one use in each window's local count, or refuses (holding nothing) when one is full; returns the windows' starts. */
  private hold(counters: TokenCounters, nowMillis: number): number[] | LimitRefusal {
    for (const w of counters.windows) {
      const start = windowStartMillis(nowMillis, w.window.windowSeconds);
      if (start !== w.startMillis) {
        w.startMillis = start;
        w.used = 0;
      }
      if (w.used >= w.window.limit) return rateLimited(w.window, retryAfterSeconds(nowMillis, start + w.lengthMillis));
    }
    return counters.windows.map((w) => {
      w.used++;
      return w.startMillis;
    });
  }

  /** Takes each held use from a lease or from Redis, then spends credits in Redis; undoes all on a refusal. */
  private async reconcile(tokenId: string, counters: TokenCounters, cost: number, heldStarts: number[]): Promise<LimitRefusal | null> {
    const redis = this.redis as LimiterRedis;
    const leased: WindowCounter[] = [];
    const refuse = (refusal: LimitRefusal): LimitRefusal => {
      this.release(counters, heldStarts, leased);
      return refusal;
    };
    for (const w of counters.windows) {
      if (w.leaseLeft >= 1 && this.clock.nowMillis() < w.leaseUntilMillis) {
        w.leaseLeft--;
        leased.push(w);
        continue;
      }
      if (redis.status !== "ready") {
        if (this.whenDown === "closed") return refuse(UNAVAILABLE);
        continue; // open: the use held in this instance's window is the count
      }
      const sentAtMillis = this.clock.nowMillis();
      try {
        const [granted, , millisLeft] = await redis.latchkeyLease(
          `${this.prefix}:window:${tokenId}:${counters.version}:${w.window.name}:${w.window.windowSeconds}`,
          w.window.windowSeconds,
          w.window.limit,
          w.leaseSize,
        );
        // The lease ends no later than Redis's window: measured from before the request was sent.
        const until = sentAtMillis + Number(millisLeft);
        if (Number(granted) < 1) {
          // Redis's window is full, but uses leased meanwhile by this instance's concurrent requests may be left.
          if (w.leaseLeft >= 1 && this.clock.nowMillis() < w.leaseUntilMillis) {
            w.leaseLeft--;
            leased.push(w);
            continue;
          }
          return refuse(rateLimited(w.window, retryAfterSeconds(sentAtMillis, until)));
        }
        // This request takes one use of its own grant; the rest joins the lease.
        if (this.clock.nowMillis() >= w.leaseUntilMillis) {
          w.leaseLeft = 0;
          w.leaseUntilMillis = until;
        } else w.leaseUntilMillis = Math.min(w.leaseUntilMillis, until);
        w.leaseLeft += Number(granted) - 1;
        leased.push(w);
      } catch (error) {
        this.options.onBackgroundError?.(error);
        if (this.whenDown === "closed") return refuse(UNAVAILABLE);
      }
    }
    const credits = counters.credits;
    if (credits === null) return null;
    if (redis.status !== "ready") return refuse(UNAVAILABLE);
    try {
      const localNow = this.clock.nowMillis();
      const current = credits.refill === null ? -1 : refillPeriod(credits.refill.interval, localNow);
      const [took, remaining, period] = await redis.latchkeyCredits(
        `${this.prefix}:credits:${tokenId}:${counters.version}`,
        credits.remaining,
        credits.period,
        current,
        credits.refill?.amount ?? 0,
        cost,
        CREDITS_TTL_SECONDS,
      );
      credits.remaining = Number(remaining);
      credits.period = Number(period);
      this.dirty.add(tokenId);
      if (Number(took) !== 1) return refuse(this.costNeverFits(credits, cost) ?? exhausted(credits, localNow));
    } catch (error) {
      this.options.onBackgroundError?.(error);
      return refuse(UNAVAILABLE);
    }
    return null;
  }

  /**
   * Undoes a refused request's reservation: the use held in each local window (unless that window
   * has since ended) and the uses it took from Redis, given back to the lease while it holds.
   */
  private release(counters: TokenCounters, heldStarts: number[], leased: WindowCounter[]): void {
    counters.windows.forEach((w, i) => {
      if (w.startMillis === heldStarts[i] && w.used > 0) w.used--;
    });
    const nowMillis = this.clock.nowMillis();
    for (const w of leased) if (nowMillis < w.leaseUntilMillis) w.leaseLeft++;
  }

  /** Redis, windows only, every lease still holding uses and every local window room: decided here, synchronously. */
  private fromLeases(counters: TokenCounters, nowMillis: number): boolean {
    if (counters.credits !== null) return false;
    for (const w of counters.windows) {
      if (w.leaseLeft < 1 || nowMillis >= w.leaseUntilMillis) return false;
      if (w.used >= w.window.limit && windowStartMillis(nowMillis, w.window.windowSeconds) === w.startMillis) return false;
    }
    for (const w of counters.windows) {
      const start = windowStartMillis(nowMillis, w.window.windowSeconds);
      if (start !== w.startMillis) {
        w.startMillis = start;
        w.used = 0;
      }
      w.used++;
      w.leaseLeft--;
    }
    return true;
  }

  /** Sets credits to the refill amount at the first use of a later period. */
  private refill(credits: CreditCounter, nowMillis: number): void {
    if (credits.refill === null) return;
    const period = refillPeriod(credits.refill.interval, nowMillis);
    if (period > credits.period) {
      credits.remaining = credits.refill.amount;
      credits.period = period;
    }
  }

  /**
   * A cost the token's credits can never cover: more than the credits the limits were set with and
   * than a refill brings (a 422 on `cost`; a cost above what is left now, but within those, is 429).
   */
  private costNeverFits(credits: CreditCounter, cost: number): LimitRefusal | null {
    if (cost <= credits.capacity) return null;
    return { code: "credits_exhausted", costNeverFits: true, message: `A cost of ${cost} is more than this token's credits can ever cover.` };
  }

  /** Writes changed credits to the database in one batch. */
  async flush(): Promise<void> {
    if (this.dirty.size === 0) return;
    const batch: { tokenId: string; version: number; remaining: number; period: number | null }[] = [];
    for (const tokenId of this.dirty) {
      const c = this.counters.get(tokenId);
      if (c?.credits) batch.push({ tokenId, version: c.version, remaining: c.credits.remaining, period: c.credits.period < 0 ? null : c.credits.period });
    }
    this.dirty.clear();
    await this.store.saveCredits(batch);
  }

  /** Resolves once Redis is connected (or after `timeoutMs`); at once without Redis. */
  async ready(timeoutMs = 2_000): Promise<void> {
    const redis = this.redis;
    if (redis === null || redis.status === "ready") return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      redis.once("ready", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Stops the timer, writes what is pending and closes Redis. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    this.redis?.disconnect();
  }
}

function rateLimited(window: RateWindow, retryAfter: number): LimitRefusal {
  return {
    code: "rate_limited",
    window: window.name,
    retryAfterSeconds: retryAfter,
    message: `Rate limit "${window.name}" reached: ${window.limit} per ${window.windowSeconds} s.`,
  };
}

function exhausted(credits: CreditCounter, nowMillis: number): LimitRefusal {
  if (credits.refill === null) return { code: "credits_exhausted", message: "The API token has no credits left for this request." };
  return {
    code: "credits_exhausted",
    retryAfterSeconds: retryAfterSeconds(nowMillis, nextRefillMillis(credits.refill.interval, credits.period)),
    message: `The API token has no credits left for this request; they refill ${credits.refill.interval}.`,
  };
}
