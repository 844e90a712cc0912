/**
 * This instance's entry in the instance registry (PostgreSQL; rows in src/store/instance-store.ts):
 * a heartbeat every `heartbeatMs` (250) that writes the row and, in the same statement, NOTIFYs the
 * change channel with `h <instance id> <sent at>` (sent at: this process's performance.now()), which
 * this instance's own listener must hear back (src/service/change-listener.ts); and the
 * acknowledgements `a <instance id> <seq>` of the changes it has applied, which wake the propagation
 * waits of every instance (src/service/propagation.ts).
 *
 * Beats run one at a time, in order, so the last row written says what the instance last decided
 * (bypassing or not); acknowledgements are coalesced (one in flight, then the latest).
 */
import { hostname } from "node:os";
import { ulid } from "ulidx";
import type { Store } from "../store/store.js";
import { acknowledge, beat, removeInstance, type InstanceIdentity } from "../store/instance-store.js";

/** Options of {@link InstanceRegistry}. */
export interface InstanceRegistryOptions {
  /** The change channel (`changeChannel(schema)`). */
  readonly channel: string;
  /** Interval of heartbeats, milliseconds (default 250). */
  readonly heartbeatMs?: number;
  /** Name shown in propagation answers (default `<host>:<pid>`). */
  readonly name?: string;
  /** Told of a failed beat or acknowledgement (it is retried by the next one). */
  readonly onError?: (error: unknown) => void;
}

/** What a beat needs of the change feed, asked when the beat is sent. */
export interface BeatSource {
  /** Whether the instance reads the database on every verification now; true also commits it to catch up before trusting again. */
  bypassingNow(): boolean;
}

/** Rows silent for this long are removed when an instance stops (crashed instances), milliseconds. */
const STALE_ROW_MS = 60 * 60 * 1000;

export class InstanceRegistry {
  readonly identity: InstanceIdentity;
  private appliedSeq = 0;
  private ackedSeq = 0;
  private acking = false;
  private chain: Promise<void> = Promise.resolve();
  private queuedBeats = 0;
  private timer: NodeJS.Timeout | null = null;
  private source: BeatSource = { bypassingNow: () => true };

  constructor(
    private readonly store: Store,
    private readonly options: InstanceRegistryOptions,
  ) {
    this.identity = { id: `ins_${ulid()}`, name: options.name ?? `${hostname()}:${process.pid}`, startedAt: new Date().toISOString() };
  }

  /** The last change this instance has applied. */
  get applied(): number {
    return this.appliedSeq;
  }

  /** Writes the first beat and starts beating; `source` says at each beat whether the instance is bypassing. */
  async start(source: BeatSource): Promise<void> {
    this.source = source;
    await this.beat();
    this.timer = setInterval(() => {
      if (this.queuedBeats === 0) void this.beat();
    }, this.options.heartbeatMs ?? 250);
    this.timer.unref();
  }

  /**
   * Queues a beat; resolves when it has been written (or failed). With `catchUp`, the row records that
   * change as applied and says "not bypassing", and `catchUp.onWritten` runs right after the write,
   * before any later beat is sent: the feed trusts its cache there.
   */
  beat(catchUp?: { readonly appliedSeq: number; readonly onWritten: () => void }): Promise<void> {
    this.queuedBeats++;
    this.chain = this.chain.then(async () => {
      this.queuedBeats--;
      const bypassing = catchUp === undefined ? this.source.bypassingNow() : false;
      const applied = Math.max(this.appliedSeq, catchUp?.appliedSeq ?? 0);
      const line = `h ${this.identity.id} ${performance.now().toFixed(3)}`;
      try {
        await beat(this.store.kysely, this.identity, applied, bypassing, this.options.channel, line);
        if (catchUp !== undefined) {
          this.appliedSeq = applied;
          catchUp.onWritten();
        }
      } catch (error) {
        this.options.onError?.(error);
      }
    });
    return this.chain;
  }

  /** Notes that every change up to `seq` is applied, and acknowledges it (coalesced). */
  noteApplied(seq: number): void {
    if (seq > this.appliedSeq) this.appliedSeq = seq;
    if (!this.acking && this.appliedSeq > this.ackedSeq) void this.sendAck();
  }

  private async sendAck(): Promise<void> {
    this.acking = true;
    try {
      while (this.appliedSeq > this.ackedSeq) {
        const seq = this.appliedSeq;
        await acknowledge(this.store.kysely, this.identity.id, seq, this.options.channel, `a ${this.identity.id} ${seq}`);
        this.ackedSeq = seq;
      }
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      this.acking = false;
    }
  }

  /** Stops beating and removes this instance's row (and rows of instances long silent). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.chain;
    await removeInstance(this.store.kysely, this.identity.id, STALE_ROW_MS).catch((error: unknown) => this.options.onError?.(error));
  }
}
