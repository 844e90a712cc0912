/**
 * The remote middleware's subscription to latchkey's change stream (GET /v1/changes,
 * src/http/routes/change-stream.ts), and the decision cache it keeps honest.
 *
 * Allowed decisions are cached only while the stream vouches for them: after a `heartbeat`, for its
 * `trust_ms` less {@link TRUST_MARGIN_MS} (the heartbeat's time on the wire), never past
 * `ttlMillis` after the decision was stored, and never past the answer's `valid_until` (expiry or
 * grace end). A `change` drops the decisions of the tokens it names and of their descendants (each
 * decision is indexed under the answer's `ancestor_ids`), or of the whole account, for a domain change; a `reset`, an error or a reconnection drops everything.
 * A decision read from latchkey before an event arrived is not stored after it (a generation count),
 * so a slow answer cannot bring back a token paused meanwhile. While not subscribed, nothing is cached.
 */
import { EventSource } from "eventsource";
import { LRUCache } from "lru-cache";
import type { VerifiedToken } from "../http/verified-token.js";

/** Taken off each heartbeat's `trust_ms`, for its time on the wire, milliseconds. */
export const TRUST_MARGIN_MS = 100;

/** Who subscribes: the shared verify key (every account) or a tokens_full token (its account). */
export type StreamCredential = { readonly verifyKey: string } | { readonly token: string };

/** The decisions cached for one presented secret, and until when they may be served. */
interface CachedSecret {
  /** Decisions by question (area, level, domain, address). */
  readonly decisions: Map<string, VerifiedToken>;
  /** The token and its ancestors: a change event naming any of them drops this entry. */
  readonly tokenIds: readonly string[];
  /** Epoch milliseconds from which nothing here is served (the answer's `valid_until`), or Infinity. */
  validUntil: number;
}

/**
 * Decisions by secret digest, then by question (area, level, domain), each secret's indexed under its
 * token's id and every ancestor's (`ancestor_ids` of the verify answer): a change to a parent or
 * grandparent drops its descendants' decisions too (break-test finding F3). No decision is served
 * past the answer's `valid_until` (the token's or an ancestor's expiry, a previous secret's grace
 * end; finding F15), compared with this host's clock.
 */
export class StreamedDecisionCache {
  private readonly entries: LRUCache<string, CachedSecret>;
  private readonly keysByTokenId = new Map<string, Set<string>>();
  private readonly source: EventSource;
  private readonly ttlMillis: number;
  private trustedUntil = Number.NEGATIVE_INFINITY;
  /** The account the stream is limited to (null: every account; undefined: not told yet). */
  private scope: string | null | undefined = undefined;
  /** The token whose reach the stream is limited to (null: none, the verify key's stream). */
  private scopeTokenId: string | null = null;
  private generationCount = 0;

