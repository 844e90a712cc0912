/**
 * Usage use cases (issue 14): a token's limits (shown and changed by a manager within the ceiling;
 * limits are not permissions, so unlike scopes they may change after creation), its usage over time,
 * the account's usage, and the token list ordered by last use.
 *
 * Who may: `tokens_full`, as for every token route; a token acts only on tokens within its own rights
 * (src/service/token-service.ts) and cannot loosen limits past its own, nor past the token's parent
 * (the token that created it: `created_by = token:<id>`).
 */
import type { Catalogue } from "../core/catalogue.js";
import type { Clock } from "../core/clock.js";
import { limitsOfJson, limitsToWire, limitsWithinParent, parseLimits, refillPeriod, type LimitProblems, type LimitsWire, type TokenLimits } from "../core/rate-limits.js";
import { exceedsCeiling } from "../core/token-ceiling.js";
import type { PageRequest, Store, TokenWithDomains } from "../store/store.js";
import { findVisibleToken } from "../store/keyset-list-store.js";
import { UsageStore, type LastUseOrder, type LastUseRow, type UsageCountRow } from "../store/usage-store.js";
import { tokenViewerOf } from "./token-visibility.js";
import { recordAuditEvent } from "./audit-log.js";
import type { IdFactory } from "./id-factory.js";
import { accountOf, requireLevel, type ActorContext } from "./principal.js";
import { ServiceError, validationError } from "./service-error.js";
import { detailsOfRow, permissionsOfRow, type TokenDetails } from "./token-view.js";
import type { UsageLimiter } from "./usage-limiter.js";
import type { UsageRecorder } from "./usage-recorder.js";
import type { Verifier } from "./verifier.js";

/** What the usage use cases need. */
export interface UsageServiceDeps {
  readonly store: Store;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
  readonly ids: IdFactory;
  readonly verifier: Verifier;
  readonly limiter: UsageLimiter;
  readonly recorder: UsageRecorder;
}

/** Bucket size of a usage series. */
export type Granularity = "hour" | "day";

/** A usage question: `[from, to)` as RFC 3339 instants (absent: the last 7 days) and bucket size. */
export interface UsageQuery {
  readonly from?: string;
  readonly to?: string;
  readonly granularity?: Granularity;
}

/** One bucket of a series: its start and the count of each outcome code. */
export interface UsageBucket {
  readonly start: string;
  readonly counts: Record<string, number>;
}

/** A usage answer. */
export interface UsageReport {
  readonly from: string;
  readonly to: string;
  readonly granularity: Granularity;
  /** Every bucket of the range, oldest first, empty ones included. */
  readonly series: UsageBucket[];
  /** Counts per code over the range. */
  readonly totals: Record<string, number>;
  /** Counts per area and code over the range. */
  readonly areas: Record<string, Record<string, number>>;
  /** Per token (account usage: the 100 busiest; token usage: the one), busiest first. */
  readonly tokens: { token_id: string; name: string | null; total: number; refused: number }[];
  /** Rows in their stored shape (for CSV). */
  readonly rows: UsageCountRow[];
  /** Names of every token in `rows` (for CSV). */
  readonly names: ReadonlyMap<string, string>;
}

const HOUR_MILLIS = 3_600_000;
const DAY_MILLIS = 86_400_000;
/** Most buckets in one answer (31 days of hours, 400 days of days). */
const MAX_HOUR_BUCKETS = 744;
const MAX_DAY_BUCKETS = 400;
/** Most tokens listed in a report (the busiest). */
const MAX_REPORT_TOKENS = 100;

export class UsageService {
  private readonly usage: UsageStore;

  constructor(private readonly deps: UsageServiceDeps) {
    this.usage = new UsageStore(deps.store);
  }

