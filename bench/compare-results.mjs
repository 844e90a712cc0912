/**
 * Compares two results of the benchmark (bench/results/latest.json of two runs, e.g. the committed
 * bench/results/BASELINE.json and this run) figure by figure: the medians side by side, their ratio
 * and the change in per cent, as a Markdown table. Figures present in only one run are listed apart.
 *
 * Usage: node bench/compare-results.mjs BEFORE.json AFTER.json
 *   or:  npm run bench -- --compare bench/results/BASELINE.json   (compares the run just made)
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { formatNumber } from "./bench-report.mjs";

/**
 * The comparison of two reports as Markdown lines.
 *
 * @param before a results object (`{settings, machine, figures: [{key, label, unit, median}]}`).
 * @param after the same, of the later run.
 * @returns the lines: a heading line, a note when the runs' modes differ, the table, figures only one run has.
 */
export function compareReports(before, after) {
  const beforeByKey = new Map(before.figures.map((f) => [f.key, f]));
  const afterKeys = new Set(after.figures.map((f) => f.key));
  const lines = [`Before: ${before.settings.startedAt} (${before.settings.mode} run, load at start ${before.machine.loadAtStart}); after: ${after.settings.startedAt} (${after.settings.mode} run, load at start ${after.machine.loadAtStart}).`, ""];
  if (before.settings.mode !== after.settings.mode) lines.push(`Note: a ${before.settings.mode} run against a ${after.settings.mode} run; sizes and load lengths differ, so only the ratios within each run compare well.`, "");
  lines.push("| measurement | before | after | after / before | change | unit |", "|---|---:|---:|---:|---:|---|");
  for (const figure of after.figures) {
    const old = beforeByKey.get(figure.key);
    if (old === undefined || old.median === null || figure.median === null) continue;
    const ratio = old.median === 0 ? "n/a" : `${(figure.median / old.median).toFixed(2)}×`;
    const change = old.median === 0 ? "n/a" : `${figure.median >= old.median ? "+" : ""}${(((figure.median - old.median) / old.median) * 100).toFixed(1)}%`;
    lines.push(`| ${figure.label} | ${formatNumber(old.median)} | ${formatNumber(figure.median)} | ${ratio} | ${change} | ${figure.unit} |`);
  }
  const onlyAfter = after.figures.filter((f) => !beforeByKey.has(f.key) && f.median !== null).map((f) => f.label);
  const onlyBefore = before.figures.filter((f) => !afterKeys.has(f.key) && f.median !== null).map((f) => f.label);
  if (onlyAfter.length > 0) lines.push("", `Only in this run: ${onlyAfter.join("; ")}.`);
  if (onlyBefore.length > 0) lines.push("", `Only in the baseline: ${onlyBefore.join("; ")}.`);
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [beforePath, afterPath] = process.argv.slice(2);
  if (beforePath === undefined || afterPath === undefined) throw new Error("usage: node bench/compare-results.mjs BEFORE.json AFTER.json");
  const read = (path) => JSON.parse(readFileSync(path, "utf8"));
  process.stdout.write(`${compareReports(read(beforePath), read(afterPath)).join("\n")}\n`);
}
