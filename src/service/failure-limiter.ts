/**
 * Limits guessing: failed verifications and failed authentications (a malformed or unknown token, a
 * wrong verify key, a wrong password) are counted per client address, and past the limit (default 30
 * a minute) the address gets 429 with Retry-After instead of an answer. Successes are never counted
 * nor slowed: a request whose token is valid is answered as usual even from a limited address, so a
 * busy API sharing an address with an attacker keeps working, while the attacker learns nothing more.
 *
 * Counters come from rate-limiter-flexible: in memory by default, in Redis when LATCHKEY_REDIS_URL is
 * set, so every instance shares them. Should Redis fail, an in-memory limiter takes over (the
 * library's insurance limiter) rather than letting guesses through unlimited.
 */
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

/** The result of counting a failure. */
export interface FailureCount {
  /** True when the address is past its limit: answer 429 instead. */
  readonly limited: boolean;
  /** Whole seconds until the address may fail again (for Retry-After); 0 when not limited. */
  readonly retryAfterSeconds: number;
}

/** Counts failures per key (a client address). */
export interface FailureLimiter {
  /** Counts one failure of `key` and says whether the key is now past the limit. Never throws. */
  recordFailure(key: string): Promise<FailureCount>;
  /** Resolves once the shared store is connected, or after `timeoutMs` (the in-memory fallback answers meanwhile). */
  ready(timeoutMs?: number): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** Options of {@link createFailureLimiter}. */
export interface FailureLimiterOptions {
  /** Failures allowed per key per window; 0 turns limiting off. */
  readonly failuresPerWindow: number;
  /** Window length, seconds (default 60). */
  readonly windowSeconds?: number;
  /** redis://... to share counters between instances; absent: in memory. */
  readonly redisUrl?: string | null;
  /** Prefix of Redis keys (default `latchkey:failures`). */
  readonly keyPrefix?: string;
}

/** A limiter that never limits (LATCHKEY_FAILED_ATTEMPTS_PER_MINUTE=0). */
export const NO_FAILURE_LIMIT: FailureLimiter = {
  recordFailure: async () => ({ limited: false, retryAfterSeconds: 0 }),
  ready: async () => undefined,
  close: async () => undefined,
};

/**
 * Builds the limiter.
 *
 * @throws Error when `failuresPerWindow` is negative or not a whole number.
 */
export function createFailureLimiter(options: FailureLimiterOptions): FailureLimiter {
  if (!Number.isInteger(options.failuresPerWindow) || options.failuresPerWindow < 0) throw new Error("the failure limit must be a whole number of 0 or more");
  if (options.failuresPerWindow === 0) return NO_FAILURE_LIMIT;
  const shape = { points: options.failuresPerWindow, duration: options.windowSeconds ?? 60, keyPrefix: options.keyPrefix ?? "latchkey:failures" };
  const memory = new RateLimiterMemory(shape);
  let redis: Redis | null = null;
  let limiter: RateLimiterAbstract = memory;
  if (options.redisUrl) {
    redis = new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    redis.on("error", () => undefined); // the insurance limiter answers while Redis is away
    limiter = new RateLimiterRedis({ ...shape, storeClient: redis, insuranceLimiter: memory });
  }
  return {
    async recordFailure(key) {
      try {
        await limiter.consume(key, 1);
        return { limited: false, retryAfterSeconds: 0 };
      } catch (result) {
        if (result instanceof RateLimiterRes) return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)) };
        // Neither Redis nor the insurance limiter answered: count as limited (fail closed) for a second.
        return { limited: true, retryAfterSeconds: 1 };
      }
    },
    async ready(timeoutMs = 2_000) {
      if (redis === null || redis.status === "ready") return;
      const connection = redis;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        connection.once("ready", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    async close() {
      redis?.disconnect();
    },
  };
}
