/**
 * Acknowledged revocation (issue 11, docs/deploy.md): a pause, resume, delete, cascade pause or
 * rotation is answered once every live instance has applied it, or the bound has passed.
 *
 * How to use it from a use case that changes what verification answers:
 *
 *     const seq = await store.transaction(async (tx) => { ...; return tx.notifyChange(`token:${id}`); });
 *     verifier.invalidateToken(id);
 *     const propagation = await this.deps.propagation.awaitPropagation(seq);
 *
 * `awaitPropagation(seq)` never throws for a slow instance: past the bound it names the instances that
 * had not applied the change as `lost`. Such an instance already refuses to answer from its cache: it
 * trusts its cache only until half a second after the last heartbeat it sent and heard back through
 * its change feed (src/service/change-listener.ts), and a feed that has not delivered change N by
 * then has not delivered a heartbeat sent after N either. An instance that reports `bypassing` (it
 * reads the database on every verification) counts as applied: it has every change by construction.
 *
 * SQLite is one process: the answer is immediate, `{instances: 1, applied: 1, waited_ms: 0}`.
 */
import type { Store } from "../store/store.js";
import { liveInstances, type InstanceState } from "../store/instance-store.js";
import { SILENT_OBSERVER, type ServiceObserver } from "./service-observer.js";

/** What a change's answer says of its propagation (the `propagation` field, DESIGN.md round 2). */
export interface Propagation {
  /** Live instances when the wait ended (1 on SQLite). */
  readonly instances: number;
  /** Those that had applied the change (or read the database on every verification). */
  readonly applied: number;
  /** Milliseconds spent waiting, rounded. */
  readonly waited_ms: number;
  /** Names of the instances that had not applied it within the bound (empty when all had). */
  readonly lost: readonly string[];
}

/** An instance is live while its last heartbeat is younger than this (four missed beats), milliseconds. */
export const LIVE_WINDOW_MS = 1_000;

/** Default bound of the wait (LATCHKEY_REVOCATION_TIMEOUT_MS), milliseconds. */
export const DEFAULT_REVOCATION_TIMEOUT_MS = 1_000;

/** How often the wait re-reads the registry when no acknowledgement wakes it, milliseconds. */
const RECHECK_MS = 25;

const IMMEDIATE: Propagation = Object.freeze({ instances: 1, applied: 1, waited_ms: 0, lost: Object.freeze([]) as readonly string[] });

export class PropagationWaiter {
  private readonly wakers = new Set<() => void>();

  /**
   * @param store the store (SQLite: every answer is immediate).
   * @param timeoutMs the bound, 1..60,000 milliseconds.
   * @param observer told of each wait's length and lost instances (metrics).
   */
  constructor(
    private readonly store: Store,
    readonly timeoutMs: number = DEFAULT_REVOCATION_TIMEOUT_MS,
    private readonly observer: ServiceObserver = SILENT_OBSERVER,
  ) {}

  /**
   * Waits until every live instance has applied change `seq` (or reads the database on every
   * verification), at most {@link PropagationWaiter.timeoutMs}.
   *
   * @param seq the change's number from `Store.notifyChange` (0: nothing changed; answers at once
   *   with the live instances).
   * @returns the propagation; never rejects for a slow instance (a database failure does reject).
   */
  async awaitPropagation(seq: number): Promise<Propagation> {
    if (this.store.dialect.kind !== "postgres") {
      this.observer.propagationWait(0, 0);
      return IMMEDIATE;
    }
    const start = performance.now();
    // Every instance live at any read of this wait, by id, in its latest state. One that falls silent
    // while waited for (frozen by SIGSTOP, partitioned, crashed) drops out of the live rows before the
    // bound: it is kept here, and named lost unless it applied the change (break test F11).
    const seen = new Map<string, InstanceState>();
    for (;;) {
      for (const instance of await liveInstances(this.store.kysely, LIVE_WINDOW_MS)) seen.set(instance.id, instance);
      const instances = [...seen.values()];
      const pending = instances.filter((i) => !hasApplied(i, seq));
      const waited = performance.now() - start;
      if (pending.length === 0 || waited >= this.timeoutMs) {
        this.observer.propagationWait(waited / 1000, pending.length);
        return { instances: instances.length, applied: instances.length - pending.length, waited_ms: Math.round(waited), lost: pending.map((i) => i.name) };
      }
      await this.nextWake(Math.min(RECHECK_MS, this.timeoutMs - waited));
    }
  }

  /** Wakes every wait to re-read the registry (the change feed heard an acknowledgement). */
  wake(): void {
    for (const waker of this.wakers) waker();
  }

  private nextWake(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }
}

function hasApplied(instance: InstanceState, seq: number): boolean {
  return instance.bypassing || instance.appliedSeq >= seq;
}

/**
 * The DELETE answer's header (a 204 has no body): `Latchkey-Propagation`, the same object as JSON,
 * e.g. `{"instances":2,"applied":2,"waited_ms":3,"lost":[]}`.
 */
export const PROPAGATION_HEADER = "latchkey-propagation";
