/**
 * Measuring helpers shared by the benchmark's parts: timed loops (throughput and per-call latency),
 * percentiles, and the median/min/max summary each figure is reported with.
 *
 * Throughput and latency are measured in two passes, so that the clock reads of the latency pass do
 * not slow the throughput figure: a pass of untimed calls in batches for ops/s, then a pass where
 * every call is timed with `process.hrtime.bigint()` for p50/p99.
 */

/** Nanoseconds since an arbitrary origin, as a number. */
export function nowNanos() {
  return Number(process.hrtime.bigint());
}

/**
 * The p-th percentile (0..100) of a sorted array of numbers, by nearest rank.
 *
 * @param sorted ascending numbers.
 * @param p percentile, 0..100.
 * @returns the value, or NaN for an empty array.
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/**
 * Median, min and max of repeated measurements of one figure.
 *
 * @param values the figure from each run (at least one).
 * @returns `{median, min, max, runs}`.
 */
export function summarise(values) {
  const sorted = [...values].filter((v) => typeof v === "number" && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: null, min: null, max: null, runs: values };
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: values };
}

/**
 * Measures a synchronous operation: ops/s over `durationMs` of untimed batches, then p50/p99 in
 * microseconds over a second pass of individually timed calls.
 *
 * @param op the operation; called with the call's index (0, 1, ...).
 * @param options `durationMs` of each pass (default 2000), `batch` calls between clock reads (default 1000).
 * @returns `{opsPerSecond, p50Micros, p99Micros, calls}`.
 */
export function measureSync(op, { durationMs = 2000, batch = 1000 } = {}) {
  let calls = 0;
  // Warm-up (a fifth of a pass), so the optimising compiler has done its work before the clock runs.
  const warmDeadline = nowNanos() + durationMs * 2e5;
  while (nowNanos() < warmDeadline) for (let i = 0; i < batch; i++) op(calls++);
  const start = nowNanos();
  const deadline = start + durationMs * 1e6;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < batch; i++) op(calls++);
    now = nowNanos();
  }
  const opsPerSecond = calls / ((now - start) / 1e9);
  const latencies = new Float64Array(Math.min(2_000_000, Math.ceil(opsPerSecond * (durationMs / 1000)) + 1000));
  let n = 0;
  const latencyDeadline = nowNanos() + durationMs * 1e6;
  while (n < latencies.length) {
    const t0 = nowNanos();
    op(calls++);
    const t1 = nowNanos();
    latencies[n++] = (t1 - t0) / 1000;
    if (t1 > latencyDeadline) break;
  }
  const sorted = latencies.subarray(0, n).sort();
  return { opsPerSecond, p50Micros: percentile(sorted, 50), p99Micros: percentile(sorted, 99), calls };
}

/**
 * Measures an asynchronous operation awaited one call at a time (the library's own latency, no
 * concurrency): ops/s, then p50/p99 in microseconds, as {@link measureSync}.
 *
 * @param op returns a promise; called with the call's index.
 * @param options as {@link measureSync}; `maxCalls` bounds each pass (default 5,000,000).
 */
export async function measureAsync(op, { durationMs = 2000, batch = 200, maxCalls = 5_000_000 } = {}) {
  let calls = 0;
  const warmDeadline = nowNanos() + durationMs * 2e5;
  while (nowNanos() < warmDeadline && calls < maxCalls) for (let i = 0; i < batch; i++) await op(calls++);
  const start = nowNanos();
  const deadline = start + durationMs * 1e6;
  let now = start;
  while (now < deadline && calls < maxCalls) {
    for (let i = 0; i < batch; i++) await op(calls++);
    now = nowNanos();
  }
  const opsPerSecond = calls / ((now - start) / 1e9);
  const latencies = new Float64Array(Math.min(maxCalls, Math.ceil(opsPerSecond * (durationMs / 1000)) + 1000));
  let n = 0;
  const latencyDeadline = nowNanos() + durationMs * 1e6;
  while (n < latencies.length) {
    const t0 = nowNanos();
    await op(calls++);
    const t1 = nowNanos();
    latencies[n++] = (t1 - t0) / 1000;
    if (t1 > latencyDeadline) break;
  }
  const sorted = latencies.subarray(0, n).sort();
  return { opsPerSecond, p50Micros: percentile(sorted, 50), p99Micros: percentile(sorted, 99), calls };
}

/** Resident set size of this process, in megabytes (MiB). */
export function rssMegabytes() {
  return process.memoryUsage.rss() / (1024 * 1024);
}

/** Prints one result object as the last line of stdout, for the parent process to read. */
export function emitResult(result) {
  process.stdout.write(`${JSON.stringify({ benchResult: result })}\n`);
}
