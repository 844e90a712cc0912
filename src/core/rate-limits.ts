/**
 * Per-token limits (issue 14): named fixed windows (`rate_limits`) and uses that refill (`credits`).
 * Pure rules: validation of the wire shapes, the arithmetic of windows and refill periods, and the
 * containment of a child's limits in its parent's. The counting itself (in memory, or shared through
 * Redis) is src/service/usage-limiter.ts.
 *
 * Windows are fixed (aligned to the epoch: a 60 s window runs from :00 to :59 of each minute), as
 * Unkey's and rate-limiter-flexible's fixed windows are; a client can therefore get up to twice a
 * window's limit across one boundary. Refill periods are UTC days and UTC calendar months: at the first
 * use in a new period, `remaining` is set to the refill `amount` (not added to it, as Unkey's refill).
 */

/** One named window: at most `limit` verifications in each window of `windowSeconds`. */
export interface RateWindow {
  /** 1..32 characters of `[a-z0-9_-]`, unique per token (named in the `rate_limited` answer). */
  readonly name: string;
  /** Whole number, 1..1,000,000,000. */
  readonly limit: number;
  /** Whole seconds, 1..31,536,000 (a year). */
  readonly windowSeconds: number;
}

/** How credits come back. */
export type RefillInterval = "daily" | "monthly";

/** The refill of credits: `remaining` is set to `amount` at the start of each UTC day or month. */
export interface CreditRefill {
  /** Whole number, 1..1,000,000,000. */
  readonly amount: number;
  readonly interval: RefillInterval;
}

/** Credits: uses left, each verification spending its `cost`. */
export interface CreditsConfig {
  /** Whole number, 0..1,000,000,000: what is left when the limits are set. */
  readonly remaining: number;
  /** Null: no refill (the credits run out for good). */
  readonly refill: CreditRefill | null;
}

/** A token's limits; both parts optional. */
export interface TokenLimits {
  /** Empty: no window. At most {@link MAX_WINDOWS}. */
  readonly windows: readonly RateWindow[];
  /** Null: no credits (unlimited uses). */
  readonly credits: CreditsConfig | null;
}

/** No limits at all. */
export const NO_LIMITS: TokenLimits = Object.freeze({ windows: Object.freeze([]), credits: null });

/** Most windows per token. */
export const MAX_WINDOWS = 10;
/** Largest limit, amount, remaining or cost. */
export const MAX_COUNT = 1_000_000_000;
/** Longest window, seconds (365 days). */
export const MAX_WINDOW_SECONDS = 31_536_000;
/** Largest cost of one verification. */
export const MAX_COST = 1_000_000;

const WINDOW_NAME = /^[a-z0-9_-]{1,32}$/;
const DAY_MILLIS = 86_400_000;

/** Field problems, keyed by the wire field (`rate_limits[0].limit`, `credits.refill.interval`). */
export type LimitProblems = Record<string, string[]>;

/** Outcome of {@link parseLimits}. */
export type ParsedLimits = { readonly ok: true; readonly limits: TokenLimits } | { readonly ok: false; readonly problems: LimitProblems };

