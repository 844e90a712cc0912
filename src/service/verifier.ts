/**
 * The verifier: resolves a presented secret to its token record and applies the core decision.
 *
 * Hot path: one SHA-256 and one cache lookup; on a miss, the format check (no database read if
 * malformed) and one indexed read (on SQLite a prepared statement that brings the domains along). No database write: last-used instants are kept in memory and written in batches,
 * at most once per `lastUsedFlushMillis` (default 60 s) per token.
 *
 * Cache and revocation: records are cached by secret hash (unknown hashes too, so a flood of made-up
 * secrets with valid checksums costs one read each, bounded by the LRU size). Every change to a token
 * or to an account's domains calls {@link Verifier.invalidateToken} / {@link Verifier.invalidateAccount}
 * in the process that made it (so the next verification sees it), and, on PostgreSQL, in every other
 * instance on hearing the change's NOTIFY. A fill that started before an invalidation is not stored
 * (a generation counter), so a slow read cannot resurrect a token paused or deleted meanwhile. The
 * cache is trusted only until an instant set by the change feed ({@link Verifier.trustCacheUntil},
 * on PostgreSQL half a second after the last heartbeat this instance heard back,
 * src/service/change-listener.ts); past it, or after {@link Verifier.bypassCache}, every
 * verification reads the database. On SQLite, changes committed by another process (the CLI) are
 * noticed through SQLite's change counter, read at most once per SQLITE_CHANGE_WINDOW_MILLIS (such
 * writes wait that window out before they return; src/store/store.ts).
 *
 * Lineage (issue 10): a child token's record is filled with its ancestors folded in (one more
 * recursive read on a miss, none for a root), so a warm verification checks them with no read. Each
 * cached record is indexed under its ancestors' ids: invalidating a token drops its cached
 * descendants too, here and (through the same `token:<id>` NOTIFY) on every other instance.
 * Rotation (issue 13): a rotated token has two hashes during its grace, the current secret's and the
 * previous one's; each maps to a record of the same token (`secret: "current"` or `"previous"`; one
 * row shape, src/store/verification-columns.ts: the same limits, so both secrets' uses count against
 * the token's one set of windows and credits, and the same canary flag), a
 * miss on the tokens table reads the previous secrets (src/store/rotation-store.ts), and
 * invalidating the token drops both. Last-used instants are kept per secret.
 */
import { LRUCache } from "lru-cache";
import type { Catalogue } from "../core/catalogue.js";
import type { Clock } from "../core/clock.js";
import { decide, type DomainRef, type TokenLookup, type TokenRecord, type VerifyDecision, type VerifyQuestion } from "../core/verify-decision.js";
import { hashSecret, MAX_SECRET_CHARS, parseSecret } from "../core/token-secret.js";
import { SQLITE_CHANGE_WINDOW_MILLIS, type Store } from "../store/store.js";
import { findVerification, findVerificationAtOnce, readAncestors, type VerificationRead } from "../store/token-lineage-store.js";
import { findTokenByPreviousHash, findTokenByPreviousHashAtOnce, touchPreviousLastUsed } from "../store/rotation-store.js";
import type { UsageGate } from "./usage-gate.js";
import { recordOfRow } from "./verification-record.js";
import { SharedReads } from "./shared-reads.js";

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
  /** Rate limits, credits and usage counts, applied to every decision (issue 14; src/service/usage-gate.ts). */
  readonly usageGate?: UsageGate;
  /**
   * Told of every use of a canary token (which is answered as unknown). Canary records are never
   * cached, so each use reaches this hook, and normal tokens' cached path has no check added.
   */
  readonly onCanaryUse?: (use: { tokenId: string; accountId: string; name: string; ip: string | null }) => void;
}

/** A cached answer: the record (null: no such token) and the lookup handed out for it. */
type CacheEntry = { readonly record: TokenRecord | null; readonly lookup: TokenLookup };

const MISSING: TokenLookup = { kind: "missing" };
const MALFORMED: TokenLookup = { kind: "malformed" };
const UNKNOWN: TokenLookup = { kind: "unknown" };
const UNKNOWN_ENTRY: CacheEntry = { record: null, lookup: UNKNOWN };
const NO_DOMAINS: readonly DomainRef[] = Object.freeze([]);

