/**
 * The Redis scripts of the usage limiter (src/service/usage-limiter.ts, issue 14): window leases
 * on Redis's own clock, and credits spent atomically. Each runs as one script, so concurrent
 * instances never interleave inside it.
 */
import type { Redis } from "ioredis";

/** How long an unused token's credits stay in Redis, seconds (100 days). */
export const CREDITS_TTL_SECONDS = 100 * 86_400;

/** Takes up to ARGV[3] uses of a window of ARGV[1] seconds with limit ARGV[2], on Redis's clock. Returns {granted, index, millisLeft}. */
export const LEASE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local len = tonumber(ARGV[1]) * 1000
local idx = math.floor(now / len)
local key = KEYS[1] .. ':' .. idx
local used = tonumber(redis.call('GET', key) or '0')
local grant = math.min(tonumber(ARGV[3]), tonumber(ARGV[2]) - used)
if grant < 0 then grant = 0 end
if grant > 0 then
  redis.call('INCRBY', key, grant)
  redis.call('PEXPIRE', key, len + 1000)
end
return {grant, idx, (idx + 1) * len - now}
`;

/** Spends ARGV[5] credits, seeding the key from ARGV[1..2] and refilling to ARGV[4] in a later period ARGV[3]. Returns {took, remaining, period}. */
export const CREDITS_SCRIPT = `
local r = redis.call('HMGET', KEYS[1], 'remaining', 'period')
local remaining = tonumber(r[1])
local period = tonumber(r[2])
if remaining == nil then
  remaining = tonumber(ARGV[1])
  period = tonumber(ARGV[2])
end
local current = tonumber(ARGV[3])
if current >= 0 and current > period then
  remaining = tonumber(ARGV[4])
  period = current
end
local took = 0
if remaining >= tonumber(ARGV[5]) then
  remaining = remaining - tonumber(ARGV[5])
  took = 1
end
redis.call('HSET', KEYS[1], 'remaining', remaining, 'period', period)
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[6]))
return {took, remaining, period}
`;

/** The Redis client of {@link UsageLimiter} with both scripts defined (`defineCommand`). */
export type LimiterRedis = Redis & {
  latchkeyLease(key: string, windowSeconds: number, limit: number, want: number): Promise<[number, number, number]>;
  latchkeyCredits(key: string, ...args: number[]): Promise<[number, number, number]>;
};