function wholeIn(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Reads the wire shapes of limits (`rate_limits` and `credits`), reporting every problem at once.
 *
 * @param rateLimits `[{name, limit, window_seconds}]`, or undefined/null for none.
 * @param credits `{remaining, refill?: {amount, interval: "daily" | "monthly"} | null}`, or undefined/null.
 * @returns the limits, or problems keyed by field (`rate_limits[1].window_seconds`, ...).
 */
export function parseLimits(rateLimits: unknown, credits: unknown): ParsedLimits {
  const problems: LimitProblems = {};
  const problem = (field: string, message: string): void => {
    (problems[field] ??= []).push(message);
  };
  const windows: RateWindow[] = [];
  if (rateLimits !== undefined && rateLimits !== null) {
    if (!Array.isArray(rateLimits)) problem("rate_limits", "Give a list of windows: [{name, limit, window_seconds}].");
    else if (rateLimits.length > MAX_WINDOWS) problem("rate_limits", `At most ${MAX_WINDOWS} windows.`);
    else {
      const names = new Set<string>();
      for (const [i, item] of (rateLimits as unknown[]).entries()) {
        const at = `rate_limits[${i}]`;
        if (typeof item !== "object" || item === null || Array.isArray(item)) {
          problem(at, "Give {name, limit, window_seconds}.");
          continue;
        }
        const w = item as Record<string, unknown>;
        const extra = Object.keys(w).filter((k) => k !== "name" && k !== "limit" && k !== "window_seconds");
        for (const k of extra) problem(`${at}.${k.slice(0, 40)}`, "This field is not accepted.");
        const nameOk = typeof w.name === "string" && WINDOW_NAME.test(w.name);
        if (!nameOk) problem(`${at}.name`, "1 to 32 characters: lower-case letters, digits, _ or -.");
        else if (names.has(w.name as string)) problem(`${at}.name`, "Each window needs its own name.");
        else names.add(w.name as string);
        const limitOk = wholeIn(w.limit, 1, MAX_COUNT);
        if (!limitOk) problem(`${at}.limit`, `A whole number from 1 to ${MAX_COUNT}.`);
        const secondsOk = wholeIn(w.window_seconds, 1, MAX_WINDOW_SECONDS);
        if (!secondsOk) problem(`${at}.window_seconds`, `Whole seconds from 1 to ${MAX_WINDOW_SECONDS}.`);
        if (nameOk && limitOk && secondsOk && extra.length === 0) windows.push({ name: w.name as string, limit: w.limit as number, windowSeconds: w.window_seconds as number });
      }
    }
  }
  let parsedCredits: CreditsConfig | null = null;
  if (credits !== undefined && credits !== null) {
    if (typeof credits !== "object" || Array.isArray(credits)) problem("credits", "Give {remaining, refill?}.");
    else {
      const c = credits as Record<string, unknown>;
      for (const k of Object.keys(c).filter((k) => k !== "remaining" && k !== "refill")) problem(`credits.${k.slice(0, 40)}`, "This field is not accepted.");
      if (!wholeIn(c.remaining, 0, MAX_COUNT)) problem("credits.remaining", `A whole number from 0 to ${MAX_COUNT}.`);
      let refill: CreditRefill | null = null;
      if (c.refill !== undefined && c.refill !== null) {
        if (typeof c.refill !== "object" || Array.isArray(c.refill)) problem("credits.refill", 'Give {amount, interval: "daily" | "monthly"}.');
        else {
          const r = c.refill as Record<string, unknown>;
          for (const k of Object.keys(r).filter((k) => k !== "amount" && k !== "interval")) problem(`credits.refill.${k.slice(0, 40)}`, "This field is not accepted.");
          if (!wholeIn(r.amount, 1, MAX_COUNT)) problem("credits.refill.amount", `A whole number from 1 to ${MAX_COUNT}.`);
          if (r.interval !== "daily" && r.interval !== "monthly") problem("credits.refill.interval", 'Choose "daily" or "monthly".');
          if (wholeIn(r.amount, 1, MAX_COUNT) && (r.interval === "daily" || r.interval === "monthly")) refill = { amount: r.amount, interval: r.interval };
        }
      }
      if (wholeIn(c.remaining, 0, MAX_COUNT)) parsedCredits = { remaining: c.remaining, refill };
    }
  }
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, limits: { windows, credits: parsedCredits } };
}

/**
 * Checks the `cost` of one verification: a whole number from 1 to {@link MAX_COST}; default 1.
 *
 * @returns the cost, or a problem for the `cost` field.
 */
export function parseCost(cost: unknown): { readonly ok: true; readonly cost: number } | { readonly ok: false; readonly problem: string } {
  if (cost === undefined || cost === null) return { ok: true, cost: 1 };
  if (!wholeIn(cost, 1, MAX_COST)) return { ok: false, problem: `A whole number from 1 to ${MAX_COST}.` };
  return { ok: true, cost };
}

/** Start of the fixed window holding `nowMillis`, epoch milliseconds. */
export function windowStartMillis(nowMillis: number, windowSeconds: number): number {
  const length = windowSeconds * 1000;
  return Math.floor(nowMillis / length) * length;
}

/**
 * Whole seconds until a window that is full now reopens, for Retry-After (RFC 9110 §10.2.3): at
 * least 1, rounded up, so a client that waits that long is in the next window.
 */
export function retryAfterSeconds(nowMillis: number, reopensAtMillis: number): number {
  return Math.max(1, Math.ceil((reopensAtMillis - nowMillis) / 1000));
}

/**
 * The index of the refill period holding `nowMillis`: UTC days since the epoch, or UTC months since
 * January 1970. Credits refill when a use falls in a later period than the last refill.
 */
