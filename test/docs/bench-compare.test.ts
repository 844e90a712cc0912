/** bench/compare-results.mjs (issue 18): each figure's change against a baseline, as a table. */
import { describe, expect, it } from "vitest";
// @ts-expect-error a plain ES module of the benchmark, without types
import { compareReports } from "../../bench/compare-results.mjs";

const run = (mode: string, figures: { key: string; label: string; unit: string; median: number | null }[]) => ({ settings: { mode, startedAt: "2026-12-07T00:00:00.000Z" }, machine: { loadAtStart: "0.10 0.10 0.10" }, figures });

describe("compareReports", () => {
  it("prints each shared figure's medians, ratio and change, notes the rest and a difference of mode", () => {
    const before = run("full", [
      { key: "a", label: "verify req/s", unit: "req/s", median: 10_000 },
      { key: "b", label: "p99", unit: "ms", median: 20 },
      { key: "gone", label: "old figure", unit: "x", median: 1 },
    ]);
    const after = run("quick", [
      { key: "a", label: "verify req/s", unit: "req/s", median: 12_500 },
      { key: "b", label: "p99", unit: "ms", median: 15 },
      { key: "new", label: "new figure", unit: "x", median: 2 },
    ]);
    const lines: string[] = compareReports(before, after);
    expect(lines).toContain("| verify req/s | 10,000 | 12,500 | 1.25× | +25.0% | req/s |");
    expect(lines).toContain("| p99 | 20.0 | 15.0 | 0.75× | -25.0% | ms |");
    expect(lines.join("\n")).toContain("Only in this run: new figure.");
    expect(lines.join("\n")).toContain("Only in the baseline: old figure.");
    expect(lines.join("\n")).toContain("a full run against a quick run");
  });
});
