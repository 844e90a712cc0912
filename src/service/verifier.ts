/**
 * The verifier: resolves a presented secret to its token record and applies the core decision.
 *
 * Hot path: parse the secret (no database read if malformed), one SHA-256, one cache lookup; on a miss,
 * one indexed read. No database write: last-used instants are kept in memory and written in batches,
 * at most once per `lastUsedFlushMillis` (default 60 s) per token.
 *
 * Cache and revocation: records are cached by secret hash (unknown hashes too, so a flood of made-up
 * secrets with valid checksums costs one read each, bounded by the LRU size). Every change to a token
 * or to an account's domains calls {@link Verifier.invalidateToken} / {@link Verifier.invalidateAccount}
 * in the process that made it (so the next verification sees it), and, on PostgreSQL, in every other
 * instance on hearing the change's NOTIFY. A fill that started before an invalidation is not stored
 * (a generation counter), so a slow read cannot resurrect a token paused or deleted meanwhile. While
 * the cache is disabled (`setCacheEnabled(false)`, e.g. the notification connection is down), every
 * verification reads the database.
 */
import { LRUCache } from "lru-cache";
import type { Catalogue } from "../core/catalogue.js";
import type { Clock } from "../core/clock.js";
import { decide, type DomainRef, type TokenLookup, type TokenRecord, type VerifyDecision, type VerifyQuestion } from "../core/verify-decision.js";
import { hashSecret, parseSecret } from "../core/token-secret.js";
import type { Store, TokenWithDomains } from "../store/store.js";
import { permissionsOfRow } from "./token-view.js";

/** Options of the verifier. */
export interface VerifierOptions {
  /** Accepted secret prefixes (the configured one first). */
  readonly prefixes: readonly string[];
  /** Most cached secret hashes (default 100,000). */
  readonly cacheEntries?: number;
  /** How often last-used instants are written, in milliseconds (default 60,000). */
  readonly lastUsedFlushMillis?: number;
  /** Called with any error of a background flush (it is retried on the next flush). */
  readonly onBackgroundError?: (error: unknown) => void;
}

type CacheEntry = { readonly record: TokenRecord | null };

export class Verifier {
  private readonly records: LRUCache<string, CacheEntry>;
  private readonly hashById = new Map<string, string>();
  private readonly accountDomains = new Map<string, readonly DomainRef[]>();
  private readonly lastUsed = new Map<string, number>();
  private generation = 0;
  private cacheEnabled = true;
  private readonly flushTimer: NodeJS.Timeout;
  private externalChanges: number | null;

  constructor(
    private readonly store: Store,
    private readonly catalogue: Catalogue,
    private readonly clock: Clock,
    private readonly options: VerifierOptions,
  ) {
    this.records = new LRUCache({
      max: options.cacheEntries ?? 100_000,
      dispose: (entry, hash) => {
        if (entry.record !== null && this.hashById.get(entry.record.id) === hash) this.hashById.delete(entry.record.id);
      },
    });
    this.flushTimer = setInterval(() => {
      this.flushLastUsed().catch((error: unknown) => options.onBackgroundError?.(error));
    }, options.lastUsedFlushMillis ?? 60_000);
    this.flushTimer.unref();
    this.externalChanges = store.externalChangeCounter();
  }

  /**
   * Verifies a presented secret for a question.
   *
   * @param secret the secret as presented, or null/empty when none was.
   * @param question area, level and optional domain.
   * @returns the decision; never throws for any input (a database failure does throw).
   */
  async verify(secret: string | null | undefined, question: VerifyQuestion): Promise<VerifyDecision> {
    const lookup = await this.lookup(secret);
    const domains = lookup.kind === "found" && lookup.record.allDomains && question.domain !== null ? await this.domainsOf(lookup.record.accountId) : [];
    const decision = decide(this.catalogue, lookup, question, this.clock.nowMillis(), domains);
    if (decision.allowed) this.noteUse(decision.record.id);
    return decision;
  }