  /**
   * A token's limits, with the credits left as counted now. Needs `tokens_full`.
   *
   * @throws ServiceError scope_missing, not_found.
   */
  async limits(actor: ActorContext, tokenId: string): Promise<LimitsWire> {
    requireLevel(this.deps.catalogue, actor.principal, "tokens", "full");
    const token = await findVisibleToken(this.deps.store, accountOf(actor.principal), tokenId, tokenViewerOf(actor.principal, this.deps.catalogue));
    if (token === undefined) throw notFound();
    const row = await this.usage.findLimits(tokenId);
    if (row === undefined) return limitsToWire({ windows: [], credits: null });
    const counted = this.deps.limiter.creditsRemaining(tokenId, row.version);
    return limitsToWire(limitsOfJson(row.limits), counted ?? (row.credits_remaining === null ? undefined : Number(row.credits_remaining)));
  }

  /**
   * Replaces a token's limits (`{rate_limits: [], credits: null}` removes them). Counters start
   * afresh on every instance with the next verification (the version moves).
   *
   * @throws ServiceError scope_missing, not_found, validation_failed (every field problem, nothing
   *   changed), ceiling_exceeded (looser than the acting token's or the parent's limits; `lacking`).
   */
  async setLimits(actor: ActorContext, tokenId: string, rateLimits: unknown, credits: unknown): Promise<LimitsWire> {
    const { catalogue, clock, store } = this.deps;
    requireLevel(catalogue, actor.principal, "tokens", "full");
    const parsed = parseLimits(rateLimits, credits);
    if (!parsed.ok) throw validationError(parsed.problems);
    const accountId = accountOf(actor.principal);
    const done = await store.transaction(async (tx) => {
      // A token sees and manages only its own subtree within its domains (lineage): others are 404.
      const target = await findVisibleToken(tx, accountId, tokenId, tokenViewerOf(actor.principal, this.deps.catalogue));
      if (target === undefined) return false;
      requireManages(catalogue, actor, target);
      // Found by the break test: a token setting its own limits again would restart its own counters
      // (a fresh window, its credits back to what it was given).
      if (actor.principal.kind === "token" && actor.principal.record.id === tokenId) throw new ServiceError("ceiling_exceeded", { message: "A token cannot change its own limits; ask whoever manages it.", lacking: ["own_limits"] });
      await this.requireWithinParents(tx, actor, target.parent_id ?? null, target.created_by, parsed.limits);
      const usage = UsageStore.of(tx);
      const before = await usage.findLimits(tokenId);
      const now = new Date(clock.nowMillis()).toISOString();
      if (parsed.limits.windows.length === 0 && parsed.limits.credits === null) await usage.deleteLimits(tokenId);
      else await usage.putLimits(rowOf(tokenId, accountId, parsed.limits, clock.nowMillis(), now), before?.version ?? 0);
      await recordAuditEvent(tx, this.deps.ids, clock, actor, { action: "token.limits", targetType: "token", targetId: tokenId, details: { name: target.name, ...limitsToWire(parsed.limits) } });
      await tx.notifyChange(`token:${tokenId}`);
      return true;
    });
    if (!done) throw notFound();
    this.deps.limiter.forget(tokenId);
    this.deps.verifier.invalidateToken(tokenId);
    return limitsToWire(parsed.limits);
  }

  /**
   * Limits of the acting token and of the target's parent bound new limits (issue 14: a child's
   * limits cannot exceed the parent's). The parent is the lineage's `parent_id` (migration 0003), or
   * for a row without one the token named by `created_by`.
   */
  private async requireWithinParents(tx: Store, actor: ActorContext, parentIdOfRow: string | null, createdBy: string, limits: TokenLimits): Promise<void> {
    if (actor.principal.kind === "token") requireWithin(boundOf(actor, this.deps.limiter), limits, "This token cannot set limits looser than its own");
    const parentId = parentIdOfRow ?? (createdBy.startsWith("token:") ? createdBy.slice("token:".length) : null);
    if (parentId === null) return;
    const parentRow = await UsageStore.of(tx).findLimits(parentId);
    if (parentRow !== undefined) requireWithin(limitsOfJson(parentRow.limits), limits, "A token's limits cannot be looser than its parent's");
  }

