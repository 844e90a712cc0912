/**
 * The change feed of a PostgreSQL instance: one dedicated connection LISTENs on the change channel.
 * Every change is NOTIFYed by its writer inside its transaction, numbered by the change sequence
 * (src/store/change-sequence.ts), so it is delivered only if it commits, to every instance, in commit
 * order. On each change this instance drops what it cached, relays the change to its stream
 * subscribers (src/service/change-stream.ts), then acknowledges it (src/service/instance-registry.ts),
 * which lets the writer's propagation wait end (src/service/propagation.ts).
 *
 * The cache is trusted only while the feed is provably alive: the instance's own heartbeat (sent every
 * 250 ms through the pool, NOTIFYed on the same channel) must come back through this connection, and
 * each heartbeat heard vouches for the cache until 500 ms after it was sent (`trustMs`). A dead,
 * frozen or partitioned connection therefore stops the cache within 500 ms of the last heartbeat it
 * delivered, with no timer needed on the verification path (it compares performance.now() with that
 * instant); a connection silent for `reconnectAfterSilenceMs` (2 s) is destroyed and opened again.
 *
 * Catching up: after a lost connection (or once a heartbeat has written "bypassing" to the registry),
 * the cache is emptied and trusted again only when a heartbeat sent after resubscribing has come back,
 * the registry row says the current change number was applied, and nothing read before that is kept.
 */
import pg from "pg";
import { currentChangeSeq } from "../store/change-sequence.js";
import type { Store } from "../store/store.js";
import type { ChangeStream } from "./change-stream.js";
import { splitPayload } from "./change-stream.js";
import type { InstanceRegistry } from "./instance-registry.js";
import type { PropagationWaiter } from "./propagation.js";
import type { Verifier } from "./verifier.js";

/** Options of {@link ChangeListener}. */
export interface ChangeListenerOptions {
  /** PostgreSQL connection string of the listening connection (the store's, or a proxy's in tests). */
  readonly connectionString: string;
  /** Channel to LISTEN on (`changeChannel(schema)` of the store). */
  readonly channel: string;
  /** Shown in pg_stat_activity as application_name (default `latchkey-listener-<pid>`). */
  readonly applicationName?: string;
  /** How long a heard heartbeat vouches for the cache after it was sent, milliseconds (default 500). */
  readonly trustMs?: number;
  /** A connection that delivers nothing for this long is replaced, milliseconds (default 2,000). */
  readonly reconnectAfterSilenceMs?: number;
  /** First reconnection delay, milliseconds, doubled up to 5 s (default 100). */
  readonly reconnectMillis?: number;
  /** Told when the feed goes up (caught up, cache trusted) or down (for logs). */
  readonly onStateChange?: (live: boolean, error?: unknown) => void;
}

/** What the feed drives. */
export interface ChangeListenerParts {
  readonly store: Store;
  readonly verifier: Verifier;
  readonly registry: InstanceRegistry;
  readonly stream: ChangeStream;
  readonly propagation: PropagationWaiter;
}

/** The feed's state, as /readyz reports it. */
export type ChangeFeedState = "live" | "catching_up" | "down";

export class ChangeListener {
  private client: pg.Client | null = null;
  private subscribed = false;
  private stopped = false;
  private needsCatchUp = true;
  private catchingUp = false;
  /** Bumped on every new connection: work begun for an older one is dropped. */
  private connection = 0;
  private lastHeardAt = Number.NEGATIVE_INFINITY;
  /** Round trip of the latest own heartbeat heard, milliseconds (NaN before the first). */
  private heartbeatRoundTripMs = Number.NaN;
  /** When the latest own heartbeat heard on the current connection was sent (performance.now()). */
  private latestSentAt = Number.NEGATIVE_INFINITY;
  private retryDelayMillis: number;
  private retryTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private caughtUp: (() => void) | null = null;
  private readonly trustMs: number;

  constructor(
    private readonly parts: ChangeListenerParts,
    private readonly options: ChangeListenerOptions,
  ) {
    this.retryDelayMillis = options.reconnectMillis ?? 100;
    this.trustMs = options.trustMs ?? 500;
  }

