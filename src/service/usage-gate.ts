/**
 * The last step of every verification (issue 14): a decision that passed every other check is
 * counted against the token's rate windows and credits (src/service/usage-limiter.ts), and every
 * decision about a found token is counted for usage (src/service/usage-recorder.ts). DESIGN.md's
 * "Round 2 additions": `rate_limited` / `credits_exhausted` come last, after every other check, so a
 * refused request never spends a window's use or a credit.
 */
import type { Catalogue } from "../core/catalogue.js";
import { statusOf } from "../core/error-catalog.js";
import type { TokenRecord, VerifyDecision, VerifyQuestion } from "../core/verify-decision.js";
import { ServiceError } from "./service-error.js";
import type { LimitRefusal, UsageLimiter } from "./usage-limiter.js";
import type { UsageRecorder } from "./usage-recorder.js";
import { SILENT_OBSERVER, type ServiceObserver } from "./service-observer.js";

/** A token's first refusal by one of its rate windows in that window (for the `token.rate_limited` event). */
export interface RateLimitHit {
  readonly tokenId: string;
  readonly accountId: string;
  /** The window's name, limit and length in whole seconds, as the token's limits state them. */
  readonly window: string;
  readonly limit: number | null;
  readonly windowSeconds: number | null;
  /** When the full window ends, epoch milliseconds (now + Retry-After). */
  readonly windowEndsAtMillis: number;
  /** The caller's address, when known. */
  readonly ip: string | null;
}

/** Most (token, window) pairs remembered for {@link UsageGate}'s once-per-window report. */
const MAX_REMEMBERED_HITS = 10_000;

export class UsageGate {
  /** `token id NUL window name` -> end of the window already reported, epoch milliseconds. */
  private readonly reported = new Map<string, number>();

  /**
   * @param onRateLimited told once per token, window and window period (per instance; the webhook
   *   service keeps it to one event across instances) when a rate window first refuses a use. Off the
   *   hot path: a refused request already left it, and the hook must not block.
   */
  constructor(
    private readonly catalogue: Catalogue,
    readonly limiter: UsageLimiter,
    readonly recorder: UsageRecorder,
    /** Told of each refusal for a token's windows or credits (metrics). */
    private readonly observer: ServiceObserver = SILENT_OBSERVER,
    private readonly onRateLimited?: (hit: RateLimitHit) => void,
  ) {}

  /**
   * Applies limits to a decision and counts it.
   *
   * @returns the decision as it was, or a `rate_limited` / `credits_exhausted` / `limits_unavailable`
   *   refusal; a promise only when Redis had to be asked.
   */
  apply(decision: VerifyDecision, question: VerifyQuestion, nowMillis: number): VerifyDecision | Promise<VerifyDecision> {
    const record = decision.record;
    if (record === undefined) return decision;
    if (!decision.allowed) {
      this.count(record, question, decision.code, nowMillis);
      return decision;
    }
    const refusal = record.limits == null ? null : this.limiter.consume(record.id, record.accountId, record.limits, question.cost ?? 1);
    if (refusal === null) {
      this.count(record, question, "ok", nowMillis);
      return decision;
    }
    if (refusal instanceof Promise) return refusal.then((r) => this.conclude(decision, record, question, r, nowMillis));
    return this.conclude(decision, record, question, refusal, nowMillis);
  }

  /**
   * Counts a management API request of an authenticated token against its limits and its usage.
   *
   * @param area the area of the route (`tokens`, `domains`, ...).
   * @throws ServiceError rate_limited, credits_exhausted (429, with Retry-After when known), limits_unavailable (503).
   */
  async admit(record: TokenRecord, area: string, method: string, ip: string | null): Promise<void> {
    const question: VerifyQuestion = { area, level: "read", domain: null, method, ip };
    const nowMillis = this.limiter.nowMillis();
    const refusal = record.limits == null ? null : await this.limiter.consume(record.id, record.accountId, record.limits, 1);
    this.count(record, question, refusal === null ? "ok" : refusal.code, nowMillis);
    if (refusal?.code === "rate_limited") this.report(record, refusal, ip, nowMillis);
    if (refusal !== null) {
      this.observer.rateLimitRefusal("token_limits", refusal.code);
      throw new ServiceError(refusal.code, { message: refusal.message, ...(refusal.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: refusal.retryAfterSeconds }) });
    }
  }

  private conclude(decision: VerifyDecision, record: TokenRecord, question: VerifyQuestion, refusal: LimitRefusal | null, nowMillis: number): VerifyDecision {
    if (refusal === null) {
      this.count(record, question, "ok", nowMillis);
      return decision;
    }
    const costNeverFits = refusal.code === "credits_exhausted" && refusal.costNeverFits === true;
    if (!costNeverFits) {
      this.count(record, question, refusal.code, nowMillis);
      this.observer.rateLimitRefusal("token_limits", refusal.code);
    }
    if (refusal.code === "rate_limited") this.report(record, refusal, question.ip ?? null, nowMillis);
    return {
      allowed: false,
      code: refusal.code,
      status: statusOf(refusal.code),
      record,
      message: refusal.message,
      ...(refusal.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: refusal.retryAfterSeconds }),
      ...(refusal.code === "rate_limited" ? { window: refusal.window } : {}),
      ...(costNeverFits ? { costNeverFits } : {}),
    };
  }

  /** Tells {@link onRateLimited} of a window's first refusal in its period. */
  private report(record: TokenRecord, refusal: Extract<LimitRefusal, { code: "rate_limited" }>, ip: string | null, nowMillis: number): void {
    if (this.onRateLimited === undefined) return;
    const key = `${record.id}\u0000${refusal.window}`;
    const reportedUntil = this.reported.get(key);
    if (reportedUntil !== undefined && nowMillis < reportedUntil) return;
    const windowEndsAtMillis = nowMillis + refusal.retryAfterSeconds * 1000;
    if (this.reported.size >= MAX_REMEMBERED_HITS) {
      for (const [k, until] of this.reported) if (until <= nowMillis) this.reported.delete(k);
      if (this.reported.size >= MAX_REMEMBERED_HITS) this.reported.clear();
    }
    this.reported.set(key, windowEndsAtMillis);
    const window = record.limits?.limits.windows.find((w) => w.name === refusal.window);
    this.onRateLimited({
      tokenId: record.id,
      accountId: record.accountId,
      window: refusal.window,
      limit: window?.limit ?? null,
      windowSeconds: window?.windowSeconds ?? null,
      windowEndsAtMillis,
      ip,
    });
  }

  private count(record: TokenRecord, question: VerifyQuestion, code: string, nowMillis: number): void {
    const area = this.catalogue.byKey.has(question.area) ? question.area : "unknown";
    this.recorder.record(record.id, record.accountId, area, code, question.method ?? (question.level === "read" ? "GET" : "POST"), question.ip ?? null, nowMillis);
  }
}
