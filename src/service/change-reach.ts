/**
 * What a token's subscription to the change stream may hear (GET /v1/changes; break-test finding
 * F4, issue 10 "Visibility"): events about the tokens it may see (its subtree, of it only tokens
 * whose domains lie within its own: src/store/token-lineage-store.ts `visibleTokenSql`), and nothing
 * about any other token of its account.
 *
 * Each token id an event names is classified once and remembered (a token's lineage never changes):
 * - `visible`: the change is sent as it is;
 * - `hidden`: a token of its subtree it may not see (domains outside its own), or one of its own
 *   ancestors, whose change can still end or shrink what it caches: sent as a `reset`, which names
 *   nothing (the subscriber drops everything);
 * - `out`: nothing is sent.
 * The subtree and ancestors are read when the subscription opens, so the events of those tokens are
 * decided at once, in order, with no read. A token made since (not known yet) is classified by one
 * read before its event is sent; its later events wait for that read. A token that is gone before it
 * could be classified is sent as a `reset` (safe, names nothing). After each change of a subtree
 * token its class is read again (its domains may have changed), for the next event.
 *
 * A subscription with the verify key (every account) or a user hears everything of its scope and
 * needs no reach.
 */
import type { Store } from "../store/store.js";
import { listSubtreeIds, readAncestors, type TokenViewer } from "../store/token-lineage-store.js";
import { visibleAmong } from "../store/keyset-list-store.js";
import type { ChangeEvent } from "./change-stream.js";

/** How a token relates to a subscriber (see the module comment). */
export type ReachClass = "visible" | "hidden" | "out";

/** Ids per read (under both databases' limits on bound parameters). */
const CHUNK = 500;

/** The reach of one token's subscription: filters the events it is sent. */
export class ChangeReach {
  private readonly known = new Map<string, ReachClass>();
  /** The viewer's ancestors: hidden for good (never read again). */
  private readonly ancestors = new Set<string>();
  /** First classifications under way; events naming these ids wait for them. */
  private readonly pending = new Map<string, Promise<ReachClass | "gone">>();
  /** Classifications read again after a change; events do not wait for them. */
  private readonly refreshing = new Set<string>();
  /** The tail of the events waiting for a read, so they leave in the order they came. */
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly store: Store,
    private readonly accountId: string,
    private readonly viewer: TokenViewer & { readonly tokenId: string },
  ) {}

  /**
   * Reads the reach of `viewer` (its subtree, what of it the viewer may see, and its ancestors).
   *
   * @param ancestorIds the viewer's ancestors, nearest first (its verification record's).
   */
  static async open(store: Store, accountId: string, viewer: TokenViewer & { readonly tokenId: string }, ancestorIds: readonly string[]): Promise<ChangeReach> {
    const reach = new ChangeReach(store, accountId, viewer);
    const subtree = await listSubtreeIds(store, accountId, viewer.tokenId);
    for (let at = 0; at < subtree.length; at += CHUNK) {
      const chunk = subtree.slice(at, at + CHUNK);
      const seen = await visibleAmong(store, accountId, viewer, chunk);
      for (const id of chunk) reach.known.set(id, seen.has(id) ? "visible" : "hidden");
    }
    for (const id of ancestorIds) {
      reach.ancestors.add(id);
      reach.known.set(id, "hidden");
    }
    return reach;
  }

  /** The class of a token id already known, or undefined. */
  classOf(id: string): ReachClass | undefined {
    return this.known.get(id);
  }

  /**
   * Passes one event on as the subscriber may hear it, through `deliver` (at once when every token
   * it names is known, else after the reads). Heartbeats, resets and domain changes pass as they are.
   */
  filter(event: ChangeEvent, deliver: (event: ChangeEvent) => void): void {
    if (event.kind !== "change" || event.tokenIds.length === 0) {
      deliver(event);
      return;
    }
    const unknown = event.tokenIds.filter((id) => !this.known.has(id) || this.pending.has(id));
    if (unknown.length === 0) {
      this.deliverClassified(event, deliver);
      return;
    }
    const reads = unknown.map((id) => {
      let read = this.pending.get(id);
      if (read === undefined) {
        read = this.classify(id).finally(() => this.pending.delete(id));
        this.pending.set(id, read);
      }
      return read;
    });
    this.queue = this.queue.then(async () => {
      const classes = await Promise.all(reads).catch(() => ["gone" as const]);
      if (classes.includes("gone")) deliver({ kind: "reset", seq: event.seq });
      else this.deliverClassified(event, deliver);
    });
  }

  private deliverClassified(event: Extract<ChangeEvent, { kind: "change" }>, deliver: (event: ChangeEvent) => void): void {
    const classes = event.tokenIds.map((id) => this.known.get(id) ?? "hidden");
    if (classes.includes("hidden")) deliver({ kind: "reset", seq: event.seq });
    else {
      const visible = event.tokenIds.filter((id) => this.known.get(id) === "visible");
      if (visible.length > 0 || event.domains) deliver({ ...event, tokenIds: visible });
    }
    for (const id of event.tokenIds) this.refresh(id);
  }

  /** Reads a subtree token's class again (its domains may have changed), for its next event. */
  private refresh(id: string): void {
    if (this.ancestors.has(id) || this.known.get(id) === "out" || this.refreshing.has(id)) return;
    this.refreshing.add(id);
    this.classify(id)
      .catch(() => undefined)
      .finally(() => this.refreshing.delete(id));
  }

  /** Reads how `id` relates to the viewer and remembers it ("gone": no such token now; the last class stays). */
  private async classify(id: string): Promise<ReachClass | "gone"> {
    let found: ReachClass | "gone";
    if ((await visibleAmong(this.store, this.accountId, this.viewer, [id])).has(id)) found = "visible";
    else {
      const chain = await readAncestors(this.store, id);
      found = chain.length === 0 ? "gone" : chain.some((row) => row.id === this.viewer.tokenId) ? "hidden" : "out";
    }
    if (found !== "gone") this.known.set(id, found);
    return found;
  }
}