  /**
   * Registers the instance, connects and subscribes. Resolves once the feed has caught up (or after
   * five seconds without, the cache bypassed meanwhile); rejects when the first connection fails (the
   * feed keeps retrying in the background either way until {@link stop}).
   */
  async start(): Promise<void> {
    this.parts.verifier.bypassCache();
    const live = new Promise<void>((resolve) => (this.caughtUp = resolve));
    await this.parts.registry.start({ bypassingNow: () => this.bypassingNow() });
    await this.connect();
    this.watchdog = setInterval(() => this.checkSilence(), 250);
    this.watchdog.unref();
    await Promise.race([live, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  }

  /** Whether the LISTEN connection is up (it may still be catching up). */
  get isSubscribed(): boolean {
    return this.subscribed;
  }

  /** live: caught up and heard within the trust window; catching_up: subscribed, not yet; down: no connection. */
  get state(): ChangeFeedState {
    if (!this.subscribed) return "down";
    return !this.needsCatchUp && this.parts.verifier.isCacheTrusted ? "live" : "catching_up";
  }

  /**
   * The feed's lag for metrics: `heartbeatRoundTripMs`, how long the latest own heartbeat took to come
   * back through the feed (NaN before the first); `silenceMs`, time since the feed last delivered
   * anything (Infinity when it never did). Milliseconds.
   */
  get lag(): { readonly heartbeatRoundTripMs: number; readonly silenceMs: number } {
    return { heartbeatRoundTripMs: this.heartbeatRoundTripMs, silenceMs: performance.now() - this.lastHeardAt };
  }

  /** The backend process id of the listening connection (for tests that cut it), or null. */
  get backendPid(): number | null {
    return (this.client as unknown as { processID?: number } | null)?.processID ?? null;
  }

  /** Unsubscribes, closes the connection and removes the instance from the registry. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.watchdog) clearInterval(this.watchdog);
    const client = this.client;
    this.client = null;
    this.markDown();
    destroy(client);
    await this.parts.registry.stop();
  }

  private bypassingNow(): boolean {
    if (this.parts.verifier.isCacheTrusted && !this.needsCatchUp) return false;
    this.needsCatchUp = true; // the row may now say "bypassing": trust again only after catching up
    return true;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName ?? `latchkey-listener-${process.pid}`,
      keepAlive: true,
    });
    const connection = ++this.connection;
    this.client = client;
    client.on("notification", (message) => {
      if (this.client === client) this.onLine(message.payload ?? "", connection);
    });
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, new Error("notification connection ended")));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.options.channel}"`);
    } catch (error) {
      this.lost(client, error);
      throw error;
    }
    if (this.client !== client || this.stopped) return;
    this.latestSentAt = Number.NEGATIVE_INFINITY;
    this.subscribed = true;
    this.lastHeardAt = performance.now();
    this.retryDelayMillis = this.options.reconnectMillis ?? 100;
  }

  private onLine(line: string, connection: number): void {
    this.lastHeardAt = performance.now();
    const { verifier, registry, stream, propagation } = this.parts;
    const kind = line.charCodeAt(0);
    if (kind === 99 /* c */) {
      const [, seqText, account, ...rest] = line.split(" ");
      const seq = Number(seqText);
      const payload = rest.join(" ");
      const [what, id] = splitPayload(payload);
      if (what === "token" && id !== "") verifier.invalidateToken(id);
      else if (what === "account" && id !== "") verifier.invalidateAccount(id);
      else verifier.invalidateAll();
      stream.publishChange({ seq, accountId: account === "-" || account === undefined ? null : account, payload });
      registry.noteApplied(seq);
    } else if (kind === 104 /* h */) {
      const [, id, sentAtText] = line.split(" ");
      if (id !== registry.identity.id) return;
      this.latestSentAt = Math.max(this.latestSentAt, Number(sentAtText));
      this.heartbeatRoundTripMs = this.lastHeardAt - Number(sentAtText);
      const trustedUntil = this.latestSentAt + this.trustMs;
      if (this.needsCatchUp) this.catchUp(connection);
      else {
        verifier.trustCacheUntil(trustedUntil);
        stream.publishHeartbeat(trustedUntil);
      }
    } else if (kind === 97 /* a */) {
      propagation.wake();
    } else {
      verifier.invalidateAll();
    }
  }

  /** Heard a heartbeat sent after subscribing: record the current change as applied, then trust an emptied cache. */
  private catchUp(connection: number): void {
    if (this.catchingUp) return;
    this.catchingUp = true;
    const { store, verifier, registry, stream } = this.parts;
    void currentChangeSeq(store.kysely)
      .then((seq) =>
        registry.beat({
          appliedSeq: seq,
          onWritten: () => {
            if (connection !== this.connection || this.client === null) return;
            // Every own heartbeat heard on this connection since it subscribed vouches, the latest most.
            const trustedUntil = this.latestSentAt + this.trustMs;
            this.needsCatchUp = false;
            verifier.invalidateAll();
            verifier.trustCacheUntil(trustedUntil);
            stream.publishReset(seq);
            stream.publishHeartbeat(trustedUntil);
            this.options.onStateChange?.(true);
            this.caughtUp?.();
            this.caughtUp = null;
          },
        }),
      )
      .catch(() => undefined)
      .finally(() => {
        this.catchingUp = false;
      });
  }

  private checkSilence(): void {
    const client = this.client;
    if (client === null || !this.subscribed) return;
    if (performance.now() - this.lastHeardAt > (this.options.reconnectAfterSilenceMs ?? 2_000)) this.lost(client, new Error("notification connection silent"));
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    this.markDown(error);
    destroy(client);
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.connect().catch(() => undefined);
    }, this.retryDelayMillis);
    this.retryTimer.unref();
    this.retryDelayMillis = Math.min(this.retryDelayMillis * 2, 5_000);
  }

  private markDown(error?: unknown): void {
    this.parts.verifier.bypassCache();
    this.needsCatchUp = true;
    this.parts.stream.publishReset(this.parts.registry.applied);
    if (this.subscribed) {
      this.subscribed = false;
      this.options.onStateChange?.(false, error);
    }
  }
}

/** Closes a client's socket at once: `end()` would wait on a connection that no longer delivers. */
function destroy(client: pg.Client | null): void {
  if (client === null) return;
  const stream = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  stream?.destroy();
  client.end().catch(() => undefined);
}