  /**
   * Usage of one token. Needs `tokens_full`.
   *
   * @throws ServiceError scope_missing, not_found, validation_failed (from, to, granularity).
   */
  async tokenUsage(actor: ActorContext, tokenId: string, query: UsageQuery): Promise<UsageReport & { last_use: LastUseRow | null }> {
    requireLevel(this.deps.catalogue, actor.principal, "tokens", "full");
    const accountId = accountOf(actor.principal);
    const token = await findVisibleToken(this.deps.store, accountId, tokenId, tokenViewerOf(actor.principal, this.deps.catalogue));
    if (token === undefined) throw notFound();
    const range = this.rangeOf(query);
    const stored = await this.usage.listCounts(accountId, range.from, range.to, tokenId);
    const report = this.report(range, [...stored, ...this.pendingIn(range, accountId, tokenId)], new Map([[tokenId, token.name]]));
    return { ...report, last_use: await this.lastUse(accountId, tokenId) };
  }

  /**
   * Usage of the whole account. Needs `tokens_full`; a token sees only tokens within its own rights.
   *
   * @throws ServiceError scope_missing, validation_failed.
   */
  async accountUsage(actor: ActorContext, query: UsageQuery): Promise<UsageReport> {
    requireLevel(this.deps.catalogue, actor.principal, "tokens", "full");
    const accountId = accountOf(actor.principal);
    const range = this.rangeOf(query);
    let rows = [...(await this.usage.listCounts(accountId, range.from, range.to)), ...this.pendingIn(range, accountId)];
    const ids = [...new Set(rows.map((r) => r.tokenId))];
    if (actor.principal.kind === "token") {
      // A token sees only tokens within its own rights (one read per token counted: API use only).
      const visible = new Set<string>();
      for (const id of ids) {
        const t = await findVisibleToken(this.deps.store, accountId, id, tokenViewerOf(actor.principal, this.deps.catalogue));
        if (t !== undefined) visible.add(id);
      }
      rows = rows.filter((r) => visible.has(r.tokenId));
    }
    return this.report(range, rows, await this.usage.tokenNames(accountId, ids));
  }

  /**
   * A page of the account's tokens ordered by last use, optionally only those unused for `unusedDays`
   * days (never used included). Needs `tokens_full`.
   */
  async listByLastUse(actor: ActorContext, page: PageRequest, options: { order: LastUseOrder; unusedDays?: number }): Promise<{ tokens: TokenDetails[]; total: number }> {
    requireLevel(this.deps.catalogue, actor.principal, "tokens", "full");
    const accountId = accountOf(actor.principal);
    await this.deps.verifier.flushLastUsed();
    const unusedSince = options.unusedDays === undefined ? undefined : new Date(this.deps.clock.nowMillis() - options.unusedDays * DAY_MILLIS).toISOString();
    const { ids, total } = await this.usage.listTokenIdsByLastUse(accountId, {
      order: options.order,
      limit: page.limit,
      offset: (page.page - 1) * page.limit,
      ...(unusedSince === undefined ? {} : { unusedSince }),
    });
    const viewer = tokenViewerOf(actor.principal, this.deps.catalogue);
    if (viewer !== null) {
      // A token sees only its subtree within its domains: ordered in full, filtered, then paged here.
      const all = await this.usage.listTokenIdsByLastUse(accountId, { order: options.order, limit: 1_000_000, offset: 0, ...(unusedSince === undefined ? {} : { unusedSince }) });
      const visible: TokenDetails[] = [];
      for (const id of all.ids) {
        const row = await findVisibleToken(this.deps.store, accountId, id, viewer);
        if (row !== undefined) visible.push(detailsOfRow(this.deps.catalogue, row));
      }
      return { tokens: visible.slice((page.page - 1) * page.limit, page.page * page.limit), total: visible.length };
    }
    const tokens: TokenDetails[] = [];
    for (const id of ids) {
      const row = await this.deps.store.findToken(accountId, id);
      if (row !== undefined) tokens.push(detailsOfRow(this.deps.catalogue, row));
    }
    return { tokens, total };
  }

