/**
 * The remote middleware's subscription to latchkey's change stream (GET /v1/changes,
 * src/http/routes/change-stream.ts), and the decision cache it keeps honest.
 *
 * Allowed decisions are cached only while the stream vouches for them: after a `heartbeat`, for its
 * `trust_ms` less {@link TRUST_MARGIN_MS} (the heartbeat's time on the wire), and never past
 * `ttlMillis` after the decision was stored. A `change` drops the decisions of the tokens it names (or
 * of the whole account, for a domain change); a `reset`, an error or a reconnection drops everything.
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

/** Decisions by secret digest, then by question (area, level, domain). */
export class StreamedDecisionCache {
  private readonly entries: LRUCache<string, Map<string, VerifiedToken>>;
  private readonly keysByTokenId = new Map<string, Set<string>>();
  private readonly source: EventSource;
  private trustedUntil = Number.NEGATIVE_INFINITY;
  /** The account the stream is limited to (null: every account; undefined: not told yet). */
  private scope: string | null | undefined = undefined;
  private generationCount = 0;

  /**
   * @param baseUrl latchkey's base URL.
   * @param credential how to subscribe.
   * @param ttlMillis the longest a decision is kept, milliseconds.
   */
  constructor(baseUrl: string, credential: StreamCredential, ttlMillis: number) {
    this.entries = new LRUCache({
      max: 10_000,
      ttl: ttlMillis,
      dispose: (decisions, key) => {
        for (const token of decisions.values()) this.keysByTokenId.get(token.id)?.delete(key);
      },
    });
    const headers: Record<string, string> = "verifyKey" in credential ? { "x-latchkey-verify-key": credential.verifyKey } : { authorization: `Bearer ${credential.token}` };
    this.source = new EventSource(new URL("/v1/changes", baseUrl), {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string> | undefined), ...headers } }),
    });
    this.source.addEventListener("ready", (event) => {
      this.dropAll();
      this.scope = (parse(event.data) as { account_id?: string | null }).account_id ?? null;
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

  /** A cached decision, or undefined (also whenever the stream does not vouch right now). */
  get(tokenKey: string, questionKey: string): VerifiedToken | undefined {
    if (!(performance.now() < this.trustedUntil)) return undefined;
    return this.entries.get(tokenKey)?.get(questionKey);
  }

  /** Stores an allowed decision read at `generation`, unless an event came since or the stream cannot vouch for its account. */
  set(tokenKey: string, questionKey: string, token: VerifiedToken, generation: number): void {
    if (generation !== this.generationCount || !(performance.now() < this.trustedUntil)) return;
    if (this.scope === undefined || (this.scope !== null && token.account_id !== this.scope)) return;
    let decisions = this.entries.get(tokenKey);
    if (decisions === undefined) {
      decisions = new Map();
      this.entries.set(tokenKey, decisions);
    }
    decisions.set(questionKey, token);
    let keys = this.keysByTokenId.get(token.id);
    if (keys === undefined) this.keysByTokenId.set(token.id, (keys = new Set()));
    keys.add(tokenKey);
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
    for (const [key, decisions] of this.entries.entries()) {
      for (const token of decisions.values()) if (token.account_id === accountId) this.entries.delete(key);
    }
  }

  private dropAll(): void {
    this.generationCount++;
    this.trustedUntil = Number.NEGATIVE_INFINITY;
    this.entries.clear();
    this.keysByTokenId.clear();
  }
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return {};
  }
}