  /** Notes that a token was used now; written by the next batch flush. */
  noteUse(tokenId: string): void {
    this.lastUsed.set(tokenId, this.clock.nowMillis());
  }

  /** Resolves a presented secret to its record: missing, malformed (no read), unknown or found. */
  async lookup(secret: string | null | undefined): Promise<TokenLookup> {
    if (secret === null || secret === undefined || secret === "") return { kind: "missing" };
    if (!parseSecret(secret, this.options.prefixes).ok) return { kind: "malformed" };
    const hash = hashSecret(secret);
    this.dropIfChangedElsewhere();
    const cached = this.cacheEnabled ? this.records.get(hash) : undefined;
    if (cached !== undefined) return cached.record === null ? { kind: "unknown" } : { kind: "found", record: cached.record };
    const generation = this.generation;
    const row = await this.store.findTokenByHash(hash);
    const record = row === undefined ? null : recordOfRow(this.catalogue, row);
    if (this.cacheEnabled && generation === this.generation) {
      this.records.set(hash, { record });
      if (record !== null) this.hashById.set(record.id, hash);
    }
    return record === null ? { kind: "unknown" } : { kind: "found", record };
  }

  /**
   * On SQLite, another process (the CLI) may have committed a pause or delete: drop the cache when
   * the database's change counter moved, so that the next verification reads the new state.
   */
  private dropIfChangedElsewhere(): void {
    if (this.externalChanges === null) return;
    const now = this.store.externalChangeCounter();
    if (now !== this.externalChanges) {
      this.externalChanges = now;
      this.invalidateAll();
    }
  }

  /** The account's domains (cached), for all-domains tokens asked about a domain. */
  async domainsOf(accountId: string): Promise<readonly DomainRef[]> {
    this.dropIfChangedElsewhere();
    const cached = this.cacheEnabled ? this.accountDomains.get(accountId) : undefined;
    if (cached !== undefined) return cached;
    const generation = this.generation;
    const domains = (await this.store.listDomains(accountId)).map((d) => ({ id: d.id, name: d.name }));
    if (this.cacheEnabled && generation === this.generation) this.accountDomains.set(accountId, domains);
    return domains;
  }

  /** Drops what is cached of a token (after a pause, resume, rename or delete). */
  invalidateToken(tokenId: string): void {
    this.generation++;
    const hash = this.hashById.get(tokenId);
    if (hash !== undefined) this.records.delete(hash);
    this.hashById.delete(tokenId);
  }

  /** Drops the cached domains of an account (after a domain is added or removed). */
  invalidateAccount(accountId: string): void {
    this.generation++;
    this.accountDomains.delete(accountId);
  }

  /** Drops everything cached. */
  invalidateAll(): void {
    this.generation++;
    this.records.clear();
    this.hashById.clear();
    this.accountDomains.clear();
  }

  /** Turns the cache off (every verification reads the database) or back on (starting empty). */
  setCacheEnabled(enabled: boolean): void {
    this.invalidateAll();
    this.cacheEnabled = enabled;
  }

  /** Whether verifications are answered from the cache. */
  get isCacheEnabled(): boolean {
    return this.cacheEnabled;
  }

  /** Writes the pending last-used instants now. */
  async flushLastUsed(): Promise<void> {
    if (this.lastUsed.size === 0) return;
    const batch = new Map<string, string>();
    for (const [id, millis] of this.lastUsed) batch.set(id, new Date(millis).toISOString());
    this.lastUsed.clear();
    await this.store.touchLastUsed(batch);
  }

  /** Stops the flush timer and writes what is pending. */
  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushLastUsed();
  }
}

/** Builds the verification record of a stored row. */
export function recordOfRow(catalogue: Catalogue, row: TokenWithDomains): TokenRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    permissions: permissionsOfRow(catalogue, row),
    allDomains: row.all_domains === 1,
    domains: row.domains,
    expiresAtMillis: row.expires_at === null ? null : Date.parse(row.expires_at),
    paused: row.paused === 1,
  };
}