  private async lastUse(accountId: string, tokenId: string): Promise<LastUseRow | null> {
    const pending = this.deps.recorder.pendingLastUses(accountId).find((u) => u.token_id === tokenId);
    if (pending !== undefined) return pending;
    return (await this.usage.listLastUses(accountId, [tokenId]))[0] ?? null;
  }

  private pendingIn(range: { from: string; to: string }, accountId: string, tokenId?: string): UsageCountRow[] {
    return this.deps.recorder.pending(accountId, tokenId).filter((r) => r.hour >= range.from && r.hour < range.to);
  }

  /** Checks and rounds a range: `from` down and `to` up to whole buckets. */
  private rangeOf(query: UsageQuery): { from: string; to: string; granularity: Granularity; fromMillis: number; toMillis: number; step: number } {
    const granularity = query.granularity ?? "hour";
    const step = granularity === "hour" ? HOUR_MILLIS : DAY_MILLIS;
    const errors: Record<string, string[]> = {};
    const instant = (field: "from" | "to", value: string | undefined, fallback: number): number => {
      if (value === undefined) return fallback;
      const millis = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(millis)) (errors[field] ??= []).push("An RFC 3339 date-time with offset, or YYYY-MM-DD.");
      return millis;
    };
    const nowMillis = this.deps.clock.nowMillis();
    const toRaw = instant("to", query.to, nowMillis);
    const fromRaw = instant("from", query.from, (Number.isNaN(toRaw) ? nowMillis : toRaw) - 7 * DAY_MILLIS);
    const fromMillis = Math.floor(fromRaw / step) * step;
    const toMillis = Math.ceil(toRaw / step) * step;
    if (Object.keys(errors).length === 0) {
      const buckets = (toMillis - fromMillis) / step;
      if (toMillis <= fromMillis) errors.to = ["Must be after from."];
      else if (buckets > (granularity === "hour" ? MAX_HOUR_BUCKETS : MAX_DAY_BUCKETS)) errors.from = [granularity === "hour" ? "At most 31 days by hour; ask by day for longer." : "At most 400 days."];
    }
    if (Object.keys(errors).length > 0) throw validationError(errors);
    return { from: new Date(fromMillis).toISOString(), to: new Date(toMillis).toISOString(), granularity, fromMillis, toMillis, step };
  }

  private report(range: ReturnType<UsageService["rangeOf"]>, rows: UsageCountRow[], names: Map<string, string>): UsageReport {
    const buckets = new Map<number, Record<string, number>>();
    for (let t = range.fromMillis; t < range.toMillis; t += range.step) buckets.set(t, {});
    const totals: Record<string, number> = {};
    const areas: Record<string, Record<string, number>> = {};
    const perToken = new Map<string, { total: number; refused: number }>();
    for (const r of rows) {
      const at = Math.floor(Date.parse(r.hour) / range.step) * range.step;
      const bucket = buckets.get(at);
      if (bucket === undefined) continue;
      bucket[r.code] = (bucket[r.code] ?? 0) + r.count;
      totals[r.code] = (totals[r.code] ?? 0) + r.count;
      const area = (areas[r.area] ??= {});
      area[r.code] = (area[r.code] ?? 0) + r.count;
      const t = perToken.get(r.tokenId) ?? { total: 0, refused: 0 };
      t.total += r.count;
      if (r.code !== "ok") t.refused += r.count;
      perToken.set(r.tokenId, t);
    }
    return {
      from: range.from,
      to: range.to,
      granularity: range.granularity,
      series: [...buckets].map(([t, counts]) => ({ start: new Date(t).toISOString(), counts })),
      totals,
      areas,
      tokens: [...perToken]
        .map(([id, t]) => ({ token_id: id, name: names.get(id) ?? null, ...t }))
        .sort((a, b) => b.total - a.total || (a.token_id < b.token_id ? -1 : 1))
        .slice(0, MAX_REPORT_TOKENS),
      rows,
      names,
    };
  }
}

/**
 * Checks the limits asked for on a new token (POST /v1/token's `rate_limits` and `credits`).
 *
 * @returns the limits (null: none asked for) or the field problems.
 */