  /**
   * @param baseUrl latchkey's base URL.
   * @param credential how to subscribe.
   * @param ttlMillis the longest a decision is kept, milliseconds.
   */
  constructor(baseUrl: string, credential: StreamCredential, ttlMillis: number) {
    this.ttlMillis = ttlMillis;
    this.entries = new LRUCache({
      max: 10_000,
      ttl: ttlMillis,
      dispose: (entry, key) => {
        for (const id of entry.tokenIds) this.keysByTokenId.get(id)?.delete(key);
      },
    });
    const headers: Record<string, string> =
      "verifyKey" in credential ? { "x-latchkey-verify-key": credential.verifyKey } : { authorization: `Bearer ${credential.token}` };
    this.source = new EventSource(new URL("/v1/changes", baseUrl), {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string> | undefined), ...headers } }),
    });
    this.source.addEventListener("ready", (event) => {
      this.dropAll();
      const ready = parse(event.data) as { account_id?: string | null; token_id?: unknown };
      this.scopeTokenId = typeof ready.token_id === "string" ? ready.token_id : null;
      this.scope = ready.account_id ?? null;
    });
    this.source.addEventListener("heartbeat", (event) => {
      const trustMs = Number((parse(event.data) as { trust_ms?: unknown }).trust_ms);
      if (Number.isFinite(trustMs) && this.scope !== undefined) this.trustedUntil = performance.now() + trustMs - TRUST_MARGIN_MS;
    });
    this.source.addEventListener("change", (event) => {
      const change = parse(event.data) as { account_id?: string; token_ids?: unknown; domains?: boolean };
      this.generationCount++;
      if (change.domains === true) this.dropAccount(String(change.account_id));
      if (Array.isArray(change.token_ids)) for (const id of change.token_ids) this.dropToken(String(id));
    });
    this.source.addEventListener("reset", () => this.dropAll());
    this.source.addEventListener("error", () => this.dropAll());
  }

  /** The current generation: pass it to {@link set} with a decision read after this call. */
  get generation(): number {
    return this.generationCount;
  }

  /** A cached decision, or undefined (also whenever the stream does not vouch right now, or past the answer's `valid_until`). */
  get(tokenKey: string, questionKey: string): VerifiedToken | undefined {
    if (!(performance.now() < this.trustedUntil)) return undefined;
    const entry = this.entries.get(tokenKey);
    if (entry === undefined) return undefined;
    if (!(Date.now() < entry.validUntil)) {
      this.entries.delete(tokenKey);
      return undefined;
    }
    return entry.decisions.get(questionKey);
  }

  /**
   * Stores an allowed decision read at `generation`, unless an event came since, the stream cannot
   * vouch for its account or token (a token's stream hears only its own reach: itself, its
   * descendants and its ancestors), or the answer does not name the token's ancestors (a latchkey
   * before 0.2.0: its descendants' changes could not be followed).
   */
  set(tokenKey: string, questionKey: string, token: VerifiedToken, generation: number): void {
    if (generation !== this.generationCount || !(performance.now() < this.trustedUntil)) return;
    if (this.scope === undefined || (this.scope !== null && token.account_id !== this.scope)) return;
    const ancestors: unknown = token.ancestor_ids;
    if (!Array.isArray(ancestors) || !ancestors.every((id) => typeof id === "string")) return;
    if (this.scopeTokenId !== null && token.id !== this.scopeTokenId && !ancestors.includes(this.scopeTokenId)) return;
    const validUntil = Math.min(instantOf(token.valid_until), instantOf(token.expires_at));
    const left = validUntil - Date.now();
    if (!(left > 0)) return;
    let entry = this.entries.get(tokenKey);
    if (entry === undefined) {
      entry = { decisions: new Map(), tokenIds: [token.id, ...ancestors], validUntil };
      this.entries.set(tokenKey, entry, { ttl: Math.max(1, Math.min(this.ttlMillis, Math.ceil(left))) });
      for (const id of entry.tokenIds) {
        let keys = this.keysByTokenId.get(id);
        if (keys === undefined) this.keysByTokenId.set(id, (keys = new Set()));
        keys.add(tokenKey);
      }
    }
    entry.validUntil = Math.min(entry.validUntil, validUntil);
    entry.decisions.set(questionKey, token);
  }

  /** Drops a presented secret's decisions (latchkey refused it with a 401). */
  delete(tokenKey: string): void {
    this.entries.delete(tokenKey);
  }

  /** Closes the subscription and drops everything. */
  close(): void {
    this.source.close();
    this.dropAll();
  }

  private dropToken(id: string): void {
    const keys = this.keysByTokenId.get(id);
    if (keys === undefined) return;
    this.keysByTokenId.delete(id);
    for (const key of keys) this.entries.delete(key);
  }

  private dropAccount(accountId: string): void {
    for (const [key, entry] of this.entries.entries()) {
      for (const token of entry.decisions.values()) if (token.account_id === accountId) this.entries.delete(key);
    }
  }

  private dropAll(): void {
    this.generationCount++;
    this.trustedUntil = Number.NEGATIVE_INFINITY;
    this.entries.clear();
    this.keysByTokenId.clear();
  }
}

/** An RFC 3339 instant as epoch milliseconds: Infinity for null or absent (no limit), -Infinity when unreadable (nothing is cached). */
function instantOf(value: string | null | undefined): number {
  if (value === null || value === undefined) return Number.POSITIVE_INFINITY;
  const millis = typeof value === "string" ? Date.parse(value) : Number.NaN;
  return Number.isNaN(millis) ? Number.NEGATIVE_INFINITY : millis;
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return {};
  }
}
