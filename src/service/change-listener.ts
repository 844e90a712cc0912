/**
 * Revocation across instances on PostgreSQL: one dedicated connection per instance LISTENs on the
 * change channel; every change (token created, renamed, paused, resumed, deleted; domain added or
 * removed) is NOTIFYed by the writer inside the same transaction, so it is delivered only if it commits
 * and to every instance within milliseconds (docs/deploy.md).
 *
 * Fail closed: while the connection is down, or not yet subscribed, the verifier's cache is disabled
 * and every verification reads the database; on resubscribing the cache starts empty. A lost NOTIFY can
 * therefore never leave a paused or deleted token allowed from a stale cache. The connection is checked
 * with a `select 1` every `healthCheckMillis` (1 s), so a silent network failure is noticed within
 * about two seconds; a closed connection is noticed at once.
 */
import pg from "pg";

import type { Verifier } from "./verifier.js";

/** Options of {@link ChangeListener}. */
export interface ChangeListenerOptions {
  /** PostgreSQL connection string (the store's). */
  readonly connectionString: string;
  /** Channel to LISTEN on (`changeChannel(schema)` of the store). */
  readonly channel: string;
  /** Shown in pg_stat_activity as application_name (default `latchkey-listener-<pid>`). */
  readonly applicationName?: string;
  /** Interval of the connection check, milliseconds (default 1,000); each check times out after as long. */
  readonly healthCheckMillis?: number;
  /** First reconnection delay, milliseconds, doubled up to 5 s (default 100). */
  readonly reconnectMillis?: number;
  /** Told when the subscription goes up or down (for logs). */
  readonly onStateChange?: (subscribed: boolean, error?: unknown) => void;
}

export class ChangeListener {
  private client: pg.Client | null = null;
  private subscribed = false;
  private stopped = false;
  private retryDelayMillis: number;
  private retryTimer: NodeJS.Timeout | null = null;
  private healthTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly verifier: Verifier,
    private readonly options: ChangeListenerOptions,
  ) {
    this.retryDelayMillis = options.reconnectMillis ?? 100;
  }

  /**
   * Connects and subscribes. Resolves once subscribed, or rejects when the first attempt fails (the
   * listener keeps retrying in the background either way until {@link stop}).
   */
  async start(): Promise<void> {
    this.verifier.setCacheEnabled(false);
    await this.connect();
  }

  /** Whether changes are being heard (readiness: false means this instance reads the database on every verification). */
  get isSubscribed(): boolean {
    return this.subscribed;
  }

  /** The backend process id of the listening connection (for tests that cut it), or null. */
  get backendPid(): number | null {
    return (this.client as unknown as { processID?: number } | null)?.processID ?? null;
  }

  /** Unsubscribes and closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.healthTimer) clearInterval(this.healthTimer);
    const client = this.client;
    this.client = null;
    this.markDown();
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName ?? `latchkey-listener-${process.pid}`,
      keepAlive: true,
      query_timeout: this.options.healthCheckMillis ?? 1_000,
    });
    this.client = client;
    client.on("notification", (message) => this.onNotification(message.payload ?? ""));
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
    // Subscribed: from here on every committed change reaches us, so a fresh cache is safe.
    this.subscribed = true;
    this.retryDelayMillis = this.options.reconnectMillis ?? 100;
    this.verifier.setCacheEnabled(true);
    this.options.onStateChange?.(true);
    this.healthTimer = setInterval(() => {
      client.query("select 1").catch((error: unknown) => this.lost(client, error));
    }, this.options.healthCheckMillis ?? 1_000);
    this.healthTimer.unref();
  }

  private onNotification(payload: string): void {
    const [kind, id] = payload.split(":", 2);
    if (kind === "token" && id) this.verifier.invalidateToken(id);
    else if (kind === "account" && id) this.verifier.invalidateAccount(id);
    else this.verifier.invalidateAll();
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.healthTimer = null;
    this.markDown(error);
    client.end().catch(() => undefined);
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.connect().catch(() => undefined);
    }, this.retryDelayMillis);
    this.retryTimer.unref();
    this.retryDelayMillis = Math.min(this.retryDelayMillis * 2, 5_000);
  }

  private markDown(error?: unknown): void {
    this.verifier.setCacheEnabled(false);
    if (this.subscribed) {
      this.subscribed = false;
      this.options.onStateChange?.(false, error);
    }
  }
}