export function refillPeriod(interval: RefillInterval, nowMillis: number): number {
  if (interval === "daily") return Math.floor(nowMillis / DAY_MILLIS);
  const d = new Date(nowMillis);
  return (d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth();
}

/** Start of the refill period after `period`, epoch milliseconds (when exhausted credits come back). */
export function nextRefillMillis(interval: RefillInterval, period: number): number {
  if (interval === "daily") return (period + 1) * DAY_MILLIS;
  const next = period + 1;
  return Date.UTC(1970 + Math.floor(next / 12), next % 12, 1);
}

/**
 * Whether a child's limits stay within its parent's (issue 14: a child's limits cannot exceed the
 * parent's). For every window of the parent the child needs a window at least as long holding no
 * more; with parent credits the child needs credits with no more remaining, and a refill (if any)
 * of no more per period on the same interval, and none when the parent has none.
 *
 * @returns the problems, keyed by wire field; empty when the child is within.
 */
export function limitsWithinParent(parent: TokenLimits, child: TokenLimits): LimitProblems {
  const problems: LimitProblems = {};
  for (const p of parent.windows) {
    const covered = child.windows.some((c) => c.windowSeconds >= p.windowSeconds && c.limit <= p.limit);
    if (!covered) (problems.rate_limits ??= []).push(`The parent token allows at most ${p.limit} per ${p.windowSeconds} s ("${p.name}"); give a window at least as strict.`);
  }
  if (parent.credits !== null) {
    const pc = parent.credits;
    const cc = child.credits;
    if (cc === null) (problems.credits ??= []).push("The parent token has credits; give the child credits too.");
    else {
      if (cc.remaining > pc.remaining) (problems["credits.remaining"] ??= []).push(`At most the parent's ${pc.remaining}.`);
      if (cc.refill !== null && (pc.refill === null || cc.refill.interval !== pc.refill.interval || cc.refill.amount > pc.refill.amount)) {
        (problems["credits.refill"] ??= []).push(pc.refill === null ? "The parent's credits do not refill." : `At most ${pc.refill.amount} ${pc.refill.interval}, as the parent.`);
      }
    }
  }
  return problems;
}

/** The wire shape of limits (snake_case, as the API takes and gives them). */
export interface LimitsWire {
  rate_limits: { name: string; limit: number; window_seconds: number }[];
  credits: { remaining: number; refill: { amount: number; interval: RefillInterval } | null } | null;
}

/** Limits in their wire shape; `remaining` is the caller's current figure. */
export function limitsToWire(limits: TokenLimits, remaining?: number): LimitsWire {
  return {
    rate_limits: limits.windows.map((w) => ({ name: w.name, limit: w.limit, window_seconds: w.windowSeconds })),
    credits: limits.credits === null ? null : { remaining: remaining ?? limits.credits.remaining, refill: limits.credits.refill === null ? null : { ...limits.credits.refill } },
  };
}

/** A token's limits as the verification record holds them (from the verification read). */
export interface RecordLimits {
  readonly limits: TokenLimits;
  /** Bumped on every change; counters restart when it moves. */
  readonly version: number;
  /** Credits left as last written to the database; null without credits. */
  readonly creditsRemaining: number | null;
  /** Refill period of `creditsRemaining`; null without refill. */
  readonly creditsPeriod: number | null;
}

/**
 * Reads the stored JSON of limits (written by the service after {@link parseLimits}).
 *
 * @returns the limits, or NO_LIMITS for a value that does not parse (never written by latchkey).
 */
export function limitsOfJson(json: string): TokenLimits {
  try {
    const wire = JSON.parse(json) as { rate_limits?: unknown; credits?: unknown };
    const parsed = parseLimits(wire.rate_limits, wire.credits);
    return parsed.ok ? parsed.limits : NO_LIMITS;
  } catch {
    return NO_LIMITS;
  }
}

/**
 * The record limits of the verification read's joined columns (null `limits`: the token has none).
 *
 * @param columns `limits` JSON, `credits_remaining` (a number, or a decimal string from PostgreSQL's
 *   bigint), `credits_period`, `limits_version`.
 */
export function recordLimitsOfColumns(columns: {
  readonly limits?: string | null;
  readonly credits_remaining?: number | string | null;
  readonly credits_period?: number | null;
  readonly limits_version?: number | null;
}): RecordLimits | null {
  if (columns.limits === null || columns.limits === undefined) return null;
  const limits = limitsOfJson(columns.limits);
  if (limits.windows.length === 0 && limits.credits === null) return null;
  return {
    limits,
    version: Number(columns.limits_version ?? 0),
    creditsRemaining: columns.credits_remaining === null || columns.credits_remaining === undefined ? null : Number(columns.credits_remaining),
    creditsPeriod: columns.credits_period ?? null,
  };
}
