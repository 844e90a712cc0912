/**
 * The change stream's hub (GET /v1/changes, src/http/routes/change-stream.ts): what this instance
 * has applied, fanned out to subscribers (the remote middleware, any client that caches decisions).
 *
 * Events, in the order this instance applied them:
 * - `change`: `{seq, account_id, token_ids, domains}`; drop what is cached of those tokens (or, with
 *   `domains: true`, every decision of the account, whose domain list changed).
 * - `heartbeat`: `{seq, trust_ms}`; the subscriber may answer from its cache for `trust_ms` more
 *   milliseconds (less its own margin), no longer: this instance relays a heartbeat only while its own
 *   change feed is provably alive, so a silent instance stops its subscribers' caches too.
 * - `reset`: `{seq}`; drop everything (this instance lost its feed, a change it cannot attribute, or
 *   a change another process made on SQLite).
 *
 * A subscriber limited to an account (a token's or a session's) gets only that account's changes; a
 * change of unknown account reaches it as a `reset`, which names nothing.
 */
import type { Catalogue } from "../core/catalogue.js";
import type { AnnouncedChange } from "../store/change-sequence.js";
import { accountOf, requireLevel, type Principal } from "./principal.js";

/** One event of the stream. */
export type ChangeEvent =
  | { readonly kind: "change"; readonly seq: number; readonly accountId: string; readonly tokenIds: readonly string[]; readonly domains: boolean }
  | { readonly kind: "heartbeat"; readonly seq: number; readonly trustMs: number }
  | { readonly kind: "reset"; readonly seq: number };

/** A subscriber: the account it may hear (null: every account) and where its events go. */
export interface ChangeSubscriber {
  readonly accountId: string | null;
  send(event: ChangeEvent): void;
}

export class ChangeStream {
  private readonly subscribers = new Set<ChangeSubscriber>();
  private lastSeq = 0;
  /** performance.now() instant until which the last heartbeat vouches for this instance's feed. */
  private trustedUntil = Number.NEGATIVE_INFINITY;

  /** Number of open subscriptions. */
  get size(): number {
    return this.subscribers.size;
  }

  /** Adds a subscriber; it gets a heartbeat at once when the feed is alive. Returns the unsubscribe function. */
  subscribe(subscriber: ChangeSubscriber): () => void {
    this.subscribers.add(subscriber);
    const trustMs = Math.floor(this.trustedUntil - performance.now());
    if (trustMs > 0) subscriber.send({ kind: "heartbeat", seq: this.lastSeq, trustMs });
    return () => this.subscribers.delete(subscriber);
  }

  /** The last change number published. */
  get seq(): number {
    return this.lastSeq;
  }

  /** Publishes an applied change to the subscribers allowed to hear it. */
  publishChange(change: AnnouncedChange): void {
    this.lastSeq = Math.max(this.lastSeq, change.seq);
    const [kind, id] = splitPayload(change.payload);
    const known = change.accountId !== null && (kind === "token" || kind === "account");
    for (const subscriber of this.subscribers) {
      if (!known) subscriber.send({ kind: "reset", seq: change.seq });
      else if (subscriber.accountId === null || subscriber.accountId === change.accountId) {
        subscriber.send({ kind: "change", seq: change.seq, accountId: change.accountId as string, tokenIds: kind === "token" ? [id] : [], domains: kind === "account" });
      }
    }
  }

  /**
   * Relays that this instance's feed is alive until `trustedUntil` (performance.now() instant).
   * Called by the feed on each heartbeat it hears back while it trusts its cache.
   */
  publishHeartbeat(trustedUntil: number): void {
    this.trustedUntil = trustedUntil;
    const trustMs = Math.floor(trustedUntil - performance.now());
    if (trustMs <= 0) return;
    for (const subscriber of this.subscribers) subscriber.send({ kind: "heartbeat", seq: this.lastSeq, trustMs });
  }

  /** Tells every subscriber to drop everything, and stops vouching until the next heartbeat. */
  publishReset(seq: number): void {
    this.lastSeq = Math.max(this.lastSeq, seq);
    this.trustedUntil = Number.NEGATIVE_INFINITY;
    for (const subscriber of this.subscribers) subscriber.send({ kind: "reset", seq: this.lastSeq });
  }

  /** Ends every subscription (on shutdown). */
  clear(): void {
    this.subscribers.clear();
  }
}

/** `token:<id>` -> ["token", id]; anything else -> [payload, ""]. */
export function splitPayload(payload: string): [string, string] {
  const at = payload.indexOf(":");
  return at < 0 ? [payload, ""] : [payload.slice(0, at), payload.slice(at + 1)];
}

/**
 * The account a principal may hear on the change stream: its own, and only with `tokens_full` (the
 * right to see the account's tokens; a change event names token ids). The shared verify key, which may
 * verify any account's tokens, hears every account (checked by the HTTP layer).
 *
 * @throws ServiceError scope_missing (with `required: tokens_full`).
 */
export function changeStreamAccount(catalogue: Catalogue, principal: Principal): string {
  requireLevel(catalogue, principal, "tokens", "full");
  return accountOf(principal);
}
