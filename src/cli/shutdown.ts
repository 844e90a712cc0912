/**
 * Graceful stop of `latchkey serve` (issue 17; docs/operations.md, "Upgrading"). On SIGTERM or SIGINT:
 *
 * 1. Stop accepting: Fastify's close() stops the listener, ends the change-stream subscriptions (their
 *    preClose hook), closes idle keep-alive connections, and answers any request that still arrives on
 *    an open connection with 503 and `Connection: close` (a load balancer retries it elsewhere).
 * 2. Finish what is in flight: close() resolves once every accepted request has been answered, or
 *    after `LATCHKEY_SHUTDOWN_TIMEOUT_MS` (default 10,000) the connections still open are cut (a second
 *    signal cuts them at once).
 * 3. Flush and close: `Latchkey.close()` writes the batched last-used instants (the verifier's), usage
 *    counts and last uses (src/service/usage-recorder.ts) and spent credits, stops the webhook worker,
 *    closes the change feed (PostgreSQL: unlistens and removes this instance's registry row,
 *    src/service/instance-registry.ts) and the database.
 *
 * The serve command then returns, and the process exits 0.
 */
import type { App } from "../http/app.js";
import type { Latchkey } from "../service/latchkey.js";

/** LATCHKEY_SHUTDOWN_TIMEOUT_MS's default, milliseconds. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

const STOP_SIGNALS = ["SIGTERM", "SIGINT"] as const;

/** Resolves with the first SIGTERM or SIGINT this process receives (the handlers stay for a second one). */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      for (const s of STOP_SIGNALS) process.off(s, stop);
      resolve(signal);
    };
    for (const s of STOP_SIGNALS) process.on(s, stop);
  });
}

/** What {@link shutDown} did. */
export interface ShutdownReport {
  /** How the requests in flight ended: all answered, or cut at the timeout or by a second signal. */
  readonly drained: "answered" | "timeout" | "second_signal";
  /** Milliseconds from the signal to the database closed. */
  readonly tookMs: number;
}

/**
 * Stops the server gracefully (the steps above).
 *
 * @param timeoutMs the longest wait for requests in flight, milliseconds (LATCHKEY_SHUTDOWN_TIMEOUT_MS).
 * @throws what Latchkey.close() throws (a failed last flush: the batch is then lost, and said so).
 */
export async function shutDown(app: App, latchkey: Latchkey, signal: NodeJS.Signals, timeoutMs: number): Promise<ShutdownReport> {
  const started = performance.now();
  app.log.info({ signal, timeout_ms: timeoutMs }, "shutting down: no new connections; finishing requests in flight");
  let timer: NodeJS.Timeout | undefined;
  let onSecond: (() => void) | undefined;
  const closing = app.close();
  const drained = await Promise.race([
    closing.then(() => "answered" as const),
    new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    }),
    new Promise<"second_signal">((resolve) => {
      onSecond = () => resolve("second_signal");
      for (const s of STOP_SIGNALS) process.once(s, onSecond);
    }),
  ]);
  clearTimeout(timer);
  if (onSecond !== undefined) for (const s of STOP_SIGNALS) process.off(s, onSecond);
  if (drained !== "answered") {
    app.log.warn({ drained }, "cutting the connections still open");
    app.server.closeAllConnections();
    await closing;
  }
  await latchkey.close();
  const report = { drained, tookMs: Math.round(performance.now() - started) };
  app.log.info({ drained: report.drained, took_ms: report.tookMs }, "stopped: batched writes flushed, database closed");
  return report;
}