export class Verifier {
  private readonly records: LRUCache<string, CacheEntry>;
  private readonly hashById = new Map<string, string>();
  /** Ancestor token id -> secret hashes of its cached descendants (filled on a miss, never on a hit). */
  private readonly descendantHashes = new Map<string, Set<string>>();
  /** Token id -> the cached hash of its previous secret (issue 13). */
  private readonly previousHashById = new Map<string, string>();
  private readonly accountDomains = new Map<string, readonly DomainRef[]>();
  private readonly lastUsed = new Map<string, number>();
  private readonly previousLastUsed = new Map<string, number>();
  private generation = 0;
  /** Verification reads under way, keyed by generation and hash: concurrent misses of one secret share one read. */
  private readonly sharedReads = new SharedReads<VerificationRead | undefined>();
  /** Lookups answered from the cache, and those that were not (a read, or refused malformed), since start (metrics). */
  cacheHits = 0;
  cacheMisses = 0;
  /**
   * performance.now() instant until which cached answers may be used: Infinity (SQLite, one process
   * hears its own changes), a moving instant (PostgreSQL, renewed by each heartbeat heard), or
   * -Infinity (bypassed: nothing is served from or stored in the cache).
   */
  private cacheTrustedUntil = Number.POSITIVE_INFINITY;
  private readonly flushTimer: NodeJS.Timeout;
  private externalChanges: number | null;
  /** When the SQLite change counter was last read (performance.now(), milliseconds). */
  private externalCheckedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: Store,
    private readonly catalogue: Catalogue,
    private readonly clock: Clock,
    private readonly options: VerifierOptions,
  ) {
    this.records = new LRUCache({
      max: options.cacheEntries ?? 100_000,
      dispose: (entry, hash) => {
        if (entry.record === null) return;
        const byId = entry.record.secret === "current" ? this.hashById : this.previousHashById;
        if (byId.get(entry.record.id) === hash) byId.delete(entry.record.id);
        for (const ancestorId of entry.record.ancestorIds) this.descendantHashes.get(ancestorId)?.delete(hash);
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
   * A cached answer is decided at once, with no database read and no await inside; on SQLite a
   * cache miss is one prepared statement, also without an await (the returned promise is already
   * settled then). Only PostgreSQL, or SQLite while a transaction is open, waits for the database.
   *
   * @param secret the secret as presented, or null/empty when none was.
   * @param question area, level and optional domain.
   * @param clientIp the caller's address, reported with a canary token's use (null: unknown).
   * @returns the decision; never rejects for any input (a database failure does reject).
   */
  verify(secret: string | null | undefined, question: VerifyQuestion, clientIp: string | null = null): Promise<VerifyDecision> {
    try {
      const decision = this.verifySync(secret, question, clientIp);
      return decision instanceof Promise ? decision : Promise.resolve(decision);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * {@link Verifier.verify} without a promise where the answer is ready at once (issue 18): a cached
   * record, a malformed or missing secret, or on SQLite the direct read of a miss. Otherwise (on
   * PostgreSQL, SQLite inside an open transaction, or a shared rate counter that answers later) the
   * promise of the decision, to be awaited. Same decision, same effects, as `verify`.
   *
   * @returns the decision, or a promise of it (`instanceof Promise` tells which).
   * @throws whatever a direct database read throws (`verify` turns that into a rejection).
   */
  verifySync(secret: string | null | undefined, question: VerifyQuestion, clientIp: string | null = null): VerifyDecision | Promise<VerifyDecision> {
    const resolved = this.resolve(secret);
    if (typeof resolved !== "string") return this.conclude(resolved, question);
    const generation = this.generation;
    const atOnce = this.readAtOnce(resolved);
    const ip = clientIp ?? question.ip ?? null;
    if (atOnce !== null) return this.conclude(this.remember(resolved, atOnce.read, generation, ip), question);
    return this.sharedRead(resolved, generation).then((read) => this.conclude(this.remember(resolved, read, generation, ip), question));
  }

  /** Notes that a token was used now, with the secret of its record; written by the next batch flush. */
  noteUse(record: TokenRecord): void {
    (record.secret === "current" ? this.lastUsed : this.previousLastUsed).set(record.id, this.clock.nowMillis());
  }

  /** The verification read of a hash without a wait (SQLite): the tokens, then the previous secrets. */
  private readAtOnce(hash: string): { readonly read: VerificationRead | undefined } | null {
    const current = findVerificationAtOnce(this.store, hash);
    if (current === null || current.read !== undefined) return current;
    const previous = findTokenByPreviousHashAtOnce(this.store, hash);
    if (previous === null) return null;
    if (previous.row === undefined) return { read: undefined };
    // A child's previous secret: its ancestors are read on the waiting path.
    if (previous.row.parent_id !== null && previous.row.parent_id !== undefined) return null;
    return { read: { row: previous.row, ancestors: [] } };
  }

  /**
   * {@link Verifier.read}, shared by concurrent misses of one hash in one cache generation (a read
   * begun before an invalidation is not handed to a caller after it, who reads afresh).
   */
  private sharedRead(hash: string, generation: number): Promise<VerificationRead | undefined> {
    return this.sharedReads.get(`${generation}:${hash}`, () => this.read(hash));
  }

  /** The verification read of a hash, with the token's ancestors: the tokens, then the previous secrets. */
  private async read(hash: string): Promise<VerificationRead | undefined> {
    const current = await findVerification(this.store, hash);
    if (current !== undefined) return current;
    const row = await findTokenByPreviousHash(this.store, hash);
    if (row === undefined) return undefined;
    return { row, ancestors: row.parent_id === null || row.parent_id === undefined ? [] : await readAncestors(this.store, row.parent_id) };
  }

  /** Whether a secret has the form of one of ours (an accepted prefix, length, alphabet, checksum); no read. */
  isWellFormed(secret: string): boolean {
    return secret.length <= MAX_SECRET_CHARS && parseSecret(secret, this.options.prefixes).ok;
  }

  /** Resolves a presented secret to its record: missing, malformed (no read), unknown or found. */
  async lookup(secret: string | null | undefined, clientIp: string | null = null): Promise<TokenLookup> {
    const resolved = this.resolve(secret);
    if (typeof resolved !== "string") return resolved;
    const generation = this.generation;
    return this.remember(resolved, await this.sharedRead(resolved, generation), generation, clientIp);
  }

  /**
   * The part of a lookup that needs no database: missing, malformed, or the cached answer; otherwise
   * the secret's hash, for the caller to read (one hash per verification, never two).
   *
   * The format check (length, alphabet, checksum) guards the database, so it runs on a cache miss
   * only: a hash in the cache was put there after that same secret passed it (SHA-256 has no known
   * collisions), so a hit is well-formed and the check would only repeat itself. Overlong input is
   * refused before it is hashed.
   */
  private resolve(secret: string | null | undefined): TokenLookup | string {
    if (secret === null || secret === undefined || secret === "") return MISSING;
    if (secret.length > MAX_SECRET_CHARS) return MALFORMED;
    const hash = hashSecret(secret);
    this.dropIfChangedElsewhere();
    if (this.cacheTrustedUntil === Number.POSITIVE_INFINITY || performance.now() < this.cacheTrustedUntil) {
      const cached = this.records.get(hash);
      if (cached !== undefined) {
        this.cacheHits++;
        return cached.lookup;
      }
    }
    this.cacheMisses++;
    return parseSecret(secret, this.options.prefixes).ok ? hash : MALFORMED;
  }

  /** Turns a read row into a lookup, caching it unless an invalidation came after the read began. */
  private remember(hash: string, read: VerificationRead | undefined, generation: number, clientIp: string | null): TokenLookup {
    if (read !== undefined && read.row.canary === 1) {
      // A canary grants nothing and is answered exactly as an unknown token; never cached, so that
      // every use is read, and reported.
      this.options.onCanaryUse?.({ tokenId: read.row.id, accountId: read.row.account_id, name: read.row.name, ip: clientIp });
      return UNKNOWN;
    }
    // A read while the trust has lapsed is fresh, so it may be kept: the feed is in order, and a lost
    // feed bypasses the cache (which empties it) before it is trusted again.
    const store = this.cacheTrustedUntil !== Number.NEGATIVE_INFINITY && generation === this.generation;
    if (read === undefined) {
      if (store) this.records.set(hash, UNKNOWN_ENTRY);
      return UNKNOWN;
    }
    const record = recordOfRow(this.catalogue, read);
    const lookup: TokenLookup = { kind: "found", record };
    if (store) {
      this.records.set(hash, { record, lookup });
      (record.secret === "current" ? this.hashById : this.previousHashById).set(record.id, hash);
      for (const ancestorId of record.ancestorIds) {
        let hashes = this.descendantHashes.get(ancestorId);
        if (hashes === undefined) this.descendantHashes.set(ancestorId, (hashes = new Set()));
        hashes.add(hash);
      }
    }
    return lookup;
  }

  /** Decides, reading the account's domains first when an all-domains token is asked about a domain. */
  private conclude(lookup: TokenLookup, question: VerifyQuestion): VerifyDecision | Promise<VerifyDecision> {
    if (lookup.kind === "found" && lookup.record.allDomains && question.domain !== null) {
      const accountId = lookup.record.accountId;
      const domains = this.domainsAtOnce(accountId);
      if (domains === null) return this.domainsOf(accountId).then((read) => this.decideNow(lookup, question, read));
      return this.decideNow(lookup, question, domains);
    }
    return this.decideNow(lookup, question, NO_DOMAINS);
  }

  private decideNow(lookup: TokenLookup, question: VerifyQuestion, accountDomains: readonly DomainRef[]): VerifyDecision | Promise<VerifyDecision> {
    const nowMillis = this.clock.nowMillis();
    const decision = decide(this.catalogue, lookup, question, nowMillis, accountDomains);
    if (decision.allowed) (decision.record.secret === "current" ? this.lastUsed : this.previousLastUsed).set(decision.record.id, nowMillis);
    return this.options.usageGate === undefined ? decision : this.options.usageGate.apply(decision, question, nowMillis);
  }

  /** The account's domains from the cache, or read at once (SQLite); null when it needs a wait. */
  private domainsAtOnce(accountId: string): readonly DomainRef[] | null {
    const cached = this.isCacheTrusted ? this.accountDomains.get(accountId) : undefined;
    if (cached !== undefined) return cached;
    const generation = this.generation;
    const domains = this.store.listDomainRefsAtOnce(accountId);
    if (domains !== null && this.cacheTrustedUntil !== Number.NEGATIVE_INFINITY && generation === this.generation) this.accountDomains.set(accountId, domains);
    return domains;
  }

  /**
   * On SQLite, another process (the CLI) may have committed a pause or delete: drop the cache when
   * the database's change counter moved, so that the next verification reads the new state. The
   * counter is read at most once per SQLITE_CHANGE_WINDOW_MILLIS; such writes wait out that window
   * before they return, so none is missed (store.ts).
   */
  private dropIfChangedElsewhere(): void {
    if (this.externalChanges === null) return;
    // A monotonic clock, not the injected Clock: this is a real interval between two processes'
    // actions (see SQLITE_CHANGE_WINDOW_MILLIS), and a test's manual clock may stand still.
    const nowMillis = performance.now();
    if (nowMillis - this.externalCheckedAt < SQLITE_CHANGE_WINDOW_MILLIS) return;
    this.externalCheckedAt = nowMillis;
    const now = this.store.externalChangeCounter();
    if (now !== this.externalChanges) {
      this.externalChanges = now;
      this.invalidateAll();
    }
  }

  /** The account's domains (cached), for all-domains tokens asked about a domain. */
  async domainsOf(accountId: string): Promise<readonly DomainRef[]> {
    this.dropIfChangedElsewhere();
    const cached = this.isCacheTrusted ? this.accountDomains.get(accountId) : undefined;
    if (cached !== undefined) return cached;
    const generation = this.generation;
    const domains = (await this.store.listDomains(accountId)).map((d) => ({ id: d.id, name: d.name }));
    if (this.cacheTrustedUntil !== Number.NEGATIVE_INFINITY && generation === this.generation) this.accountDomains.set(accountId, domains);
    return domains;
  }

  /** Drops what is cached of a token, under both its secrets, and of its descendants (after a pause, resume, rename, rotation or delete). */
  invalidateToken(tokenId: string): void {
    this.generation++;
    const hash = this.hashById.get(tokenId);
    if (hash !== undefined) this.records.delete(hash);
    this.hashById.delete(tokenId);
    const descendants = this.descendantHashes.get(tokenId);
    if (descendants !== undefined) {
      this.descendantHashes.delete(tokenId);
      for (const descendant of [...descendants]) this.records.delete(descendant);
    }
    const previous = this.previousHashById.get(tokenId);
    if (previous !== undefined) this.records.delete(previous);
    this.previousHashById.delete(tokenId);
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
    this.descendantHashes.clear();
    this.previousHashById.clear();
    this.accountDomains.clear();
  }

  /**
   * Empties the cache and stops using it: every verification reads the database, and nothing read is
   * kept, until {@link Verifier.trustCacheUntil}. For a change feed that is lost or not yet caught up.
   */
  bypassCache(): void {
    this.invalidateAll();
    this.cacheTrustedUntil = Number.NEGATIVE_INFINITY;
  }

  /**
   * Answers from the cache until `monotonicMillis` (a performance.now() instant; Infinity: for good),
   * keeping what it holds: the caller vouches that every change made before now has been applied
   * (after a bypass, call {@link Verifier.invalidateAll} first).
   */
  trustCacheUntil(monotonicMillis: number): void {
    this.cacheTrustedUntil = monotonicMillis;
  }

  /** Whether verifications are answered from the cache right now. */
  get isCacheTrusted(): boolean {
    return performance.now() < this.cacheTrustedUntil;
  }

  /** Writes the pending last-used instants now. */
  async flushLastUsed(): Promise<void> {
    if (this.previousLastUsed.size > 0) {
      const previous = new Map<string, string>();
      for (const [id, millis] of this.previousLastUsed) previous.set(id, new Date(millis).toISOString());
      this.previousLastUsed.clear();
      await touchPreviousLastUsed(this.store, previous);
    }
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