export function checkNewTokenLimits(rateLimits: unknown, credits: unknown): { limits: TokenLimits | null; problems: LimitProblems } {
  if ((rateLimits === undefined || rateLimits === null) && (credits === undefined || credits === null)) return { limits: null, problems: {} };
  const parsed = parseLimits(rateLimits, credits);
  return parsed.ok ? { limits: parsed.limits, problems: {} } : { limits: null, problems: parsed.problems };
}

/**
 * Within a create's transaction: refuses limits looser than the creating token's (the new token's
 * parent: a child's limits cannot exceed the parent's), then writes them.
 *
 * @throws ServiceError ceiling_exceeded.
 */
export async function writeNewTokenLimits(tx: Store, actor: ActorContext, tokenId: string, accountId: string, limits: TokenLimits | null, nowMillis: number, limiter: UsageLimiter): Promise<void> {
  requireWithin(boundOf(actor, limiter), limits, "This token cannot give a token looser limits than its own");
  if (limits === null) return;
  await UsageStore.of(tx).putLimits(rowOf(tokenId, accountId, limits, nowMillis, new Date(nowMillis).toISOString()), 0);
}

/** The stored row of limits, credits seeded from the limits' `remaining`. */
function rowOf(tokenId: string, accountId: string, limits: TokenLimits, nowMillis: number, nowIso: string) {
  const credits = limits.credits;
  return {
    token_id: tokenId,
    account_id: accountId,
    limits: JSON.stringify(limitsToWire(limits)),
    credits_remaining: credits === null ? null : credits.remaining,
    credits_period: credits?.refill ? refillPeriod(credits.refill.interval, nowMillis) : null,
    updated_at: nowIso,
  };
}

/**
 * The limits an acting token bounds others' by: its own, with the credits it has left now (not those
 * it was given), so a token down to its last credit cannot make a child with its first hundred (found
 * by the break test). Null for people and the operator (no bound).
 */
function boundOf(actor: ActorContext, limiter: UsageLimiter): TokenLimits | null {
  if (actor.principal.kind !== "token") return null;
  const own = actor.principal.record.limits;
  if (own == null) return null;
  const credits = own.limits.credits;
  if (credits === null) return own.limits;
  const left = limiter.creditsRemaining(actor.principal.record.id, own.version) ?? own.creditsRemaining ?? credits.remaining;
  return { windows: own.limits.windows, credits: { remaining: left, refill: credits.refill } };
}

/** @throws ServiceError ceiling_exceeded when `limits` are looser than `bound` (null: no bound). */
function requireWithin(bound: TokenLimits | null, limits: TokenLimits | null, message: string): void {
  if (bound === null) return;
  const problems = limitsWithinParent(bound, limits ?? { windows: [], credits: null });
  const lacking = Object.entries(problems).flatMap(([field, list]) => list.map((p) => `${field}: ${p}`));
  if (lacking.length > 0) throw new ServiceError("ceiling_exceeded", { message: `${message}: ${lacking[0]}`, lacking });
}

/** A token acts only on tokens within its own rights (as in token-service.ts). */
function requireManages(catalogue: Catalogue, actor: ActorContext, target: TokenWithDomains): void {
  const lacking = exceeds(catalogue, actor, target);
  if (lacking.length > 0) throw new ServiceError("ceiling_exceeded", { message: `This token cannot manage a token with more rights than its own: ${lacking.join(", ")}.`, lacking });
}

function exceeds(catalogue: Catalogue, actor: ActorContext, target: TokenWithDomains): string[] {
  if (actor.principal.kind !== "token") return [];
  const creator = actor.principal.record;
  return exceedsCeiling(
    catalogue,
    { permissions: creator.permissions, allDomains: creator.allDomains, domainIds: creator.domains.map((d) => d.id), expiresAtMillis: creator.expiresAtMillis },
    { permissions: permissionsOfRow(catalogue, target), allDomains: target.all_domains === 1, domainIds: target.domains.map((d) => d.id), expiresAtMillis: target.expires_at === null ? null : Date.parse(target.expires_at) },
  );
}

function notFound(): ServiceError {
  return new ServiceError("not_found", { message: "No such token." });
}
